package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// ETag returns a strong entity tag for a record's version: the SHA-256 of its JSON form (the fields
// a write may change and its updated_at), so two versions differ whenever any of those fields does,
// even when two writes land in the same millisecond.
func ETag(version any) (string, error) {
	b, err := json.Marshal(version)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, nil
}

// CheckIfMatch is the optimistic concurrency check of a PATCH of a record (RFC 9110 13.1.1): the
// request must carry If-Match (428 precondition_required otherwise) naming the record's current
// ETag; a list of tags matches when one of them is current, and "*" matches nothing (it would skip
// the check). A stale tag is 412 precondition_failed. Call it with the ETag of the row read under
// its lock, before changing anything.
func CheckIfMatch(op string, r *http.Request, current string) error {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return apperr.E(op, apperr.PreconditionRequired, "send If-Match with the ETag of the record you read")
	}
	for _, tag := range strings.Split(h, ",") {
		if strings.TrimSpace(tag) == current {
			return nil
		}
	}
	return apperr.E(op, apperr.PreconditionFailed, "the record changed since you read it; read it again")
}
