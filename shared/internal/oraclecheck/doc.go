// Package oraclecheck holds the tests that keep Go code within what godror supports on Oracle ATP,
// where the embedded database the other tests run on would accept more. It has no code of its own.
//
// godror does not support sql.NullString: Oracle stores the empty string as NULL, so a NULL comes
// back as a Valid "" and every `if x.Valid` is true (its README, "Caveats"). sql.NullInt16 and
// sql.NullByte are not among the types it binds or scans, and sql.Null[string] has sql.NullString's
// problem. Strings are scanned into plain strings (NULL is "") and nullable numbers into the
// sql.Null types godror knows (NullInt32, NullInt64, NullFloat64, NullBool, NullTime).
package oraclecheck
