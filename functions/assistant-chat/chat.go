package assistantchat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// ChatRequest is the body of POST /api/assistant/chat.
type ChatRequest struct {
	Message      string `json:"message"`
	SessionID    string `json:"session_id,omitempty"`
	ProductFocus string `json:"product_focus,omitempty"`
}

// ProductRef is a product a reply is grounded on.
type ProductRef struct {
	ID    int64       `json:"id"`
	Name  string      `json:"name"`
	SKU   string      `json:"sku"`
	Price money.Cents `json:"price"`
}

// ChatResponse is the answer of POST /api/assistant/chat.
type ChatResponse struct {
	SessionID string       `json:"session_id"`
	Reply     string       `json:"reply"`
	Products  []ProductRef `json:"products"`
	Provider  string       `json:"provider"`
	ModelID   string       `json:"model_id"`
	Refused   bool         `json:"refused"`
}

// Input limits: the message as the API promises it (characters; stored as a CLOB), the focus as a
// short phrase.
const (
	maxMessageChars = 1000
	maxFocusChars   = 200
)

func (r *ChatRequest) validate(op string) error {
	if strings.TrimSpace(r.Message) == "" {
		return apperr.E(op, apperr.Invalid, "message is required")
	}
	if err := (web.TextLimit{Field: "message", Chars: maxMessageChars, Bytes: 4 * maxMessageChars, Multiline: true}).Check(op, r.Message); err != nil {
		return err
	}
	if r.SessionID != "" && !validSessionID(r.SessionID) {
		return apperr.E(op, apperr.Invalid, "session_id must be the id an earlier answer returned")
	}
	return web.TextLimit{Field: "product_focus", Chars: maxFocusChars, Bytes: 4 * maxFocusChars}.Check(op, r.ProductFocus)
}

// answer is what a turn produced, as stored.
type answer struct {
	reply            string
	provider         string
	modelID          string
	refused          bool
	hits             []Hit
	prompt           []byte
	promptTokens     *int
	completionTokens *int
	latency          time.Duration
}

func (s *Service) chat(w http.ResponseWriter, r *http.Request) error {
	const op = "assistant.Chat"
	start := time.Now()
	var req ChatRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if err := req.validate(op); err != nil {
		return err
	}
	message := redactCards(req.Message)
	ctx, span := s.tracer.Start(r.Context(), "assistant.turn", trace.WithSpanKind(trace.SpanKindInternal))
	defer span.End()

	userID := callerUserID(r)
	var customer int64
	var history []Turn
	var err error
	if req.SessionID != "" {
		if customer, err = s.openSession(ctx, s.db, op, req.SessionID, userID); err != nil {
			return err
		}
		if history, err = s.history(ctx, op, req.SessionID); err != nil {
			return err
		}
	} else if customer, err = s.callerCustomer(ctx, op, userID); err != nil {
		return err
	}
	ix, err := s.catalog.get(ctx)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}

	var a answer
	if reason := classify(ix, req.Message); reason != "" {
		a = answer{reply: RefusalReply, provider: ProviderGuardrail, refused: true}
		s.metrics.refusals.Add(ctx, 1, metric.WithAttributes(attrRefusal.String(reason)))
		span.SetAttributes(attrRefusal.String(reason))
		if reason != reasonOffTopic { // an attack on the model, not a stray question
			security.Report(ctx, security.PromptInjection, security.Event{Payload: message, Session: req.SessionID,
				Details: map[string]any{"guardrail": reason}})
		}
	} else {
		var previous []string
		for _, t := range history {
			if t.Role == "user" {
				previous = append(previous, t.Content)
			}
		}
		a = s.respond(ctx, message, retrieve(ix, message, req.ProductFocus, previous), history)
	}
	if a.latency == 0 {
		a.latency = time.Since(start)
	}

	sessionID := req.SessionID
	if sessionID == "" {
		sessionID = newSessionID()
	}
	if err := s.store(ctx, op, sessionID, req.SessionID == "", customer, message, a); err != nil {
		return err
	}
	s.metrics.replies.Add(ctx, 1, metric.WithAttributes(attrAnsweredBy.String(a.provider)))
	// The session id is an anonymous session's only credential: spans carry a digest of it.
	span.SetAttributes(attrConversation.String(sha256Hex([]byte(sessionID))[:16]), attrAnsweredBy.String(a.provider),
		attrProducts.Int(len(a.hits)), attribute.Bool("octo.assistant.refused", a.refused))

	res := ChatResponse{SessionID: sessionID, Reply: a.reply, Products: []ProductRef{}, Provider: a.provider,
		ModelID: a.modelID, Refused: a.refused}
	for _, h := range a.hits {
		res.Products = append(res.Products, ProductRef{ID: h.Product.ID, Name: h.Product.Name, SKU: h.Product.SKU, Price: h.Product.Price})
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, res)
	return nil
}

// deadlineReserve is the time kept after a model call for storing the turn and answering.
const deadlineReserve = 3 * time.Second

// respond answers an on-topic question: the model when configured and it answers usably, else the
// local answer, with the reason of the fallback counted.
func (s *Service) respond(ctx context.Context, question string, hits []Hit, history []Turn) answer {
	local := func() answer {
		prompt, _ := json.Marshal(map[string]any{"question": question, "products": skus(hits)})
		return answer{reply: localAnswer(hits), provider: ProviderLocal, modelID: LocalModelID, hits: hits, prompt: prompt}
	}
	if s.model == nil {
		return local()
	}
	callCtx := ctx
	if dl, ok := ctx.Deadline(); ok {
		if time.Until(dl) < deadlineReserve+time.Second {
			return s.fallback(ctx, local(), "deadline")
		}
		var cancel context.CancelFunc
		callCtx, cancel = context.WithDeadline(ctx, dl.Add(-deadlineReserve))
		defer cancel()
	}
	model := s.model.ModelID()
	callCtx, span := s.tracer.Start(callCtx, "chat "+model, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attrOperation.String("chat"), attrProvider.String(providerOCI), attrRequestModel.String(model),
		attrMaxTokens.Int(maxTokens), attrTemperature.Float64(temperature), attrAPIFormat.String(s.model.Format())))
	defer span.End()
	bounded := boundHistory(history, historyTokenBudget)
	if s.cfg.TraceContent {
		span.AddEvent("gen_ai.user.message", trace.WithAttributes(attribute.String("content", question)))
	}
	began := time.Now()
	reply, err := s.model.Chat(callCtx, ModelRequest{Question: question, History: bounded, Products: hits})
	took := time.Since(began)
	reason := ""
	switch {
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(callCtx.Err(), context.DeadlineExceeded)):
		reason = "timeout"
	case errors.Is(err, ErrMalformedAnswer):
		reason = "malformed"
	case err != nil:
		reason = "error"
	case unsafeReply(reply.Text):
		reason = "unsafe_output"
	}
	s.metrics.modelCall(ctx, took, model, reply, reason)
	if reason != "" {
		span.SetStatus(codes.Error, reason)
		span.SetAttributes(attribute.String("error.type", reason))
		if err != nil {
			s.log.WarnContext(ctx, "model call failed; local answer given", "reason", reason, "error", err.Error())
		}
		return s.fallback(ctx, local(), reason)
	}
	span.SetAttributes(attrResponseModel.String(model), attrInputTokens.Int(reply.PromptTokens), attrOutputTokens.Int(reply.CompletionTokens))
	if s.cfg.TraceContent {
		span.AddEvent("gen_ai.choice", trace.WithAttributes(attribute.String("content", reply.Text)))
	}
	return answer{reply: reply.Text, provider: ProviderGenAI, modelID: model, hits: hits, prompt: reply.Prompt,
		promptTokens: &reply.PromptTokens, completionTokens: &reply.CompletionTokens, latency: took}
}

// fallback counts a local answer given in place of the model's.
func (s *Service) fallback(ctx context.Context, a answer, reason string) answer {
	s.metrics.fallbacks.Add(ctx, 1, metric.WithAttributes(attrFallback.String(reason)))
	trace.SpanFromContext(ctx).SetAttributes(attrFallback.String(reason))
	return a
}

func skus(hits []Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.Product.SKU)
	}
	return out
}

// sha256Hex is the stored hash of a prompt or reply.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
