module github.com/octo-drone-shop/serverless/functions/catalog

go 1.26.0

require github.com/octo-drone-shop/serverless/shared v0.0.0

replace github.com/octo-drone-shop/serverless/shared => ../../shared

replace github.com/octo-drone-shop/serverless/schema => ../../schema
