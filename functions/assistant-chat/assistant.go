// Package assistantchat is the drone advisor: POST /api/assistant/chat answers a customer's question
// grounded in the active catalog, and GET /api/assistant/sessions/{id} reads a conversation back.
//
// # A turn
//
//  1. The message (1..1000 characters, control characters refused except line breaks and tabs) is
//     decoded strictly (package web). A card number in it is replaced before anything is stored.
//  2. The session: without session_id a new one is opened, its id 128 random bits (32 hex digits),
//     bound to the signed-in customer when the caller sends a token (both routes declare auth:
//     optional: the function verifies the bearer token itself, security.Optional, with the
//     authorizer's public keys; a refused token is 401, and principal headers a client sent are
//     never believed). With session_id, a session bound to a customer answers only that
//     customer; anyone else, and an unknown id, gets 404. An anonymous session's id is its secret.
//  3. The guardrail (guard.go) refuses prompt injection, requests for secrets, SQL, card numbers or
//     other customers' data, and off-topic messages, with RefusalReply and refused: true; the refusal
//     is stored and counted. A message that names anything the catalog, the trade's synonyms or the
//     shop's topics know is never refused as off-topic.
//  4. Retrieval (index.go): BM25 over the active products' name, SKU, category and description with
//     Snowball stemming and the synonym table, the customer's last two messages at half weight, and
//     product_focus. The index is built from one bounded query and kept per container for
//     Config.CatalogTTL (ARCHITECTURE.md says why it runs in Go and not in Oracle Text).
//  5. The answer: OCI Generative AI when configured (genai.go: Cohere with the products as documents
//     and the history as chat history, or the generic API with the products in the system message;
//     500 tokens, temperature 0.2, a timeout inside the function's deadline); the earlier turns go
//     with it within a token budget, oldest dropped first. When no model is configured, or the call
//     fails, times out or answers something unusable or unsafe, the deterministic local answer
//     (provider local) is given instead: a model failure is never a 5xx.
//  6. Both messages are stored in one transaction (assistant_messages: provider, model id, tokens,
//     latency, SHA-256 of the prompt sent and of the reply, refused, trace id) and the session's
//     updated_at moves. The span carries the OpenTelemetry gen_ai.* attributes; the content only with
//     OCTO_ASSISTANT_TRACE_CONTENT=true.
package assistantchat

import (
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "assistant-chat"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Providers stored and answered with each reply.
const (
	ProviderGenAI     = "oci-genai"
	ProviderLocal     = "local"
	ProviderGuardrail = "guardrail"
	// LocalModelID names the local answerer's "model".
	LocalModelID = "local-bm25"
)

// Service serves the assistant routes.
type Service struct {
	db      *sql.DB
	log     *slog.Logger
	cfg     Config
	model   Model // nil: local answers only
	tokens  security.TokenVerifier
	catalog *catalog
	tracer  trace.Tracer
	metrics *metrics
	now     func() time.Time
}

// Option adjusts New.
type Option func(*Service)

// WithModel answers with m (OCI Generative AI) rather than the local answerer alone.
func WithModel(m Model) Option { return func(s *Service) { s.model = m } }

// WithTelemetry records spans and metrics with the given providers (the function's telemetry).
func WithTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) Option {
	return func(s *Service) {
		s.tracer = tp.Tracer("github.com/octo-drone-shop/serverless/functions/assistant-chat")
		s.metrics = newMetrics(mp.Meter("github.com/octo-drone-shop/serverless/functions/assistant-chat"))
	}
}

// WithVerifier verifies the bearer tokens of signed-in callers (both routes declare auth: optional
// and are authenticated in the function, see security.Optional); New requires it.
func WithVerifier(v security.TokenVerifier) Option { return func(s *Service) { s.tokens = v } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the assistant function's HTTP handler.
func New(store *sql.DB, log *slog.Logger, cfg Config, opts ...Option) (http.Handler, error) {
	s := &Service{db: store, log: log, cfg: cfg, now: time.Now}
	WithTelemetry(noopTracerProvider(), noopMeterProvider())(s)
	for _, o := range opts {
		o(s)
	}
	if s.tokens == nil {
		return nil, errors.New("assistant-chat: its routes declare auth: optional: a token verifier is required (WithVerifier)")
	}
	s.catalog = &catalog{db: store, ttl: cfg.CatalogTTL, now: s.now}
	return web.NewRouter(Declaration(), log, security.Optional(Declaration(), s.tokens, log, map[string]web.HandlerFunc{
		"POST /api/assistant/chat":         s.chat,
		"GET /api/assistant/sessions/{id}": s.session,
	}))
}

// clock is the current time as the database stores it (UTC, milliseconds).
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/assistant/chat", Request: ChatRequest{}, Response: ChatResponse{}, Errors: []int{404}},
	{Route: "GET /api/assistant/sessions/{id}", Response: Session{}, Query: []string{"after", "limit"}},
}
