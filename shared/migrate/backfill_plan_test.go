package migrate

import (
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/schema/ddl"
)

func TestBackfillIsPlannedAsWrittenOnlyWhenItsColumnExists(t *testing.T) {
	st, err := ddl.Parse(`UPDATE customers SET email = 'c-' || id WHERE email IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	cat := NewCatalog()
	cat.Tables["customers"] = oracleCustomers()
	p := planVersion(cat, schema.Oracle, 2, []ddl.Statement{st})
	if len(p.Actions) != 1 || p.Actions[0].Kind != BackfillColumn || p.Actions[0].SQL != st.SQL || len(p.Incompatibilities) != 0 {
		t.Fatalf("plan %+v", p)
	}
	missing, err := ddl.Parse(`UPDATE customers SET nickname = name WHERE nickname IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	p = planVersion(cat, schema.Oracle, 2, []ddl.Statement{missing})
	if len(p.Actions) != 0 || len(p.Incompatibilities) != 1 {
		t.Fatalf("backfill of a missing column: %+v", p)
	}
}
