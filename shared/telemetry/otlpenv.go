package telemetry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// The OTLP exporter settings read besides endpoint, headers and timeout (env.go), under the names
// and with the meaning of the OpenTelemetry specification; each signal-specific variable
// (OTEL_EXPORTER_OTLP_TRACES_*, _METRICS_*) wins over the generic one. They are read through
// Setup's getenv, like the others.

// lookup returns the signal-specific variable OTEL_EXPORTER_OTLP_<signal>_<name>, else the generic
// OTEL_EXPORTER_OTLP_<name>, and the name of the one it read.
func lookup(s signal, name string, getenv func(string) string) (value, from string) {
	for _, k := range []string{"OTEL_EXPORTER_OTLP_" + string(s) + "_" + name, "OTEL_EXPORTER_OTLP_" + name} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v, k
		}
	}
	return "", ""
}

// compression reads OTEL_EXPORTER_OTLP_[<signal>_]COMPRESSION: gzip or none (the default).
func compression(s signal, getenv func(string) string) (bool, error) {
	v, from := lookup(s, "COMPRESSION", getenv)
	switch strings.ToLower(v) {
	case "", "none":
		return false, nil
	case "gzip":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: want gzip or none", from, v)
}

// tlsConfig reads OTEL_EXPORTER_OTLP_[<signal>_]CERTIFICATE (the PEM file of the roots to trust
// instead of the system's) and CLIENT_CERTIFICATE with CLIENT_KEY (PEM files of a client
// certificate); nil when none is set.
func tlsConfig(s signal, getenv func(string) string) (*tls.Config, error) {
	ca, caFrom := lookup(s, "CERTIFICATE", getenv)
	cert, certFrom := lookup(s, "CLIENT_CERTIFICATE", getenv)
	key, keyFrom := lookup(s, "CLIENT_KEY", getenv)
	if ca == "" && cert == "" && key == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", caFrom, err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s=%q: no PEM certificate in the file", caFrom, ca)
		}
	}
	if (cert == "") != (key == "") {
		return nil, errors.New("a client certificate needs both OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("%s, %s: %w", certFrom, keyFrom, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// metricSelectorsFromEnv reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (cumulative, the
// default; delta; lowmemory: the SDK's selectors of those names) and
// OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION (explicit_bucket_histogram, the default;
// base2_exponential_bucket_histogram, with the specification's default size and scale).
func metricSelectorsFromEnv(getenv func(string) string) (sdkmetric.TemporalitySelector, sdkmetric.AggregationSelector, error) {
	const tname, aname = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"
	var temporality sdkmetric.TemporalitySelector
	switch v := strings.TrimSpace(getenv(tname)); strings.ToLower(v) {
	case "", "cumulative":
		temporality = sdkmetric.CumulativeTemporalitySelector
	case "delta":
		temporality = sdkmetric.DeltaTemporalitySelector
	case "lowmemory":
		temporality = sdkmetric.LowMemoryTemporalitySelector
	default:
		return nil, nil, fmt.Errorf("%s=%q: want cumulative, delta or lowmemory", tname, v)
	}
	aggregation := sdkmetric.DefaultAggregationSelector
	switch v := strings.TrimSpace(getenv(aname)); strings.ToLower(v) {
	case "", "explicit_bucket_histogram":
	case "base2_exponential_bucket_histogram":
		aggregation = func(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
			if k == sdkmetric.InstrumentKindHistogram {
				return sdkmetric.AggregationBase2ExponentialHistogram{MaxSize: 160, MaxScale: 20}
			}
			return sdkmetric.DefaultAggregationSelector(k)
		}
	default:
		return nil, nil, fmt.Errorf("%s=%q: want explicit_bucket_histogram or base2_exponential_bucket_histogram", aname, v)
	}
	return temporality, aggregation, nil
}
