package assistantchat

import (
	"context"
	"encoding/json"
	"github.com/octo-drone-shop/serverless/shared/db"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db      *dbtest.DB
	tokens  *dbtest.Tokens
	h       http.Handler
	spans   *tracetest.SpanRecorder
	metrics *metric.ManualReader
}

// newFixture serves the function over a seeded database, with the given model (nil: local answers
// only) and recording spans and metrics.
func newFixture(t *testing.T, model Model, cfg Config) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	spans := tracetest.NewSpanRecorder()
	reader := metric.NewManualReader()
	tokens := dbtest.NewTokens(t)
	opts := []Option{WithVerifier(tokens.Verifier), WithTelemetry(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		metric.NewMeterProvider(metric.WithReader(reader)))}
	if model != nil {
		opts = append(opts, WithModel(model))
	}
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, tokens: tokens, h: h, spans: spans, metrics: reader}
}

type response struct {
	status int
	body   []byte
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string) response {
	t.Helper()
	s := dbtest.Serve(f.h, method, target, body, headers)
	return response{status: s.Status, body: s.Body}
}

// ask posts a message (in session id when not empty) and decodes the 200 answer.
func (f fixture) ask(t *testing.T, message, session string, headers map[string]string) ChatResponse {
	t.Helper()
	body := map[string]string{"message": message}
	if session != "" {
		body["session_id"] = session
	}
	raw, _ := json.Marshal(body)
	r := f.do(t, "POST", "/api/assistant/chat", string(raw), headers)
	if r.status != http.StatusOK {
		t.Fatalf("POST %s = %d %s", raw, r.status, r.body)
	}
	var out ChatResponse
	dbtest.Decode(t, r.body, &out)
	return out
}

func (f fixture) user(t *testing.T, username string) map[string]string {
	t.Helper()
	return f.tokens.Bearer(t, f.db, username)
}

// otherCustomer signs up an account for a customer other than the shopper's and returns its headers.
func (f fixture) otherCustomer(t *testing.T) map[string]string {
	t.Helper()
	id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO users (username, email, password_hash, role, customer_id)
VALUES ('other', 'other@example.com', 'x', 'customer',
    (SELECT MIN(id) FROM customers WHERE id <> (SELECT customer_id FROM users WHERE username = :1)))
RETURNING id INTO :2`, seed.ShopperUser)
	if err != nil {
		t.Fatal(err)
	}
	return f.tokens.BearerFor(t, id, 0, "customer")
}

// counter returns the sum of a counter's points whose attributes include key=value ("" for all).
func (f fixture) counter(t *testing.T, name, key, value string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := f.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				t.Fatalf("%s is %T", name, m.Data)
			}
			for _, dp := range sum.DataPoints {
				if v, ok := dp.Attributes.Value(attribute.Key(key)); key == "" || ok && v.AsString() == value {
					n += dp.Value
				}
			}
		}
	}
	return n
}

// stored is a stored message row.
type stored struct {
	role, content, provider, model, promptHash, responseHash, traceID string
	promptTokens, completionTokens, latency                           int64
	refused                                                           int
}

func (f fixture) messages(t *testing.T, session string) []stored {
	t.Helper()
	rows, err := f.db.QueryContext(context.Background(), `SELECT role, content, provider, model_id, prompt_sha256, response_sha256,
    trace_id, COALESCE(prompt_tokens, -1), COALESCE(completion_tokens, -1), COALESCE(latency_ms, -1), refused
FROM assistant_messages WHERE session_id = :1 ORDER BY id`, session)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []stored
	for rows.Next() {
		var m stored
		if err := rows.Scan(&m.role, &m.content, &m.provider, &m.model, &m.promptHash, &m.responseHash, &m.traceID,
			&m.promptTokens, &m.completionTokens, &m.latency, &m.refused); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// histogramSum returns the sum of a histogram's points whose attributes include key=value.
func (f fixture) histogramSum(t *testing.T, name, key, value string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := f.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[int64]); ok && m.Name == name {
				for _, dp := range h.DataPoints {
					if v, ok := dp.Attributes.Value(attribute.Key(key)); ok && v.AsString() == value {
						n += dp.Sum
					}
				}
			}
		}
	}
	return n
}
