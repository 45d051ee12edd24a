package gateway

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{"empty environment leaves defaults to withDefaults", nil, Config{}, ""},
		{"every variable is read", map[string]string{"PORT": "9090", "OCTO_ROOT": "/repo", "OCTO_BIN_DIR": "/b",
			"OCTO_DATA_DIR": "/d", "OCTO_MAX_INSTANCES": "2", "OCTO_IDLE_TIMEOUT": "5s", "OCTO_QUEUE_TIMEOUT": "1s", "OCTO_SCHEDULES": "1",
			"OCTO_CORS_ORIGINS": "https://shop.example.com"},
			Config{Addr: "127.0.0.1:9090", Root: "/repo", BinDir: "/b", DataDir: "/d", MaxInstances: 2, IdleTimeout: 5 * time.Second,
				QueueTimeout: time.Second, Schedules: true, CORSOrigins: []string{"https://shop.example.com"}}, ""},
		{"bad CORS origin is rejected", map[string]string{"OCTO_CORS_ORIGINS": "https://shop.example.com/app"}, Config{}, "OCTO_CORS_ORIGINS"},
		{"bad port is rejected", map[string]string{"PORT": "http"}, Config{}, "PORT"},
		{"zero instances are rejected", map[string]string{"OCTO_MAX_INSTANCES": "0"}, Config{}, "OCTO_MAX_INSTANCES"},
		{"bad duration is rejected", map[string]string{"OCTO_IDLE_TIMEOUT": "5"}, Config{}, "OCTO_IDLE_TIMEOUT"},
		{"bad switch is rejected", map[string]string{"OCTO_SCHEDULES": "yes"}, Config{}, "OCTO_SCHEDULES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to name %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr != tt.want.Addr || got.Root != tt.want.Root || got.BinDir != tt.want.BinDir || got.DataDir != tt.want.DataDir ||
				got.MaxInstances != tt.want.MaxInstances || got.IdleTimeout != tt.want.IdleTimeout ||
				got.QueueTimeout != tt.want.QueueTimeout || got.Schedules != tt.want.Schedules {
				t.Errorf("ConfigFromEnv = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFunctionEnvPrecedence(t *testing.T) {
	fn := manifest.Function{Name: "cart", Memory: 512, Config: map[string]string{"A": "config", "B": "config", "OCTO_DB_DRIVER": "oracle"}}
	env := FunctionEnv(fn, "/data/octo.db", []string{"B=parent", "OTEL_SERVICE_NAME=x", "PORT=8080", "FN_FN_NAME=spoof", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"})
	for _, want := range []string{"A=config", "B=parent", "OTEL_SERVICE_NAME=x", "FN_APP_NAME=octo", "FN_FN_NAME=cart",
		"FN_MEMORY=512", "FN_TYPE=sync", "OCTO_DB_DRIVER=sqlite", "OCTO_DB_DSN=/data/octo.db"} {
		if !slices.Contains(env, want) {
			t.Errorf("environment lacks %s: %v", want, env)
		}
	}
	for _, banned := range []string{"PORT=", "AWS_LAMBDA_RUNTIME_API=", "FN_FN_NAME=spoof"} {
		if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, banned) }) {
			t.Errorf("environment passes %s through: %v", banned, env)
		}
	}
}
