package vault

import (
	"context"
	"errors"
	"testing"
)

type fixed []byte

func (f fixed) SecretContent(context.Context, string) ([]byte, error) { return f, nil }

func TestOpenUsesTheRegisteredClient(t *testing.T) {
	t.Cleanup(func() { Register(nil) })
	if _, err := Open(Config{}); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("Open without a client = %v, want ErrNotLinked", err)
	}
	var got Config
	Register(func(c Config) (Source, error) { got = c; return fixed("s"), nil })
	src, err := Open(Config{Region: "us-ashburn-1", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := src.SecretContent(context.Background(), "x"); string(b) != "s" || got.Region != "us-ashburn-1" || got.MaxAttempts != 1 {
		t.Errorf("content %q, config %+v: want the registered client built with the config", b, got)
	}
}
