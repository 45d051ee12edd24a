package otlp

import (
	"context"
	"errors"
	"sync"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// MetricExporter is an sdkmetric.Exporter that POSTs ExportMetricsServiceRequests to its target.
type MetricExporter struct {
	s           *sender
	temporality sdkmetric.TemporalitySelector
	aggregation sdkmetric.AggregationSelector
	once        sync.Once
	mu          sync.RWMutex
	stopped     bool
}

var _ sdkmetric.Exporter = (*MetricExporter)(nil)

// NewMetricExporter returns the exporter for t; nil selectors mean the SDK's defaults (cumulative,
// explicit-bucket histograms), as upstream's.
func NewMetricExporter(t Target, temporality sdkmetric.TemporalitySelector, aggregation sdkmetric.AggregationSelector) *MetricExporter {
	if temporality == nil {
		temporality = sdkmetric.DefaultTemporalitySelector
	}
	if aggregation == nil {
		aggregation = sdkmetric.DefaultAggregationSelector
	}
	return &MetricExporter{s: newSender(t, "data points"), temporality: temporality, aggregation: aggregation}
}

// Temporality returns the configured temporality of an instrument kind.
func (e *MetricExporter) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality {
	return e.temporality(k)
}

// Aggregation returns the configured aggregation of an instrument kind.
func (e *MetricExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return e.aggregation(k)
}

// errShutdown is returned by Export after Shutdown, as upstream's exporter does.
var errShutdown = errors.New("exporter is shutdown")

// Export sends rm; metrics that cannot be encoded are reported in the error, the others are sent.
func (e *MetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.stopped {
		return errShutdown
	}
	body, err := encodeMetrics(rm)
	return errors.Join(err, e.s.post(ctx, body))
}

// ForceFlush does nothing: Export sends synchronously.
func (e *MetricExporter) ForceFlush(ctx context.Context) error { return ctx.Err() }

// Shutdown stops exporting and closes idle connections.
func (e *MetricExporter) Shutdown(ctx context.Context) error {
	e.once.Do(func() {
		e.mu.Lock()
		e.stopped = true
		e.mu.Unlock()
		e.s.client.CloseIdleConnections()
	})
	return ctx.Err()
}
