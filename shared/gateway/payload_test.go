package gateway

import (
	"testing"

	"github.com/octo-drone-shop/serverless/shared/serve"
)

// The gateway refuses answers over the limit the functions budget their answers for on OCI
// Functions (serve.ResponseBudget), so an export that fits there passes here too.
func TestTheGatewayCarriesWhatAFunctionBudgetsFor(t *testing.T) {
	if MaxPayload != serve.MaxResponse {
		t.Fatalf("MaxPayload %d, serve.MaxResponse %d", MaxPayload, serve.MaxResponse)
	}
}
