package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// aws-lambda-go v1.55.1 reads AWS_LAMBDA_RUNTIME_API with os.Getenv, gives every invocation a
// context whose deadline is the Lambda deadline (Lambda-Runtime-Deadline-Ms) and whose parent is
// the context passed with lambda.WithContext, and never returns from its invoke loop. It recovers a
// panic itself but then reports the invocation failed and exits the process; Recover (applied by
// Run) and serveBuffered keep panics from reaching it. The adapter implements lambda.Handler
// (Invoke on raw bytes) so the payload is decoded once, after its shape is known.

// maxErrorBody caps how much of a failed non-HTTP invocation's response goes into the error.
const maxErrorBody = 512

// runLambda serves h as a Lambda function. It returns only if the environment is inconsistent.
func runLambda(ctx context.Context, h http.Handler, opts Options) error {
	if err := checkProcessEnv(opts.Getenv, "AWS_LAMBDA_RUNTIME_API"); err != nil {
		return err
	}
	lambda.StartWithOptions(lambdaAdapter{h}, lambda.WithContext(ctx))
	return errors.New("serve: aws lambda: the invoke loop returned")
}

// lambdaAdapter turns each Lambda event into an http.Request for h and h's response into the
// answer the event's source expects.
type lambdaAdapter struct {
	handler http.Handler
}

// eventKind is the shape of a Lambda event, as far as serving HTTP is concerned.
type eventKind int

const (
	eventInvoke eventKind = iota // anything that is not from API Gateway: a schedule, a direct invoke
	eventHTTPAPIv2
	eventRESTv1
)

// kindOf tells the event shape from the raw JSON: HTTP API payload 2.0 (also Lambda function URLs)
// carries version "2.0" and a routeKey; REST and HTTP API payload 1.0 carry httpMethod.
func kindOf(payload []byte) eventKind {
	var probe struct {
		Version    string `json:"version"`
		RouteKey   string `json:"routeKey"`
		HTTPMethod string `json:"httpMethod"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return eventInvoke
	}
	switch {
	case probe.Version == "2.0" && probe.RouteKey != "":
		return eventHTTPAPIv2
	case probe.HTTPMethod != "" && (probe.Version == "" || probe.Version == "1.0"):
		return eventRESTv1
	default:
		return eventInvoke
	}
}

// Invoke implements lambda.Handler.
func (a lambdaAdapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	switch kindOf(payload) {
	case eventHTTPAPIv2:
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("serve: decode HTTP API v2 event: %w", err)
		}
		r, err := requestFromV2(ctx, ev)
		if err != nil {
			return nil, err
		}
		rec, err := serveBuffered(a.handler, r)
		if err != nil {
			return nil, err
		}
		return marshalResponse(responseToV2(rec))
	case eventRESTv1:
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("serve: decode REST v1 event: %w", err)
		}
		r, err := requestFromV1(ctx, ev)
		if err != nil {
			return nil, err
		}
		rec, err := serveBuffered(a.handler, r)
		if err != nil {
			return nil, err
		}
		return marshalResponse(responseToV1(rec))
	default:
		var requestID string
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			requestID = lc.AwsRequestID
		}
		r := invokeRequest(ctx, "application/json", requestID, io.NopCloser(bytes.NewReader(payload)), int64(len(payload)))
		rec, err := serveBuffered(a.handler, r)
		if err != nil {
			return nil, err
		}
		return invokeResult(rec)
	}
}

func marshalResponse(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("serve: encode lambda response: %w", err)
	}
	return b, nil
}

// invokeResult is the answer to a non-HTTP invocation: the handler's body as the result (as a JSON
// string when it is not JSON), or an invocation error for a status of 400 and above, so Lambda's
// retries and error metrics see the failure.
func invokeResult(rec *responseBuffer) ([]byte, error) {
	body := rec.body.Bytes()
	if rec.statusCode() >= http.StatusBadRequest {
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody]
		}
		return nil, fmt.Errorf("serve: invocation answered %d: %s", rec.statusCode(), body)
	}
	if len(body) == 0 {
		return []byte("null"), nil
	}
	if json.Valid(body) {
		return body, nil
	}
	return marshalResponse(string(body))
}

// serveBuffered runs h on r into a buffer, with Lambda's ResponseBudget in r's context. A response Recover aborted (http.ErrAbortHandler)
// becomes an invocation error instead of a panic that would make aws-lambda-go exit the process.
func serveBuffered(h http.Handler, r *http.Request) (rec *responseBuffer, err error) {
	rec = newResponseBuffer()
	r = r.WithContext(WithResponseBudget(r.Context(), lambdaBudget))
	defer func() {
		if v := recover(); v != nil {
			if e, ok := v.(error); ok && errors.Is(e, http.ErrAbortHandler) {
				rec, err = nil, fmt.Errorf("serve: %s %s: response aborted", r.Method, r.URL.Path)
				return
			}
			panic(v)
		}
	}()
	h.ServeHTTP(rec, r)
	return rec, nil
}
