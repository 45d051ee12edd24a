package web

import (
	"net/http"
	"strconv"
)

// ID parses an id in its one canonical spelling: decimal digits without sign or leading zero, from 1
// to the largest int64. "17" is an id; "017", "+17", "-1", "0", "1e3", " 17" and "17.0" are not, so
// every route answers them the same way as an id that names nothing (ParseInt alone would accept
// "+17" and "017" as 17, and routes disagreed on the status).
func ID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// PathID reads the path parameter name as an ID. ok is false for any other spelling: such a path
// names no resource, and the caller answers 404 as it does for an id that does not exist.
func PathID(r *http.Request, name string) (id int64, ok bool) { return ID(r.PathValue(name)) }
