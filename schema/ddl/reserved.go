package ddl

// isOracleReserved reports whether w (lower case) is one of Oracle's reserved words
// (V$RESERVED_WORDS with RESERVED = 'Y', 19c), which cannot name a table, column, constraint or index
// without quoting. The schema never quotes names, so the parser refuses them for both dialects: the
// SQLite schema must stay portable to Oracle.
func isOracleReserved(w string) bool {
	switch w {
	case "access", "add", "all", "alter", "and", "any", "as", "asc", "audit", "between", "by", "char",
		"check", "cluster", "column", "comment", "compress", "connect", "create", "current", "date",
		"decimal", "default", "delete", "desc", "distinct", "drop", "else", "exclusive", "exists",
		"file", "float", "for", "from", "grant", "group", "having", "identified", "immediate", "in",
		"increment", "index", "initial", "insert", "integer", "intersect", "into", "is", "level", "like",
		"lock", "long", "maxextents", "minus", "mlslabel", "mode", "modify", "noaudit", "nocompress",
		"not", "nowait", "null", "number", "of", "offline", "on", "online", "option", "or", "order",
		"pctfree", "prior", "public", "raw", "rename", "resource", "revoke", "row", "rowid", "rownum",
		"rows", "select", "session", "set", "share", "size", "smallint", "start", "successful",
		"synonym", "sysdate", "table", "then", "to", "trigger", "uid", "union", "unique", "update",
		"user", "validate", "values", "varchar", "varchar2", "view", "whenever", "where", "with":
		return true
	}
	return false
}
