module github.com/octo-drone-shop/serverless/tools/openapi

go 1.26.0

require (
	github.com/getkin/kin-openapi v0.153.0
	github.com/octo-drone-shop/serverless/functions/admin-audit v0.0.0
	github.com/octo-drone-shop/serverless/functions/admin-catalog v0.0.0
	github.com/octo-drone-shop/serverless/functions/analytics-rollup v0.0.0
	github.com/octo-drone-shop/serverless/functions/assistant-chat v0.0.0
	github.com/octo-drone-shop/serverless/functions/auth v0.0.0
	github.com/octo-drone-shop/serverless/functions/cart v0.0.0
	github.com/octo-drone-shop/serverless/functions/catalog v0.0.0
	github.com/octo-drone-shop/serverless/functions/checkout v0.0.0
	github.com/octo-drone-shop/serverless/functions/crm-customers v0.0.0
	github.com/octo-drone-shop/serverless/functions/crm-marketing v0.0.0
	github.com/octo-drone-shop/serverless/functions/crm-orders v0.0.0
	github.com/octo-drone-shop/serverless/functions/crm-support v0.0.0
	github.com/octo-drone-shop/serverless/functions/lead-capture v0.0.0
	github.com/octo-drone-shop/serverless/functions/orders v0.0.0
	github.com/octo-drone-shop/serverless/functions/page-view v0.0.0
	github.com/octo-drone-shop/serverless/functions/review v0.0.0
	github.com/octo-drone-shop/serverless/functions/ticket v0.0.0
	github.com/octo-drone-shop/serverless/functions/workflow-gateway v0.0.0
	github.com/octo-drone-shop/serverless/shared v0.0.0
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/VictoriaMetrics/easyproto v0.1.4 // indirect
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	github.com/buger/jsonparser v1.1.2 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/emersion/go-message v0.18.2 // indirect
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
	github.com/emersion/go-smtp v0.24.0 // indirect
	github.com/fnproject/fdk-go v0.0.63 // indirect
	github.com/go-jose/go-jose/v4 v4.1.9 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/go-openapi/jsonpointer v1.0.0 // indirect
	github.com/gofrs/flock v0.10.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/invopop/jsonschema v0.14.0 // indirect
	github.com/octo-drone-shop/serverless/schema v0.0.0 // indirect
	github.com/oracle/oci-go-sdk/v65 v65.130.0 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.1 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/sony/gobreaker/v2 v2.4.0 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/contrib/propagators/b3 v1.47.0 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/log v1.47.0 // indirect
	go.opentelemetry.io/otel/metric v1.47.0 // indirect
	go.opentelemetry.io/otel/sdk v1.47.0 // indirect
	go.opentelemetry.io/otel/sdk/metric v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/mod v0.43.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/octo-drone-shop/serverless/shared => ../../shared

replace github.com/octo-drone-shop/serverless/schema => ../../schema

replace github.com/octo-drone-shop/serverless/functions/admin-audit => ../../functions/admin-audit

replace github.com/octo-drone-shop/serverless/functions/admin-catalog => ../../functions/admin-catalog

replace github.com/octo-drone-shop/serverless/functions/analytics-rollup => ../../functions/analytics-rollup

replace github.com/octo-drone-shop/serverless/functions/assistant-chat => ../../functions/assistant-chat

replace github.com/octo-drone-shop/serverless/functions/auth => ../../functions/auth

replace github.com/octo-drone-shop/serverless/functions/cart => ../../functions/cart

replace github.com/octo-drone-shop/serverless/functions/catalog => ../../functions/catalog

replace github.com/octo-drone-shop/serverless/functions/checkout => ../../functions/checkout

replace github.com/octo-drone-shop/serverless/functions/crm-customers => ../../functions/crm-customers

replace github.com/octo-drone-shop/serverless/functions/crm-marketing => ../../functions/crm-marketing

replace github.com/octo-drone-shop/serverless/functions/crm-orders => ../../functions/crm-orders

replace github.com/octo-drone-shop/serverless/functions/crm-support => ../../functions/crm-support

replace github.com/octo-drone-shop/serverless/functions/lead-capture => ../../functions/lead-capture

replace github.com/octo-drone-shop/serverless/functions/orders => ../../functions/orders

replace github.com/octo-drone-shop/serverless/functions/page-view => ../../functions/page-view

replace github.com/octo-drone-shop/serverless/functions/review => ../../functions/review

replace github.com/octo-drone-shop/serverless/functions/ticket => ../../functions/ticket

replace github.com/octo-drone-shop/serverless/functions/workflow-gateway => ../../functions/workflow-gateway
