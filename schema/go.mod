module github.com/octo-drone-shop/serverless/schema

go 1.26.0
