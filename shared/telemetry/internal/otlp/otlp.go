// Package otlp sends traces and metrics to an OTLP/HTTP receiver (OCI APM, a collector) as protobuf,
// without linking gRPC.
//
// The upstream exporters (otlptracehttp, otlpmetrichttp) share their configuration code and their
// request types with the gRPC exporters, so every function binary linked google.golang.org/grpc,
// grpc-gateway and their package inits without ever running them (open-telemetry/opentelemetry-go
// issue 2579). Here the spans are turned into OTLP messages by the upstream otlptrace exporter
// (TraceClient is its otlptrace.Client); the metrics by metricsToProto, which follows the upstream
// transform and is checked byte for byte against otlpmetrichttp's requests in the tests (so are the
// trace requests against otlptracehttp's). Only the HTTP POST and the two request envelopes, one
// repeated field each, are written here.
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
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// Target is where and how one signal is sent.
type Target struct {
	URL     string            // the full URL, e.g. https://collector:4318/v1/traces
	Headers map[string]string // sent with every request
	Timeout time.Duration     // bounds each export
	Gzip    bool              // Content-Encoding: gzip
	TLS     *tls.Config       // nil: the system roots
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

// envelope encodes an Export*ServiceRequest: its only field, number 1, repeated, holding each
// already-encoded Resource* message. This is the same encoding proto.Marshal gives the request type.
func envelope[M proto.Message](items []M) ([]byte, error) {
	var out []byte
	for _, m := range items {
		b, err := proto.Marshal(m)
		if err != nil {
			return nil, err
		}
		out = protowire.AppendTag(out, 1, protowire.BytesType)
		out = protowire.AppendBytes(out, b)
	}
	return out, nil
}

// post sends body and interprets the answer as the upstream exporters do: 2xx is success unless it
// reports a partial success; anything else is an error carrying the status and the answer's text.
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.t.URL, bytes.NewReader(body))
	if err != nil {
		return err
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
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if resp.Header.Get("Content-Type") != "application/x-protobuf" || len(data) == 0 {
			return nil
		}
		return partialSuccess(data, s.kind)
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		text = "(empty)"
	}
	return fmt.Errorf("failed to send to %s: %s (body: %s)", s.t.URL, resp.Status, text)
}

// ErrPartialSuccess is wrapped by the error of an export the receiver accepted only in part.
var ErrPartialSuccess = errors.New("OTLP partial success")

// partialSuccess reads an Export*ServiceResponse: field 1 is partial_success, a message whose field 1
// is the number of rejected items and field 2 the receiver's message (the same numbers in the trace
// and the metric response).
func partialSuccess(b []byte, kind string) error {
	var rejected int64
	var msg string
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("OTLP response: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			ps, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return fmt.Errorf("OTLP response: %w", protowire.ParseError(n))
			}
			b = b[n:]
			for len(ps) > 0 {
				pn, pt, m := protowire.ConsumeTag(ps)
				if m < 0 {
					return fmt.Errorf("OTLP response: %w", protowire.ParseError(m))
				}
				ps = ps[m:]
				switch {
				case pn == 1 && pt == protowire.VarintType:
					v, k := protowire.ConsumeVarint(ps)
					if k < 0 {
						return fmt.Errorf("OTLP response: %w", protowire.ParseError(k))
					}
					rejected, ps = int64(v), ps[k:]
				case pn == 2 && pt == protowire.BytesType:
					v, k := protowire.ConsumeBytes(ps)
					if k < 0 {
						return fmt.Errorf("OTLP response: %w", protowire.ParseError(k))
					}
					msg, ps = string(v), ps[k:]
				default:
					k := protowire.ConsumeFieldValue(pn, pt, ps)
					if k < 0 {
						return fmt.Errorf("OTLP response: %w", protowire.ParseError(k))
					}
					ps = ps[k:]
				}
			}
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return fmt.Errorf("OTLP response: %w", protowire.ParseError(n))
		}
		b = b[n:]
	}
	if rejected == 0 && msg == "" {
		return nil
	}
	if msg == "" {
		msg = "empty message"
	}
	return fmt.Errorf("%w: %s (%d %s rejected)", ErrPartialSuccess, msg, rejected, kind)
}
