package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestJSONPrintsOneValue(t *testing.T) {
	doc := `{"order":{"id":12,"total":"741.20","items":[{"id":7,"name":"Pad"}]},"order_token":"tok"}`
	for path, want := range map[string]string{
		"order_token": "tok", "order.id": "12", "order.total": "741.20", "order.items.0.id": "7",
		"order.items.0": `{"id":7,"name":"Pad"}`,
	} {
		var out bytes.Buffer
		err := run(context.Background(), commandEnv{Stdin: strings.NewReader(doc), Stdout: &out}, []string{"json", path})
		if err != nil || out.String() != want+"\n" {
			t.Errorf("json %s = %q, %v; want %q", path, out.String(), err, want)
		}
	}
	for _, path := range []string{"missing", "order.items.1", "order.id.x", "order.items.x"} {
		err := run(context.Background(), commandEnv{Stdin: strings.NewReader(doc), Stdout: &bytes.Buffer{}}, []string{"json", path})
		if err == nil {
			t.Errorf("json %s: no error", path)
		}
	}
	err := run(context.Background(), commandEnv{Stdin: strings.NewReader("not json"), Stdout: &bytes.Buffer{}}, []string{"json", "a"})
	if err == nil || errors.Is(err, errUsage) {
		t.Errorf("non-JSON input: %v", err)
	}
}
