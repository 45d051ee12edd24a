package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// runJSON prints one value of the JSON document on stdin, named by a dotted path of object keys and
// array indexes ("cart_id", "order.id", "items.0.id"): a string as its raw text, anything else as
// JSON. It is what the README's examples use to take ids from answers, so they need no jq.
func runJSON(_ context.Context, env commandEnv, args []string) error {
	if len(args) != 1 || args[0] == "" {
		return fmt.Errorf("%w: octo json PATH (e.g. order.id or items.0.id) < document.json", errUsage)
	}
	raw, err := io.ReadAll(env.Stdin)
	if err != nil {
		return err
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("stdin is not JSON: %w", err)
	}
	for _, key := range strings.Split(args[0], ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return fmt.Errorf("no %q in %s", key, args[0])
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return fmt.Errorf("no index %q in %s (%d elements)", key, args[0], len(node))
			}
			v = node[i]
		default:
			return fmt.Errorf("%s: %q is inside a scalar", args[0], key)
		}
	}
	if s, ok := v.(string); ok {
		_, err = fmt.Fprintln(env.Stdout, s)
		return err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(env.Stdout, string(out))
	return err
}
