package loadgen

import (
	"testing"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// StartStack opens the embedded database through db.Open, which finds its dialect only when the
// binary links package sqlite: the load benchmarks link it through this package.
func TestTheEmbeddedDialectIsLinked(t *testing.T) {
	if _, err := dialect.Lookup(dialects.SQLite); err != nil {
		t.Fatal(err)
	}
}
