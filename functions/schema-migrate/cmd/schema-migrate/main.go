// Command schema-migrate is the schema-migrate function's binary. It opens no database at cold
// start: each invocation opens its own connections (see package schemamigrate).
package main

import (
	"net/http"

	schemamigrate "github.com/octo-drone-shop/serverless/functions/schema-migrate"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(schemamigrate.Name, func(e *boot.Env) (http.Handler, error) {
		return schemamigrate.New(e.Getenv, e.Log)
	}, boot.WithoutDatabase())
}
