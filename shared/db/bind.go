package db

// bind converts bind values for the dialect (see dialect.Dialect.Bind: times cut to the millisecond on
// both, SQLite's canonical time text and ” as NULL, Oracle numbers). The slice is copied only when
// something changes.
func (d *DB) bind(args []any) []any {
	var out []any
	for i, a := range args {
		v, changed := d.dialect.Bind(a)
		if !changed {
			if out != nil {
				out[i] = a
			}
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args[:i])
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}
