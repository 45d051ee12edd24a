package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/openapi"
)

// servers collects repeated --server flags.
type servers []openapi.Server

func (s *servers) String() string { return fmt.Sprint(*s) }

func (s *servers) Set(v string) error {
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
		return fmt.Errorf("server %q must be an http(s) URL", v)
	}
	*s = append(*s, openapi.Server{URL: strings.TrimSuffix(v, "/")})
	return nil
}

// runOpenAPI prints the bundle's OpenAPI document, read from the function declarations.
func runOpenAPI(_ context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	root := fs.String("root", ".", "repository root holding func.yaml and functions/")
	var srv servers
	fs.Var(&srv, "server", "base URL to list, e.g. an API deployment's endpoint with its path prefix (repeatable; default http://localhost:8080)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: openapi takes no arguments", errUsage)
	}
	b, err := funcyaml.Load(*root)
	if err != nil {
		return err
	}
	if len(srv) == 0 {
		srv = servers{{URL: "http://localhost:8080", Description: "the local gateway (make run)"}}
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(openapi.Document(b, openapi.Options{Servers: srv}))
}
