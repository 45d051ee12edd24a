// Command openapi writes the bundle's OpenAPI 3.1 document, shared/openapi/spec/openapi.json, from the
// function declarations (func.yaml) and the contract table of every function package (the Go types
// of each route's bodies; see package openapi). It lives in its own module because it imports every
// function, which shared cannot. `make openapi` (and `make generate`) runs it from the repository
// root; TestCommittedDocumentIsCurrent fails while the committed file is out of date.
//
//	go run ./tools/openapi            # rewrite shared/openapi/spec/openapi.json
//	go run ./tools/openapi -check     # fail if it is out of date
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/openapi"
	"github.com/octo-drone-shop/serverless/shared/openapi/spec"
)

func main() {
	root := flag.String("root", ".", "repository root holding func.yaml and functions/")
	check := flag.Bool("check", false, "only check that the committed document is current")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	doc, err := generate(root)
	if err != nil {
		return err
	}
	path := filepath.Join(root, spec.FileName)
	if check {
		have, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Equal(have, doc) {
			return fmt.Errorf("%s is out of date: run make openapi and commit it", spec.FileName)
		}
		return nil
	}
	return os.WriteFile(path, doc, 0o644)
}

// generate builds the document of the bundle at root, indented, as committed.
func generate(root string) ([]byte, error) {
	b, err := funcyaml.Load(root)
	if err != nil {
		return nil, err
	}
	doc, err := openapi.Build(b, contracts)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
