package money

import (
	"encoding/json"
	"testing"
)

func TestParseAndString(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		text string
		bad  bool
	}{
		{in: "12500", want: 1250000, text: "12500.00"},
		{in: "0.99", want: 99, text: "0.99"},
		{in: "4999.9", want: 499990, text: "4999.90"},
		{in: "-1.05", want: -105, text: "-1.05"},
		{in: "1.005", bad: true},
		{in: "1e3", bad: true},
		{in: "", bad: true},
		{in: ".5", bad: true},
		{in: "5.", bad: true},
		{in: "+5", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want || got.String() != tt.text {
				t.Fatalf("Parse(%q) = %d (%s), %v; want %d (%s)", tt.in, got, got, err, tt.want, tt.text)
			}
		})
	}
}

func TestScanDriverForms(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want Cents
		bad  bool
	}{
		{"sqlite integer", int64(5000), 500000, false},
		{"sqlite real", 149.99, 14999, false},
		{"sqlite real needing rounding", 0.1 + 0.2, 30, false},
		{"oracle text", "12500.5", 1250050, false},
		{"oracle leading dot", ".5", 50, false},
		{"trailing zeros", []byte("12.500"), 1250, false},
		{"three real decimals refused", "12.345", 0, true},
		{"unsupported type refused", true, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Cents
			err := c.Scan(tt.src)
			if tt.bad != (err != nil) || (!tt.bad && c != tt.want) {
				t.Fatalf("Scan(%v) = %d, %v; want %d (error %v)", tt.src, c, err, tt.want, tt.bad)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(struct{ P Cents }{1250000})
	if err != nil || string(b) != `{"P":"12500.00"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var v struct{ P Cents }
	if err := json.Unmarshal([]byte(`{"P":"19.99"}`), &v); err != nil || v.P != 1999 {
		t.Fatalf("unmarshal = %d, %v", v.P, err)
	}
	if err := json.Unmarshal([]byte(`{"P":"19.999"}`), &v); err == nil {
		t.Fatal("three decimals accepted")
	}
}
