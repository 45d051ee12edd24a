package main

import (
	"github.com/octo-drone-shop/serverless/shared/openapi"

	adminaudit "github.com/octo-drone-shop/serverless/functions/admin-audit"
	admincatalog "github.com/octo-drone-shop/serverless/functions/admin-catalog"
	analytics "github.com/octo-drone-shop/serverless/functions/analytics-rollup"
	assistant "github.com/octo-drone-shop/serverless/functions/assistant-chat"
	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/functions/cart"
	"github.com/octo-drone-shop/serverless/functions/catalog"
	"github.com/octo-drone-shop/serverless/functions/checkout"
	crmcustomers "github.com/octo-drone-shop/serverless/functions/crm-customers"
	crmmarketing "github.com/octo-drone-shop/serverless/functions/crm-marketing"
	crmorders "github.com/octo-drone-shop/serverless/functions/crm-orders"
	crmsupport "github.com/octo-drone-shop/serverless/functions/crm-support"
	leadcapture "github.com/octo-drone-shop/serverless/functions/lead-capture"
	"github.com/octo-drone-shop/serverless/functions/orders"
	pageview "github.com/octo-drone-shop/serverless/functions/page-view"
	"github.com/octo-drone-shop/serverless/functions/review"
	"github.com/octo-drone-shop/serverless/functions/ticket"
	workflow "github.com/octo-drone-shop/serverless/functions/workflow-gateway"
)

// contracts is every function's contract table, by function name. A function with routes adds its
// line here (and its module to go.mod); TestEveryRouteHasAContract fails until it does.
var contracts = map[string][]openapi.Operation{
	"admin-audit":      adminaudit.Contract,
	"admin-catalog":    admincatalog.Contract,
	"analytics-rollup": analytics.Contract,
	"assistant-chat":   assistant.Contract,
	"auth":             auth.Contract,
	"cart":             cart.Contract,
	"catalog":          catalog.Contract,
	"checkout":         checkout.Contract,
	"crm-customers":    crmcustomers.Contract,
	"crm-marketing":    crmmarketing.Contract,
	"crm-orders":       crmorders.Contract,
	"crm-support":      crmsupport.Contract,
	"lead-capture":     leadcapture.Contract,
	"orders":           orders.Contract,
	"page-view":        pageview.Contract,
	"review":           review.Contract,
	"ticket":           ticket.Contract,
	"workflow-gateway": workflow.Contract,
}
