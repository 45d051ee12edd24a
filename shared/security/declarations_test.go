package security_test

import (
	"testing"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// TestPublicWritesAreRateLimited reads the bundle's declarations as they stand: every public route
// that writes (POST, PUT, PATCH, DELETE) must declare a rate, which the local gateway enforces per
// client IP. Without it a script could create carts, orders, reviews or leads as fast as the
// functions answer.
func TestPublicWritesAreRateLimited(t *testing.T) {
	bundle, err := funcyaml.Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	for _, r := range bundle.Routes() {
		if r.Scope != manifest.Public || r.Method == "GET" || r.Method == "HEAD" {
			continue
		}
		writes++
		if r.Rate == nil || r.Rate.PerSecond < 1 {
			t.Errorf("%s (function %s) is a public write without a rate in its func.yaml", r.Pattern(), r.Function)
		}
	}
	if writes == 0 {
		t.Fatal("the bundle declares no public write route: the declarations were not read")
	}
}
