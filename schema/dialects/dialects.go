// Package dialects names the two databases, once for the whole code base: the configuration
// (OCTO_DB_DRIVER), the migrations (schema.FS), the data layer's dialect registry and the build's
// driver all use these strings. It is a leaf: importing it costs a binary nothing at start, unlike
// package schema (embedded migrations, the DDL model's expressions).
package dialects

// The dialect names.
const (
	Oracle = "oracle" // Oracle ATP through godror
	SQLite = "sqlite" // the embedded twin (modernc.org/sqlite)
)
