package web

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
)

type order struct {
	ProductID  int64        `json:"product_id"`
	CouponCode string       `json:"coupon_code"`
	Name       string       `json:"name"`
	Subtotal   *money.Cents `json:"subtotal"`
	Customer   struct {
		Email string `json:"email"`
	} `json:"customer"`
}

// Each input defect a hostile client found is refused with a 400 that names it; the accepted forms
// still decode.
func TestDecodeIsStrict(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		sentinel   error
		message    string // a substring of the client message
	}{
		{"duplicate_key_is_refused_not_last_wins", `{"coupon_code":"WELCOME10","coupon_code":"SAVE250"}`, ErrDuplicateField, `field "coupon_code" appears more than once`},
		{"duplicate_key_in_nested_object", `{"customer":{"email":"a@b.example","email":"c@d.example"}}`, ErrDuplicateField, `"customer.email" appears more than once`},
		{"case_variant_field_is_unknown", `{"Product_ID":17}`, ErrUnknownField, `unknown field "Product_ID"`},
		{"upper_case_field_is_unknown", `{"NAME":"x"}`, ErrUnknownField, `unknown field "NAME"`},
		{"invalid_utf8_is_refused_not_replaced", "{\"name\":\"Pat \xff\"}", ErrMalformed, "not valid UTF-8"},
		{"lone_high_surrogate_escape", `{"name":"Pat \ud800"}`, ErrMalformed, "lone UTF-16 surrogate"},
		{"lone_low_surrogate_escape", `{"name":"\udc00Pat"}`, ErrMalformed, "lone UTF-16 surrogate"},
		{"three_decimals_is_its_own_message", `{"subtotal":"79.001"}`, ErrWrongType, `field "subtotal" is an amount: at most two decimals`},
		{"amount_that_is_no_number", `{"subtotal":"79,00"}`, ErrWrongType, `field "subtotal" must be an amount`},
		{"wrong_type_names_nested_field", `{"customer":{"email":7}}`, ErrWrongType, `field "customer.email" must be a string`},
		{"trailing_data", `{"name":"a"} {"name":"b"}`, ErrMalformed, "data after the JSON value"},
		{"truncated", `{"name":`, ErrMalformed, "unexpected end"},
		{"not_an_object", `[1]`, ErrWrongType, "must be a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o order
			err := DecodeBytes([]byte(tc.body), &o)
			if !errors.Is(err, tc.sentinel) || apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("err = %v, want %v (400)", err, tc.sentinel)
			}
			if p := apperr.PublicOf(err); !strings.Contains(p.Message, tc.message) || p.Code != "invalid_request" {
				t.Fatalf("answer = %s %q, want a message with %q", p.Code, p.Message, tc.message)
			}
		})
	}
	t.Run("valid_body_with_a_surrogate_pair_decodes", func(t *testing.T) {
		var o order
		err := DecodeBytes([]byte(`{"product_id":17,"name":"Pat \ud83d\ude01","subtotal":"79.00","customer":{"email":"p@x.example"}}`), &o)
		if err != nil || o.ProductID != 17 || o.Name != "Pat 😁" || *o.Subtotal != 7900 || o.Customer.Email != "p@x.example" {
			t.Fatalf("decoded %+v, %v", o, err)
		}
	})
}

func TestTextLimitRefuses(t *testing.T) {
	name := TextLimit{Field: "name", Bytes: 10, Required: true}
	prose := TextLimit{Field: "message", Bytes: 40, Multiline: true}
	for _, tc := range []struct {
		test  string
		limit TextLimit
		in    string
		ok    bool
	}{
		{"plain_name", name, "Pat Smith", true},
		{"accented_within_bytes", name, "Zoë Ødeg", true},              // 8 characters, 10 bytes
		{"accented_over_bytes_under_chars", name, "Zoë Ødegår", false}, // 10 characters, 12 bytes: ORA-12899 on Oracle
		{"empty_required", name, "", false},
		{"whitespace_only_required", name, " \t\u00a0\u3000", false},
		{"whitespace_only_optional", prose, "   ", false},
		{"empty_optional", prose, "", true},
		{"control_character", name, "Pat\x07", false},
		{"newline_in_a_name", name, "Pat\nSmith", false},
		{"newline_in_prose", prose, "line one\nline two", true},
		{"right_to_left_override_in_name", name, "Pat\u202egpj", false},
		{"right_to_left_override_in_prose", prose, "see \u202etxt.exe", false},
		{"isolate_in_prose", prose, "a\u2066b", false},
		{"zero_width_space_in_name", name, "Pa\u200bt", false},
		{"zero_width_joiner_in_name", name, "Pa\u200dt", false},
		{"zero_width_joiner_in_prose", prose, "family 👨\u200d👩\u200d👧", true},
		{"byte_order_mark_in_prose", prose, "\ufeffhello", false},
		{"line_separator_in_name", name, "a\u2028b", false},
		{"invalid_utf8", name, "Pat\xff", false},
	} {
		t.Run(tc.test, func(t *testing.T) {
			err := tc.limit.Check("test", tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("Check(%q) = %v, want ok=%t", tc.in, err, tc.ok)
			}
			if err != nil && apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("kind = %v", apperr.KindOf(err))
			}
		})
	}
	t.Run("byte_limit_message_names_bytes", func(t *testing.T) {
		err := name.Check("test", "ééééééé")
		if p := apperr.PublicOf(err); !strings.Contains(p.Message, "at most 10 bytes") {
			t.Fatalf("message = %q", p.Message)
		}
	})
}

func TestID(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "17": 17, "9223372036854775807": 1<<63 - 1} {
		if got, ok := ID(in); !ok || got != want {
			t.Errorf("ID(%q) = %d, %t", in, got, ok)
		}
	}
	for _, in := range []string{"", "0", "017", "00", "+17", "-1", "1e3", "17.0", " 17", "17 ", "0x11", "٣", "9223372036854775808", "99999999999999999999"} {
		if got, ok := ID(in); ok {
			t.Errorf("ID(%q) = %d, accepted", in, got)
		}
	}
}

// TestUnavailableSaysWhenToRetry: a function's 503 (its database is down) carries Retry-After as its
// 429 does.
func TestUnavailableSaysWhenToRetry(t *testing.T) {
	for _, kind := range []apperr.Kind{apperr.Unavailable, apperr.RateLimited} {
		rec := httptest.NewRecorder()
		Error(rec, httptest.NewRequest("GET", "/api/x", nil), nil, apperr.E("test", kind, "later"))
		if rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%d without Retry-After", rec.Code)
		}
	}
}
