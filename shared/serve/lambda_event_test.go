package serve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    eventKind
	}{
		{"HTTP API payload 2.0 sample is v2", string(readTestdata(t, "apigw-v2-request.json")), eventHTTPAPIv2},
		{"function URL event is v2", `{"version":"2.0","routeKey":"$default","rawPath":"/"}`, eventHTTPAPIv2},
		{"REST proxy sample is v1", string(readTestdata(t, "apigw-v1-request.json")), eventRESTv1},
		{"HTTP API payload 1.0 is v1", `{"version":"1.0","httpMethod":"GET","path":"/"}`, eventRESTv1},
		{"EventBridge schedule is an invocation", string(readTestdata(t, "eventbridge-scheduled.json")), eventInvoke},
		{"version 2.0 without routeKey is an invocation", `{"version":"2.0"}`, eventInvoke},
		{"SQS batch is an invocation", `{"Records":[]}`, eventInvoke},
		{"JSON string is an invocation", `"rollup"`, eventInvoke},
		{"JSON array is an invocation", `[1,2]`, eventInvoke},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf([]byte(tt.payload)); got != tt.want {
				t.Errorf("kindOf = %d, want %d", got, tt.want)
			}
		})
	}
}

// wantRequest is what a converted request must look like.
type wantRequest struct {
	method, path, escapedPath, rawQuery, requestURI, host, remoteAddr, body string
	header                                                                  http.Header
}

func checkRequest(t *testing.T, r *http.Request, want wantRequest) {
	t.Helper()
	got := wantRequest{
		method: r.Method, path: r.URL.Path, escapedPath: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
		requestURI: r.RequestURI, host: r.Host, remoteAddr: r.RemoteAddr, header: r.Header,
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	got.body = string(b)
	if want.escapedPath == "" {
		want.escapedPath = want.path
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("request =\n%+v\nwant\n%+v", got, want)
	}
	if r.ContentLength != int64(len(b)) {
		t.Errorf("ContentLength = %d, body has %d bytes", r.ContentLength, len(b))
	}
	if r.ProtoMajor != 1 || r.ProtoMinor != 1 {
		t.Errorf("proto = %s", r.Proto)
	}
}

func TestRequestFromV2(t *testing.T) {
	v2 := func(method, rawPath, rawQuery string, headers map[string]string) events.APIGatewayV2HTTPRequest {
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: rawPath, RawQueryString: rawQuery, Headers: headers}
		ev.RequestContext.HTTP = events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Protocol: "HTTP/1.1", SourceIP: "198.51.100.7"}
		ev.RequestContext.DomainName = "api.example.com"
		return ev
	}
	withCookies := v2(http.MethodGet, "/api/cart", "a=1&a=2", map[string]string{"host": "shop.example.com", "x-multi": "alpha,beta"})
	withCookies.Cookies = []string{"session=abc", "theme=dark"}
	withBody := v2(http.MethodPost, "/api/orders", "", map[string]string{"content-type": "application/octet-stream"})
	withBody.Body, withBody.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff}), true
	textBody := v2(http.MethodPost, "/api/orders", "", nil)
	textBody.Body = `{"a":1}`
	ipv6 := v2(http.MethodGet, "", "", nil)
	ipv6.RequestContext.HTTP.SourceIP = "2001:db8::1"
	badBase64 := v2(http.MethodPost, "/", "", nil)
	badBase64.Body, badBase64.IsBase64Encoded = "not base64!", true

	tests := []struct {
		name    string
		event   events.APIGatewayV2HTTPRequest
		want    wantRequest
		wantErr string
	}{
		{"cookies rejoin into one Cookie header and names are canonical", withCookies, wantRequest{
			method: "GET", path: "/api/cart", rawQuery: "a=1&a=2", requestURI: "/api/cart?a=1&a=2",
			host: "shop.example.com", remoteAddr: "198.51.100.7:0",
			header: http.Header{"X-Multi": {"alpha,beta"}, "Cookie": {"session=abc; theme=dark"}},
		}, ""},
		{"base64 body is decoded", withBody, wantRequest{
			method: "POST", path: "/api/orders", requestURI: "/api/orders", host: "api.example.com",
			remoteAddr: "198.51.100.7:0", body: "\x00\x01\x02\xff",
			header: http.Header{"Content-Type": {"application/octet-stream"}},
		}, ""},
		{"text body is passed as is", textBody, wantRequest{
			method: "POST", path: "/api/orders", requestURI: "/api/orders", host: "api.example.com",
			remoteAddr: "198.51.100.7:0", body: `{"a":1}`, header: http.Header{},
		}, ""},
		{"escaped path stays escaped", v2(http.MethodGet, "/api/products/a%2Fb", "", nil), wantRequest{
			method: "GET", path: "/api/products/a/b", escapedPath: "/api/products/a%2Fb", requestURI: "/api/products/a%2Fb",
			host: "api.example.com", remoteAddr: "198.51.100.7:0", header: http.Header{},
		}, ""},
		{"empty path becomes the root and IPv6 source keeps brackets", ipv6, wantRequest{
			method: "GET", path: "/", requestURI: "/", host: "api.example.com", remoteAddr: "[2001:db8::1]:0", header: http.Header{},
		}, ""},
		{"invalid base64 body is an error", badBase64, wantRequest{}, "decode base64 body"},
		{"relative path is an error", v2(http.MethodGet, "api/cart", "", nil), wantRequest{}, "request target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := requestFromV2(context.Background(), tt.event)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRequest(t, r, tt.want)
		})
	}
}

func TestRequestFromV1(t *testing.T) {
	multi := events.APIGatewayProxyRequest{
		HTTPMethod:                      http.MethodPut,
		Path:                            "/api/drone parts",
		Headers:                         map[string]string{"x-multi": "beta", "Host": "gw.example.com"},
		MultiValueHeaders:               map[string][]string{"x-multi": {"alpha", "beta"}, "Host": {"gw.example.com"}},
		QueryStringParameters:           map[string]string{"x": "2"},
		MultiValueQueryStringParameters: map[string][]string{"x": {"1", "2"}, "q": {"a b"}},
		Body:                            base64.StdEncoding.EncodeToString([]byte("payload")),
		IsBase64Encoded:                 true,
	}
	multi.RequestContext.Identity.SourceIP = "203.0.113.9"
	single := events.APIGatewayProxyRequest{
		HTTPMethod:            http.MethodGet,
		Headers:               map[string]string{"accept": "application/json"},
		QueryStringParameters: map[string]string{"page": "2"},
	}
	single.RequestContext.DomainName = "api.example.com"

	tests := []struct {
		name  string
		event events.APIGatewayProxyRequest
		want  wantRequest
	}{
		{"multi-value maps win and keep every value", multi, wantRequest{
			method: "PUT", path: "/api/drone parts", escapedPath: "/api/drone%20parts", rawQuery: "q=a+b&x=1&x=2",
			requestURI: "/api/drone%20parts?q=a+b&x=1&x=2", host: "gw.example.com", remoteAddr: "203.0.113.9:0",
			body: "payload", header: http.Header{"X-Multi": {"alpha", "beta"}},
		}},
		{"single-value maps are used when no multi-value map is sent", single, wantRequest{
			method: "GET", path: "/", rawQuery: "page=2", requestURI: "/?page=2", host: "api.example.com",
			header: http.Header{"Accept": {"application/json"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := requestFromV1(context.Background(), tt.event)
			if err != nil {
				t.Fatal(err)
			}
			checkRequest(t, r, tt.want)
		})
	}
}

func TestResponseConversion(t *testing.T) {
	binary := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantV2  events.APIGatewayV2HTTPResponse
		wantV1  events.APIGatewayProxyResponse
	}{
		{
			name: "JSON with cookies and a repeated header",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Add("Vary", "Accept")
				w.Header().Add("Vary", "Origin")
				w.Header().Add("Set-Cookie", "a=1")
				w.Header().Add("Set-Cookie", "b=2")
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"id":1}`)
			},
			wantV2: events.APIGatewayV2HTTPResponse{
				StatusCode: 201, Body: `{"id":1}`, Cookies: []string{"a=1", "b=2"},
				Headers: map[string]string{"Content-Type": "application/json", "Vary": "Accept,Origin"},
			},
			wantV1: events.APIGatewayProxyResponse{
				StatusCode: 201, Body: `{"id":1}`,
				MultiValueHeaders: map[string][]string{"Content-Type": {"application/json"}, "Vary": {"Accept", "Origin"}, "Set-Cookie": {"a=1", "b=2"}},
			},
		},
		{
			name: "binary body is base64 and the status defaults to 200",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "image/png")
				_, _ = w.Write(binary)
			},
			wantV2: events.APIGatewayV2HTTPResponse{
				StatusCode: 200, Body: base64.StdEncoding.EncodeToString(binary), IsBase64Encoded: true,
				Headers: map[string]string{"Content-Type": "image/png"},
			},
			wantV1: events.APIGatewayProxyResponse{
				StatusCode: 200, Body: base64.StdEncoding.EncodeToString(binary), IsBase64Encoded: true,
				MultiValueHeaders: map[string][]string{"Content-Type": {"image/png"}},
			},
		},
		{
			name:    "empty response is a bare 204",
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) },
			wantV2:  events.APIGatewayV2HTTPResponse{StatusCode: 204, Headers: map[string]string{}},
			wantV1:  events.APIGatewayProxyResponse{StatusCode: 204, MultiValueHeaders: map[string][]string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newResponseBuffer()
			tt.handler(rec, nil)
			if got := responseToV2(rec); !reflect.DeepEqual(got, tt.wantV2) {
				t.Errorf("v2 =\n%+v\nwant\n%+v", got, tt.wantV2)
			}
			if got := responseToV1(rec); !reflect.DeepEqual(got, tt.wantV1) {
				t.Errorf("v1 =\n%+v\nwant\n%+v", got, tt.wantV1)
			}
		})
	}
}

func TestEncodeBody(t *testing.T) {
	tests := []struct {
		name            string
		contentType     string
		contentEncoding string
		body            string
		wantBase64      bool
	}{
		{"JSON with charset is text", "application/json; charset=utf-8", "", `{"a":"é"}`, false},
		{"problem+json is text", "application/problem+json", "", `{}`, false},
		{"HTML is text", "text/html", "", "<p>hi</p>", false},
		{"no content type and UTF-8 is text", "", "", "plain", false},
		{"no content type and invalid UTF-8 is binary", "", "", "\xff\xfe", true},
		{"text type with invalid UTF-8 is binary", "text/plain", "", "\xff", true},
		{"gzip-encoded JSON is binary", "application/json", "gzip", "\x1f\x8b", true},
		{"PNG is binary", "image/png", "", "PNG", true},
		{"malformed content type is binary", "text/;;", "", "x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.contentType != "" {
				h.Set("Content-Type", tt.contentType)
			}
			if tt.contentEncoding != "" {
				h.Set("Content-Encoding", tt.contentEncoding)
			}
			got, isBase64 := encodeBody(h, []byte(tt.body))
			if isBase64 != tt.wantBase64 {
				t.Fatalf("base64 = %v, want %v", isBase64, tt.wantBase64)
			}
			want := tt.body
			if tt.wantBase64 {
				want = base64.StdEncoding.EncodeToString([]byte(tt.body))
			}
			if got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
}

func TestInvokeResult(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    string
		wantErr string
	}{
		{"JSON body is the result", 200, `{"rows":3}`, `{"rows":3}`, ""},
		{"text body becomes a JSON string", 200, "done", `"done"`, ""},
		{"empty body is null", 204, "", "null", ""},
		{"server error fails the invocation", 500, `{"error":{"code":"internal"}}`, "", `answered 500: {"error":{"code":"internal"}}`},
		{"client error fails the invocation", 404, "not found", "", "answered 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newResponseBuffer()
			rec.WriteHeader(tt.status)
			_, _ = io.WriteString(rec, tt.body)
			got, err := invokeResult(rec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("result = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestLambdaAdapterInvoke(t *testing.T) {
	echoInvoke := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"target": r.Method + " " + r.URL.Path, "invocation": r.Header.Get(InvocationHeader),
			"request_id": r.Header.Get("X-Request-Id"), "body": string(b),
		})
	})
	partial := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "partial")
		panic("late")
	})
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "aws-req-1"})

	tests := []struct {
		name    string
		handler http.Handler
		payload string
		want    string
		wantErr string
	}{
		{"non-API event is posted to the invoke path with the Lambda request id", echoInvoke, `{"detail-type":"Scheduled Event"}`,
			`{"body":"{\"detail-type\":\"Scheduled Event\"}","invocation":"scheduled","request_id":"aws-req-1","target":"POST /_invoke"}`, ""},
		{"panic after the response started fails the invocation", Recover(slog.New(slog.DiscardHandler), partial),
			`{"version":"2.0","routeKey":"$default","rawPath":"/","requestContext":{"http":{"method":"GET"}}}`, "", "response aborted"},
		{"undecodable v2 event fails the invocation", echoInvoke, `{"version":"2.0","routeKey":"$default","headers":[]}`, "", "decode HTTP API v2 event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaAdapter{tt.handler}.Invoke(ctx, []byte(tt.payload))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || strings.TrimSpace(string(got)) != tt.want {
				t.Fatalf("result = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}
