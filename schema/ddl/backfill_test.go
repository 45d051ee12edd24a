package ddl

import (
	"strings"
	"testing"
)

func TestBackfillAcceptsOnlyFillingNulls(t *testing.T) {
	st, err := Parse(`UPDATE campaigns SET code = 'CAMPAIGN-' || id WHERE code IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != Backfill || st.Fill.Table != "campaigns" || st.Fill.Column != "code" || st.Fill.Expr != "'CAMPAIGN-' || id" {
		t.Fatalf("parsed %+v %+v", st, st.Fill)
	}
	for _, bad := range []string{
		`UPDATE campaigns SET code = 'X'`,
		`UPDATE campaigns SET code = 'X' WHERE id = 1`,
		`UPDATE campaigns SET code = 'X' WHERE name IS NULL`,
		`UPDATE campaigns SET code = WHERE code IS NULL`,
		`UPDATE campaigns SET code = 'X' WHERE code IS NULL OR 1 = 1`,
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	s := &Schema{}
	if err := s.Apply(st); err == nil || !strings.Contains(err.Error(), "unknown table") {
		t.Errorf("backfill of a missing table: %v", err)
	}
}
