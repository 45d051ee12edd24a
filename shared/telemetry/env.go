package telemetry

import (
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/octo-drone-shop/serverless/shared/telemetry/internal/otlp"
)

// OCI APM's OTLP/HTTP paths, appended to the APM domain's data upload endpoint.
const (
	apmTracesPath  = "/20200101/opentelemetry/private/v1/traces"
	apmMetricsPath = "/20200101/opentelemetry/v1/metrics"
)

// signal is what an exporter sends: "TRACES" or "METRICS", as spelled in OTEL_EXPORTER_OTLP_<signal>_*.
type signal string

const (
	tracesSignal  signal = "TRACES"
	metricsSignal signal = "METRICS"
)

// exportTarget is where one signal goes; a zero URL means the signal is not exported.
type exportTarget = otlp.Target

// resolveTarget applies the precedence documented on Config: APM settings, then the signal-specific
// OTEL_EXPORTER_OTLP_<signal>_* variable, then the generic OTEL_EXPORTER_OTLP_* one; the export timeout
// never exceeds flushTimeout.
func resolveTarget(cfg Config, s signal, getenv func(string) string, flushTimeout time.Duration) (exportTarget, error) {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_"+string(s)+"_EXPORTER")), "none") {
		return exportTarget{}, nil
	}
	headers, err := parseKeyValues(getenv("OTEL_EXPORTER_OTLP_HEADERS"))
	if err != nil {
		return exportTarget{}, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS: %w", err)
	}
	specific, err := parseKeyValues(getenv("OTEL_EXPORTER_OTLP_" + string(s) + "_HEADERS"))
	if err != nil {
		return exportTarget{}, fmt.Errorf("OTEL_EXPORTER_OTLP_%s_HEADERS: %w", s, err)
	}
	maps.Copy(headers, specific)

	var t exportTarget
	switch {
	case cfg.APMEndpoint != "":
		path := apmTracesPath
		if s == metricsSignal {
			path = apmMetricsPath
		}
		t.URL = strings.TrimRight(cfg.APMEndpoint, "/") + path
		headers["Authorization"] = "dataKey " + cfg.APMPrivateDataKey
	case getenv("OTEL_EXPORTER_OTLP_"+string(s)+"_ENDPOINT") != "":
		t.URL = getenv("OTEL_EXPORTER_OTLP_" + string(s) + "_ENDPOINT")
	case getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "":
		t.URL = strings.TrimRight(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "/") + "/v1/" + strings.ToLower(string(s))
	default:
		return exportTarget{}, nil
	}
	if u, err := url.Parse(t.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return exportTarget{}, fmt.Errorf("%s endpoint %q is not an http(s) URL", strings.ToLower(string(s)), t.URL)
	}
	t.Headers = headers
	if t.Gzip, err = compression(s, getenv); err != nil {
		return exportTarget{}, err
	}
	if t.TLS, err = tlsConfig(s, getenv); err != nil {
		return exportTarget{}, err
	}

	t.Timeout = flushTimeout
	for _, name := range []string{"OTEL_EXPORTER_OTLP_" + string(s) + "_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return exportTarget{}, fmt.Errorf("%s=%q: want a positive number of milliseconds", name, v)
		}
		t.Timeout = min(time.Duration(ms)*time.Millisecond, flushTimeout)
		break
	}
	return t, nil
}

// parseKeyValues parses the W3C-baggage-like lists of OTEL_EXPORTER_OTLP_HEADERS and
// OTEL_RESOURCE_ATTRIBUTES: "k1=v1,k2=v2", values percent-decoded.
func parseKeyValues(s string) (map[string]string, error) {
	out := map[string]string{}
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", item)
		}
		dv, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", k, err)
		}
		out[k] = dv
	}
	return out, nil
}

// resourceAttributesFromEnv reads OTEL_RESOURCE_ATTRIBUTES.
func resourceAttributesFromEnv(getenv func(string) string) ([]attribute.KeyValue, error) {
	kv, err := parseKeyValues(getenv("OTEL_RESOURCE_ATTRIBUTES"))
	if err != nil {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	attrs := make([]attribute.KeyValue, 0, len(kv))
	for k, v := range kv {
		attrs = append(attrs, attribute.String(k, v))
	}
	return attrs, nil
}

// samplerFromEnv reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG; the default is
// parentbased_always_on. Unknown values fail Setup rather than silently sampling something else.
func samplerFromEnv(getenv func(string) string) (sdktrace.Sampler, error) {
	name := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER")))
	ratio := 1.0
	if arg := strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER_ARG")); arg != "" && strings.HasSuffix(name, "traceidratio") {
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return nil, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG=%q: want a ratio between 0 and 1", arg)
		}
		ratio = r
	}
	switch name {
	case "", "parentbased_always_on":
		return sdktrace.ParentBased(sdktrace.AlwaysSample()), nil
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample()), nil
	case "parentbased_traceidratio":
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)), nil
	case "always_on":
		return sdktrace.AlwaysSample(), nil
	case "always_off":
		return sdktrace.NeverSample(), nil
	case "traceidratio":
		return sdktrace.TraceIDRatioBased(ratio), nil
	default:
		return nil, fmt.Errorf("OTEL_TRACES_SAMPLER=%q: want always_on, always_off, traceidratio or their parentbased_ forms", name)
	}
}
