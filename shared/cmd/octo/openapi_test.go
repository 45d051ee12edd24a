package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
)

func TestOpenAPICommand(t *testing.T) {
	openapi := func(args ...string) (map[string]any, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), commandEnv{Stdout: &out, Stderr: &errOut}, append([]string{"openapi"}, args...))
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.Bytes())
		}
		return doc, nil
	}
	server := func(doc map[string]any) any { return doc["servers"].([]any)[0].(map[string]any)["url"] }

	doc, err := openapi()
	if err != nil {
		t.Fatal(err)
	}
	if paths, _ := doc["paths"].(map[string]any); paths["/api/products"] == nil || server(doc) != "http://localhost:8080" {
		t.Fatalf("default document: servers %v, /api/products %v", doc["servers"], paths["/api/products"])
	}
	if doc, err = openapi("--server", "https://abc.apigateway.eu-frankfurt-1.oci.customer-oci.com/v1/"); err != nil {
		t.Fatal(err)
	}
	if got := server(doc); got != "https://abc.apigateway.eu-frankfurt-1.oci.customer-oci.com/v1" {
		t.Errorf("server = %v", got)
	}
	for _, bad := range [][]string{{"--server", "abc.example.com"}, {"extra"}} {
		if _, err := openapi(bad...); !errors.Is(err, errUsage) {
			t.Errorf("openapi %v: err = %v, want a usage error", bad, err)
		}
	}
}
