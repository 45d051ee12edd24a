// Package otlp sends traces and metrics to an OTLP/HTTP receiver (OCI APM, a collector) as protobuf,
// without linking gRPC.
//
// The upstream exporters (otlptracehttp, otlpmetrichttp) share their configuration code and their
// request types with the gRPC exporters, so every function binary linked google.golang.org/grpc,
// grpc-gateway and their package inits without ever running them (open-telemetry/opentelemetry-go
// issue 2579); their messages are protobuf-go's generated types, whose runtime builds its descriptor
// registry in ~20 package inits at every cold start. Here the spans and metrics are encoded directly
// with easyproto (wire.go), following the upstream transforms field by field: the tests send the same
// spans and metrics through otlptracehttp and otlpmetrichttp and require the same request bodies,
// byte for byte, so a difference in encoding or in the transform fails them.
package otlp

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/easyproto"
)

// Target is where and how one signal is sent.
type Target struct {
	URL     string            // the full URL, e.g. https://collector:4318/v1/traces
	Headers map[string]string // sent with every request
	Timeout time.Duration     // bounds each export
	Gzip    bool              // Content-Encoding: gzip
	TLS     *tls.Config       // nil: the system roots
	Retry   Retry             // how a refused export is retried; the zero value is upstream's default
}

// Retry is how an export the receiver answers 429, 502, 503 or 504 is sent again, as the upstream
// exporters do by default: after Initial, doubling up to Max (or after the answer's Retry-After when
// that is longer), until MaxElapsed has passed since the first attempt or the export's context ends.
// Zero durations take upstream's defaults (5 s, 30 s, 1 min); the export's context usually ends
// first (the batch processor gives an export 30 s). Any other failure is not retried.
type Retry struct {
	Initial, Max, MaxElapsed time.Duration
	Disabled                 bool
}

func (r Retry) withDefaults() Retry {
	if r.Initial <= 0 {
		r.Initial = 5 * time.Second
	}
	if r.Max <= 0 {
		r.Max = 30 * time.Second
	}
	if r.MaxElapsed <= 0 {
		r.MaxElapsed = time.Minute
	}
	return r
}

// sender POSTs export requests to one target.
type sender struct {
	t      Target
	client *http.Client
	kind   string // "spans" or "data points", for partial-success errors
}

func newSender(t Target, kind string) *sender {
	// The upstream exporters' transport: proxy from the environment, bounded dials and handshakes.
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       t.TLS,
	}
	return &sender{t: t, client: &http.Client{Transport: tr, Timeout: t.Timeout}, kind: kind}
}

// maxResponseBytes bounds how much of an answer is read (upstream's default).
const maxResponseBytes = 64 << 20

// post sends body, again while the receiver answers it is busy (see Retry), and interprets the answer
// as the upstream exporters do: 2xx is success unless it reports a partial success; anything else is
// an error carrying the status and the answer's text.
func (s *sender) post(ctx context.Context, body []byte) error {
	if s.t.Gzip {
		var b bytes.Buffer
		gz := gzip.NewWriter(&b)
		if _, err := gz.Write(body); err != nil {
			return err
		}
		if err := gz.Close(); err != nil {
			return err
		}
		body = b.Bytes()
	}
	r := s.t.Retry.withDefaults()
	start, wait := time.Now(), r.Initial
	for {
		again, after, err := s.send(ctx, body)
		if !again || r.Disabled {
			return err
		}
		d := max(wait, after)
		if time.Since(start)+d > r.MaxElapsed {
			return err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, r.Max)
	}
}

// send makes one attempt; again reports an answer worth retrying (429, 502, 503, 504), after its
// Retry-After in seconds (0 without one).
func (s *sender) send(ctx context.Context, body []byte) (again bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.t.URL, bytes.NewReader(body))
	if err != nil {
		return false, 0, err
	}
	req.Header.Set("User-Agent", "octo-drone-shop OTLP/HTTP exporter")
	for k, v := range s.t.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	if s.t.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return false, 0, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if resp.Header.Get("Content-Type") != "application/x-protobuf" || len(data) == 0 {
			return false, 0, nil
		}
		return false, 0, partialSuccess(data, s.kind)
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		text = "(empty)"
	}
	err = fmt.Errorf("failed to send to %s: %s (body: %s)", s.t.URL, resp.Status, text)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if secs, perr := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); perr == nil && secs > 0 {
			after = time.Duration(secs) * time.Second
		}
		return true, after, err
	}
	return false, 0, err
}

// ErrPartialSuccess is wrapped by the error of an export the receiver accepted only in part.
var ErrPartialSuccess = errors.New("OTLP partial success")

// partialSuccess reads an Export*ServiceResponse: field 1 is partial_success, a message whose field 1
// is the number of rejected items and field 2 the receiver's message (the same numbers in the trace
// and the metric response).
func partialSuccess(b []byte, kind string) error {
	var rejected int64
	var msg string
	var fc easyproto.FieldContext
	for len(b) > 0 {
		var err error
		if b, err = fc.NextField(b); err != nil {
			return fmt.Errorf("OTLP response: %w", err)
		}
		ps, ok := fc.MessageData()
		if fc.FieldNum != 1 || !ok {
			continue
		}
		for len(ps) > 0 {
			if ps, err = fc.NextField(ps); err != nil {
				return fmt.Errorf("OTLP response: %w", err)
			}
			switch fc.FieldNum {
			case 1:
				if v, ok := fc.Int64(); ok {
					rejected = v
				}
			case 2:
				if v, ok := fc.String(); ok {
					msg = v
				}
			}
		}
	}
	if rejected == 0 && msg == "" {
		return nil
	}
	if msg == "" {
		msg = "empty message"
	}
	return fmt.Errorf("%w: %s (%d %s rejected)", ErrPartialSuccess, msg, rejected, kind)
}
