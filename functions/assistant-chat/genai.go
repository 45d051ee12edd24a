package assistantchat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/oracle/oci-go-sdk/v65/generativeaiinference"
)

// Generation limits of every model call.
const (
	maxTokens   = 500
	temperature = 0.2
)

// ModelRequest is what a model is asked: the question, the earlier turns (already bounded) and the
// products to ground on.
type ModelRequest struct {
	Question string
	History  []Turn
	Products []Hit
}

// ModelReply is a model's answer with its token usage and the request as sent (its SHA-256 is
// stored).
type ModelReply struct {
	Text             string
	PromptTokens     int
	CompletionTokens int
	Prompt           []byte
}

// Model answers questions; *GenAI is the implementation, and tests use it against a fake server.
type Model interface {
	Chat(ctx context.Context, req ModelRequest) (ModelReply, error)
	// ModelID is the model's id, stored with each reply.
	ModelID() string
	// Format is the chat API format: cohere or generic.
	Format() string
}

// ErrMalformedAnswer: the service answered, but not with a usable reply.
var ErrMalformedAnswer = errors.New("assistant: malformed model answer")

// GenAI calls OCI Generative AI's chat API with the function's resource principal. Build it once per
// container (it holds the signed SDK client).
type GenAI struct {
	client generativeaiinference.GenerativeAiInferenceClient
	cfg    GenAIConfig
}

// NewGenAI builds the client from the resource principal OCI Functions provides
// (OCI_RESOURCE_PRINCIPAL_*). The function's dynamic group needs "use generative-ai-family". Retries
// are off: a failed call falls back to the local answer at once, inside the function's deadline.
func NewGenAI(cfg GenAIConfig) (*GenAI, error) {
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		return nil, fmt.Errorf("genai: resource principal: %w", err)
	}
	client, err := generativeaiinference.NewGenerativeAiInferenceClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("genai: new client: %w", err)
	}
	if cfg.Endpoint != "" {
		client.Host = cfg.Endpoint
	}
	policy := common.NoRetryPolicy()
	client.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &policy})
	return &GenAI{client: client, cfg: cfg}, nil
}

// ModelID returns the configured model id.
func (g *GenAI) ModelID() string { return g.cfg.ModelID }

// Format returns the configured API format.
func (g *GenAI) Format() string { return g.cfg.APIFormat }

// Chat sends one chat request, bounded by the configured timeout.
func (g *GenAI) Chat(ctx context.Context, req ModelRequest) (ModelReply, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	var chat generativeaiinference.BaseChatRequest
	if g.cfg.APIFormat == FormatGeneric {
		chat = genericRequest(req)
	} else {
		chat = cohereRequest(req)
	}
	details := generativeaiinference.ChatDetails{
		CompartmentId: common.String(g.cfg.CompartmentID),
		ServingMode:   generativeaiinference.OnDemandServingMode{ModelId: common.String(g.cfg.ModelID)},
		ChatRequest:   chat,
	}
	request := generativeaiinference.ChatRequest{ChatDetails: details}
	prompt, err := requestBody(request)
	if err != nil {
		return ModelReply{}, err
	}
	resp, err := g.client.Chat(ctx, request)
	if err != nil {
		return ModelReply{}, fmt.Errorf("genai: chat: %w", err)
	}
	reply, err := readReply(resp.ChatResponse)
	reply.Prompt = prompt
	return reply, err
}

// requestBody is the body the SDK sends for the request, encoded by the SDK's own marshaller: its
// SHA-256 is the stored prompt hash.
func requestBody(request generativeaiinference.ChatRequest) ([]byte, error) {
	hr, err := request.HTTPRequest(http.MethodPost, "/actions/chat", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("genai: encode request: %w", err)
	}
	if hr.Body == nil {
		return nil, fmt.Errorf("genai: encode request: no body")
	}
	defer hr.Body.Close()
	b, err := io.ReadAll(hr.Body)
	if err != nil {
		return nil, fmt.Errorf("genai: encode request: %w", err)
	}
	return b, nil
}

// cohereRequest grounds on the products as documents and sends the turns as chat history.
func cohereRequest(req ModelRequest) generativeaiinference.CohereChatRequest {
	docs := make([]interface{}, 0, len(req.Products))
	for _, h := range req.Products {
		docs = append(docs, document(h.Product))
	}
	var history []generativeaiinference.CohereMessage
	for _, t := range req.History {
		if t.Role == "user" {
			history = append(history, generativeaiinference.CohereUserMessage{Message: common.String(t.Content)})
		} else {
			history = append(history, generativeaiinference.CohereChatBotMessage{Message: common.String(t.Content)})
		}
	}
	return generativeaiinference.CohereChatRequest{
		Message:          common.String(req.Question),
		ChatHistory:      history,
		Documents:        docs,
		PreambleOverride: common.String(systemPrompt),
		MaxTokens:        common.Int(maxTokens),
		Temperature:      common.Float64(temperature),
	}
}

// genericRequest (Llama and the other generic models) has no documents: the products go into the
// system message, then the turns, then the question.
func genericRequest(req ModelRequest) generativeaiinference.GenericChatRequest {
	text := func(s string) []generativeaiinference.ChatContent {
		return []generativeaiinference.ChatContent{generativeaiinference.TextContent{Text: common.String(s)}}
	}
	msgs := []generativeaiinference.Message{
		generativeaiinference.SystemMessage{Content: text(systemPrompt + "\n\n" + groundingText(req.Products))},
	}
	for _, t := range req.History {
		if t.Role == "user" {
			msgs = append(msgs, generativeaiinference.UserMessage{Content: text(t.Content)})
		} else {
			msgs = append(msgs, generativeaiinference.AssistantMessage{Content: text(t.Content)})
		}
	}
	msgs = append(msgs, generativeaiinference.UserMessage{Content: text(req.Question)})
	return generativeaiinference.GenericChatRequest{
		Messages:    msgs,
		MaxTokens:   common.Int(maxTokens),
		Temperature: common.Float64(temperature),
	}
}

// readReply takes the text and usage out of either response format; an empty or missing text is
// ErrMalformedAnswer.
func readReply(resp generativeaiinference.BaseChatResponse) (ModelReply, error) {
	var r ModelReply
	var usage *generativeaiinference.Usage
	switch v := resp.(type) {
	case generativeaiinference.CohereChatResponse:
		if v.Text != nil {
			r.Text = *v.Text
		}
		usage = v.Usage
	case generativeaiinference.GenericChatResponse:
		if len(v.Choices) > 0 {
			if m, ok := v.Choices[0].Message.(generativeaiinference.AssistantMessage); ok {
				var parts []string
				for _, c := range m.Content {
					if t, ok := c.(generativeaiinference.TextContent); ok && t.Text != nil {
						parts = append(parts, *t.Text)
					}
				}
				r.Text = strings.Join(parts, "")
			}
		}
		usage = v.Usage
	default:
		return r, fmt.Errorf("%w: response format %T", ErrMalformedAnswer, resp)
	}
	if strings.TrimSpace(r.Text) == "" {
		return r, fmt.Errorf("%w: no text", ErrMalformedAnswer)
	}
	if usage != nil {
		if usage.PromptTokens != nil {
			r.PromptTokens = *usage.PromptTokens
		}
		if usage.CompletionTokens != nil {
			r.CompletionTokens = *usage.CompletionTokens
		}
	}
	return r, nil
}
