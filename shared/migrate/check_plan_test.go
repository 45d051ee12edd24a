package migrate

import (
	"slices"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/schema/ddl"
)

func TestOracleCheckReplacementValidatesBeforeDropping(t *testing.T) {
	st, err := ddl.Parse(`ALTER TABLE customers ADD CONSTRAINT ck_customers_revenue CHECK (revenue >= 0 AND revenue < 1e9)`)
	if err != nil {
		t.Fatal(err)
	}
	sqlOf := func(p plan) []string {
		var out []string
		for _, a := range p.Actions {
			out = append(out, a.SQL)
		}
		return out
	}
	const add, addTmp = "ALTER TABLE customers ADD CONSTRAINT ck_customers_revenue CHECK (revenue >= 0 AND revenue < 1e9)",
		"ALTER TABLE customers ADD CONSTRAINT ck_customers_revenue_new CHECK (revenue >= 0 AND revenue < 1e9)"
	const drop, rename, dropTmp = "ALTER TABLE customers DROP CONSTRAINT ck_customers_revenue",
		"ALTER TABLE customers RENAME CONSTRAINT ck_customers_revenue_new TO ck_customers_revenue",
		"ALTER TABLE customers DROP CONSTRAINT ck_customers_revenue_new"
	cases := []struct {
		name string
		edit func(t *CatalogTable)
		want []string
	}{
		{"existing_check_is_replaced_new_first", func(*CatalogTable) {}, []string{addTmp, drop, rename}},
		{"missing_check_is_added", func(t *CatalogTable) { delete(t.Constraints, "ck_customers_revenue") }, []string{add}},
		{"rerun_after_a_failure_remakes_the_temporary", func(t *CatalogTable) { t.Constraints["ck_customers_revenue_new"] = true },
			[]string{dropTmp, addTmp, drop, rename}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat := NewCatalog()
			cat.Tables["customers"] = oracleCustomers()
			tc.edit(cat.Tables["customers"])
			p := planVersion(cat, schema.Oracle, 2, []ddl.Statement{st})
			if got := sqlOf(p); !slices.Equal(got, tc.want) {
				t.Fatalf("plan\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
