package otlp

import (
	"errors"
	"fmt"

	"github.com/VictoriaMetrics/easyproto"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// encodeMetrics is the ExportMetricsServiceRequest of rm (resource_metrics = 1), field for field as
// otlpmetrichttp's transform and protobuf-go write it (TestMetricRequestsMatchUpstream). A metric of
// an unknown aggregation or temporality is left out and named in the error; the rest are kept.
func encodeMetrics(rm *metricdata.ResourceMetrics) ([]byte, error) {
	var errs []error
	body := encode(func(req *easyproto.MessageMarshaler) {
		r := req.AppendMessage(1)
		res := r.AppendMessage(1) // ResourceMetrics.resource, always present
		if rm.Resource != nil {
			putKeyValueIter(res, 1, rm.Resource.Iter())
		}
		for _, sm := range rm.ScopeMetrics {
			s := r.AppendMessage(2)
			putScope(s.AppendMessage(1), sm.Scope) // ScopeMetrics.scope, always present
			for _, m := range sm.Metrics {
				if err := check(m.Data); err != nil {
					errs = append(errs, fmt.Errorf("metric %s: %w", m.Name, err))
					continue
				}
				putMetric(s.AppendMessage(2), m)
			}
			putString(s, 3, sm.Scope.SchemaURL)
		}
		if rm.Resource != nil {
			putString(r, 3, rm.Resource.SchemaURL())
		}
	})
	if len(errs) > 0 {
		return body, fmt.Errorf("OTLP metrics transform: %w", errors.Join(errs...))
	}
	return body, nil
}

// check refuses what upstream's transform refuses: an unknown aggregation or temporality.
func check(data metricdata.Aggregation) error {
	var t metricdata.Temporality
	switch a := data.(type) {
	case metricdata.Gauge[int64], metricdata.Gauge[float64], metricdata.Summary:
		return nil
	case metricdata.Sum[int64]:
		t = a.Temporality
	case metricdata.Sum[float64]:
		t = a.Temporality
	case metricdata.Histogram[int64]:
		t = a.Temporality
	case metricdata.Histogram[float64]:
		t = a.Temporality
	case metricdata.ExponentialHistogram[int64]:
		t = a.Temporality
	case metricdata.ExponentialHistogram[float64]:
		t = a.Temporality
	default:
		return fmt.Errorf("unknown aggregation %T", a)
	}
	if _, err := temporality(t); err != nil {
		return err
	}
	return nil
}

// temporality is AggregationTemporality: delta 1, cumulative 2.
func temporality(t metricdata.Temporality) (int32, error) {
	switch t {
	case metricdata.DeltaTemporality:
		return 1, nil
	case metricdata.CumulativeTemporality:
		return 2, nil
	}
	return 0, fmt.Errorf("unknown temporality %s", t)
}

// putMetric writes a Metric: name 1, description 2, unit 3, then its data: gauge 5, sum 7,
// histogram 9, exponential_histogram 10, summary 11.
func putMetric(m *easyproto.MessageMarshaler, mt metricdata.Metrics) {
	putString(m, 1, mt.Name)
	putString(m, 2, mt.Description)
	putString(m, 3, mt.Unit)
	switch a := mt.Data.(type) {
	case metricdata.Gauge[int64]:
		putNumberPoints(m.AppendMessage(5), a.DataPoints)
	case metricdata.Gauge[float64]:
		putNumberPoints(m.AppendMessage(5), a.DataPoints)
	case metricdata.Sum[int64]:
		putSum(m.AppendMessage(7), a)
	case metricdata.Sum[float64]:
		putSum(m.AppendMessage(7), a)
	case metricdata.Histogram[int64]:
		putHistogram(m.AppendMessage(9), a)
	case metricdata.Histogram[float64]:
		putHistogram(m.AppendMessage(9), a)
	case metricdata.ExponentialHistogram[int64]:
		putExpHistogram(m.AppendMessage(10), a)
	case metricdata.ExponentialHistogram[float64]:
		putExpHistogram(m.AppendMessage(10), a)
	case metricdata.Summary:
		putSummary(m.AppendMessage(11), a)
	}
}

// putSum writes a Sum: data_points 1, aggregation_temporality 2, is_monotonic 3.
func putSum[N int64 | float64](m *easyproto.MessageMarshaler, s metricdata.Sum[N]) {
	putNumberPoints(m, s.DataPoints)
	t, _ := temporality(s.Temporality)
	putEnum(m, 2, t)
	if s.IsMonotonic {
		m.AppendBool(3, true)
	}
}

// putNumberPoints writes data_points (field 1) as NumberDataPoints: start 2, time 3, exemplars 5,
// attributes 7, then the value oneof (as_double 4 or as_int 6): protobuf-go writes a message's
// fields in number order and its oneofs after them.
func putNumberPoints[N int64 | float64](m *easyproto.MessageMarshaler, pts []metricdata.DataPoint[N]) {
	for _, p := range pts {
		dp := m.AppendMessage(1)
		putFixed64(dp, 2, unixNano(p.StartTime.UnixNano()))
		putFixed64(dp, 3, unixNano(p.Time.UnixNano()))
		putExemplars(dp, 5, p.Exemplars)
		putKeyValueIter(dp, 7, p.Attributes.Iter())
		putNumber(dp, 4, 6, p.Value)
	}
}

// putHistogram writes a Histogram: data_points 1 (start 2, time 3, count 4, sum 5, bucket_counts
// 6, explicit_bounds 7, exemplars 8, attributes 9, min 11, max 12), aggregation_temporality 2.
func putHistogram[N int64 | float64](m *easyproto.MessageMarshaler, h metricdata.Histogram[N]) {
	for _, p := range h.DataPoints {
		dp := m.AppendMessage(1)
		putFixed64(dp, 2, unixNano(p.StartTime.UnixNano()))
		putFixed64(dp, 3, unixNano(p.Time.UnixNano()))
		putFixed64(dp, 4, p.Count)
		dp.AppendDouble(5, float64(p.Sum))
		if len(p.BucketCounts) > 0 {
			dp.AppendFixed64s(6, p.BucketCounts)
		}
		if len(p.Bounds) > 0 {
			dp.AppendDoubles(7, p.Bounds)
		}
		putExemplars(dp, 8, p.Exemplars)
		putKeyValueIter(dp, 9, p.Attributes.Iter())
		putExtremum(dp, 11, p.Min)
		putExtremum(dp, 12, p.Max)
	}
	t, _ := temporality(h.Temporality)
	putEnum(m, 2, t)
}

// putExpHistogram writes an ExponentialHistogram: data_points 1 (attributes 1, start 2, time 3,
// count 4, sum 5, scale 6, zero_count 7, positive 8, negative 9, exemplars 11, min 12, max 13,
// zero_threshold 14), aggregation_temporality 2.
func putExpHistogram[N int64 | float64](m *easyproto.MessageMarshaler, h metricdata.ExponentialHistogram[N]) {
	for _, p := range h.DataPoints {
		dp := m.AppendMessage(1)
		putKeyValueIter(dp, 1, p.Attributes.Iter())
		putFixed64(dp, 2, unixNano(p.StartTime.UnixNano()))
		putFixed64(dp, 3, unixNano(p.Time.UnixNano()))
		putFixed64(dp, 4, p.Count)
		dp.AppendDouble(5, float64(p.Sum))
		if p.Scale != 0 {
			dp.AppendSint32(6, p.Scale)
		}
		putFixed64(dp, 7, p.ZeroCount)
		putBuckets(dp.AppendMessage(8), p.PositiveBucket)
		putBuckets(dp.AppendMessage(9), p.NegativeBucket)
		putExemplars(dp, 11, p.Exemplars)
		putExtremum(dp, 12, p.Min)
		putExtremum(dp, 13, p.Max)
		putDouble(dp, 14, p.ZeroThreshold)
	}
	t, _ := temporality(h.Temporality)
	putEnum(m, 2, t)
}

// putBuckets writes Buckets: offset 1, bucket_counts 2.
func putBuckets(m *easyproto.MessageMarshaler, b metricdata.ExponentialBucket) {
	if b.Offset != 0 {
		m.AppendSint32(1, b.Offset)
	}
	if len(b.Counts) > 0 {
		m.AppendUint64s(2, b.Counts)
	}
}

func putExtremum[N int64 | float64](m *easyproto.MessageMarshaler, n uint32, e metricdata.Extrema[N]) {
	if v, ok := e.Value(); ok {
		m.AppendDouble(n, float64(v))
	}
}

// putSummary writes a Summary: data_points 1 (start 2, time 3, count 4, sum 5, quantile_values 6
// (quantile 1, value 2), attributes 7).
func putSummary(m *easyproto.MessageMarshaler, s metricdata.Summary) {
	for _, p := range s.DataPoints {
		dp := m.AppendMessage(1)
		putFixed64(dp, 2, unixNano(p.StartTime.UnixNano()))
		putFixed64(dp, 3, unixNano(p.Time.UnixNano()))
		putFixed64(dp, 4, p.Count)
		putDouble(dp, 5, p.Sum)
		for _, q := range p.QuantileValues {
			qv := dp.AppendMessage(6)
			putDouble(qv, 1, q.Quantile)
			putDouble(qv, 2, q.Value)
		}
		putKeyValueIter(dp, 7, p.Attributes.Iter())
	}
}

// putExemplars writes repeated Exemplar field n: time 2, span_id 4, trace_id 5, filtered_attributes
// 7, then the value oneof (as_double 3 or as_int 6).
func putExemplars[N int64 | float64](m *easyproto.MessageMarshaler, n uint32, es []metricdata.Exemplar[N]) {
	for _, e := range es {
		x := m.AppendMessage(n)
		putFixed64(x, 2, unixNano(e.Time.UnixNano()))
		putBytes(x, 4, e.SpanID)
		putBytes(x, 5, e.TraceID)
		putKeyValues(x, 7, e.FilteredAttributes)
		putNumber(x, 3, 6, e.Value)
	}
}

// putNumber writes the value oneof of a data point or exemplar: field asDouble for a float64,
// asInt (sfixed64) for an int64.
func putNumber[N int64 | float64](m *easyproto.MessageMarshaler, asDouble, asInt uint32, v N) {
	switch v := any(v).(type) {
	case float64:
		m.AppendDouble(asDouble, v)
	case int64:
		m.AppendSfixed64(asInt, v)
	}
}
