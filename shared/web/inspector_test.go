package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// recordingInspector remembers what Decode showed it and refuses bodies containing "refuse".
type recordingInspector struct {
	bodies   []string
	rejected []error
}

func (in *recordingInspector) InspectBody(_ *http.Request, body []byte) error {
	in.bodies = append(in.bodies, string(body))
	if strings.Contains(string(body), "refuse") {
		return apperr.E("test.Inspect", apperr.Invalid, "refused by the inspector")
	}
	return nil
}

func (in *recordingInspector) Rejected(_ *http.Request, err error) {
	in.rejected = append(in.rejected, err)
}

func TestDecodeShowsBodiesToTheInspector(t *testing.T) {
	h := testRouter(t)
	tests := []struct {
		name, body string
		status     int
		cause      error // what Rejected must see; nil: nothing
		inspected  bool
	}{
		{"accepted_body_is_inspected_once", `{"name":"a"}`, 201, nil, true},
		{"inspector_refusal_is_the_answer", `{"name":"refuse"}`, 400, nil, true},
		{"unknown_field_is_reported", `{"name":"a","admin":true}`, 400, ErrUnknownField, true},
		{"wrong_type_is_reported", `{"count":"2"}`, 400, ErrWrongType, true},
		{"malformed_json_is_reported", `{"name":`, 400, ErrMalformed, true},
		{"trailing_data_is_reported", `{"name":"a"} x`, 400, ErrMalformed, true},
		{"oversized_body_is_reported_unread", `{"name":"` + strings.Repeat("x", 80) + `"}`, 413, ErrBodyTooLarge, false},
		{"empty_body_is_not_reported", ``, 400, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &recordingInspector{}
			req := httptest.NewRequest("POST", "/api/widgets", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req = req.WithContext(WithInspector(req.Context(), in))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := len(in.bodies) == 1 && in.bodies[0] == tt.body; got != tt.inspected {
				t.Errorf("inspected %q, want the body inspected: %v", in.bodies, tt.inspected)
			}
			switch {
			case tt.cause == nil && len(in.rejected) != 0:
				t.Errorf("rejected %v, want nothing", in.rejected)
			case tt.cause != nil && (len(in.rejected) != 1 || !errors.Is(in.rejected[0], tt.cause)):
				t.Errorf("rejected %v, want one error wrapping %v", in.rejected, tt.cause)
			}
		})
	}
}
