package serve

import (
	"context"
	"unicode/utf8"
)

// MaxResponse is the largest response a runtime that holds the whole answer carries back: OCI
// Functions' 6 MB limit on a synchronous invocation's payload (fdk-go buffers the response and
// answers the agent once), and AWS Lambda's 6 MB on a synchronous invocation's JSON response. Plain
// HTTP streams and has no such limit.
const MaxResponse = 6 << 20

// headerReserve is the part of MaxResponse left to the status, the headers and, on Lambda, the
// response envelope's other fields.
const headerReserve = 64 << 10

// ResponseBudget is what a handler's body may cost on a runtime with MaxResponse: a handler whose
// answer can grow past it (an export) stops while the sum of Cost over what it wrote stays within
// Limit, and says so, rather than answering something the runtime then refuses whole.
type ResponseBudget struct {
	Limit int
	Cost  func(body []byte) int // what these body bytes take of Limit
}

type budgetKey struct{}

// WithResponseBudget returns ctx carrying b; the OCI Functions and Lambda adapters put theirs on
// every request, tests put a small one.
func WithResponseBudget(ctx context.Context, b ResponseBudget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// ResponseBudgetFrom returns the request's budget; ok is false on plain HTTP, which streams.
func ResponseBudgetFrom(ctx context.Context) (b ResponseBudget, ok bool) {
	b, ok = ctx.Value(budgetKey{}).(ResponseBudget)
	return b, ok
}

// fdkBudget: fdk-go sends the body bytes as they are.
var fdkBudget = ResponseBudget{Limit: MaxResponse - headerReserve, Cost: func(p []byte) int { return len(p) }}

// lambdaBudget: the body travels inside the JSON response (encodeBody), as a JSON string or base64.
var lambdaBudget = ResponseBudget{Limit: MaxResponse - headerReserve, Cost: lambdaCost}

// lambdaCost is what p takes of the JSON response: its length as a JSON string as encoding/json
// writes it (json.Marshal of the response), or as base64 (a body that is not UTF-8 text),
// whichever is larger, since the encoding is chosen for the whole body (encodeBody).
func lambdaCost(p []byte) int {
	n := 0
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6 // \u00XX; encoding/json escapes <, > and & for HTML
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return max(n, (len(p)+2)/3*4)
}
