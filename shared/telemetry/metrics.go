package telemetry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metric names. The HTTP and database durations follow the OTel semantic conventions, so APM and any
// OTel backend chart them without mapping; the business ones live under "octo.".
const (
	MetricHTTPServerDuration = "http.server.request.duration"
	MetricHTTPServerRequests = "octo.http.server.requests"
	MetricDBOperation        = "db.client.operation.duration"
	MetricCheckoutOrders     = "octo.checkout.orders"
	MetricCheckoutRevenue    = "octo.checkout.revenue"
	MetricCartAdditions      = "octo.cart.additions"
	MetricSecurityEvents     = "octo.security.events"
)

// SecurityEventTypeKey is the attribute that splits MetricSecurityEvents by type (the
// security_events.attack_type column: sqli, xss, ...).
const SecurityEventTypeKey = attribute.Key("octo.security.event.type")

// durationBuckets are the semantic conventions' advice for http.server.request.duration and
// db.client.operation.duration, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Instruments are the metrics the dashboards need. Every method is safe for concurrent use and
// cheap: an aggregation in memory, exported at the next Flush.
type Instruments struct {
	httpDuration   metric.Float64Histogram
	httpRequests   metric.Int64Counter
	dbDuration     metric.Float64Histogram
	orders         metric.Int64Counter
	revenue        metric.Float64Counter
	cartAdditions  metric.Int64Counter
	securityEvents metric.Int64Counter
}

// newInstruments creates the instruments on meter.
func newInstruments(meter metric.Meter) (*Instruments, error) {
	var i Instruments
	var errs [7]error
	i.httpDuration, errs[0] = meter.Float64Histogram(MetricHTTPServerDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP server requests."), metric.WithExplicitBucketBoundaries(durationBuckets...))
	i.httpRequests, errs[1] = meter.Int64Counter(MetricHTTPServerRequests, metric.WithUnit("{request}"),
		metric.WithDescription("HTTP server requests by route and status."))
	i.dbDuration, errs[2] = meter.Float64Histogram(MetricDBOperation, metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."), metric.WithExplicitBucketBoundaries(durationBuckets...))
	i.orders, errs[3] = meter.Int64Counter(MetricCheckoutOrders, metric.WithUnit("{order}"),
		metric.WithDescription("Orders placed at checkout."))
	i.revenue, errs[4] = meter.Float64Counter(MetricCheckoutRevenue, metric.WithUnit("{USD}"),
		metric.WithDescription("Revenue of orders placed at checkout, in US dollars."))
	i.cartAdditions, errs[5] = meter.Int64Counter(MetricCartAdditions, metric.WithUnit("{item}"),
		metric.WithDescription("Items added to carts."))
	i.securityEvents, errs[6] = meter.Int64Counter(MetricSecurityEvents, metric.WithUnit("{event}"),
		metric.WithDescription("Security events detected, by type."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("instruments: %w", err)
	}
	return &i, nil
}

// RecordOrder counts one order placed at checkout and its total in US dollars.
func (i *Instruments) RecordOrder(ctx context.Context, totalUSD float64, attrs ...attribute.KeyValue) {
	opt := metric.WithAttributes(attrs...)
	i.orders.Add(ctx, 1, opt)
	i.revenue.Add(ctx, totalUSD, opt)
}

// RecordCartAddition counts quantity items added to a cart.
func (i *Instruments) RecordCartAddition(ctx context.Context, quantity int64, attrs ...attribute.KeyValue) {
	i.cartAdditions.Add(ctx, quantity, metric.WithAttributes(attrs...))
}

// RecordSecurityEvent counts one security event of the given type.
func (i *Instruments) RecordSecurityEvent(ctx context.Context, eventType string, attrs ...attribute.KeyValue) {
	i.securityEvents.Add(ctx, 1, metric.WithAttributes(attrs...), metric.WithAttributes(SecurityEventTypeKey.String(eventType)))
}

// RecordDBOperation records one database statement's duration. attrs should be the statement span's
// low-cardinality attributes (db.system.name, db.operation.name, db.collection.name,
// db.response.status_code), never the query text.
func (i *Instruments) RecordDBOperation(ctx context.Context, d time.Duration, attrs ...attribute.KeyValue) {
	i.dbDuration.Record(ctx, d.Seconds(), metric.WithAttributes(attrs...))
}

// recordRequest records one served HTTP request.
func (i *Instruments) recordRequest(ctx context.Context, d time.Duration, attrs attribute.Set) {
	opt := metric.WithAttributeSet(attrs)
	i.httpDuration.Record(ctx, d.Seconds(), opt)
	i.httpRequests.Add(ctx, 1, opt)
}
