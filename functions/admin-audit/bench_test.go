package adminaudit

import (
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// heapWriter discards the export and samples the live heap (runtime/metrics, no stop-the-world) at
// every write and flush, keeping the peak.
type heapWriter struct {
	header http.Header
	bytes  int64
	peak   uint64
	sample []metrics.Sample
}

func newHeapWriter() *heapWriter {
	return &heapWriter{header: http.Header{}, sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

func (w *heapWriter) measure() {
	metrics.Read(w.sample)
	if v := w.sample[0].Value.Uint64(); v > w.peak {
		w.peak = v
	}
}

func (w *heapWriter) Header() http.Header { return w.header }
func (w *heapWriter) WriteHeader(int)     {}
func (w *heapWriter) Write(p []byte) (int, error) {
	w.bytes += int64(len(p))
	w.measure()
	return len(p), nil
}
func (w *heapWriter) Flush() { w.measure() }

// BenchmarkExportAuditCSV exports 100 000 audit rows as CSV through the real handler and reports the
// peak of the heap's objects above the heap before the export (peak-heap-MB) beside the size of the
// CSV (csv-MB): a streamed export's peak stays flat while the CSV grows. The collector runs at
// GOGC=10 during the benchmark so the peak is the export's live memory rather than the garbage a
// default collector lets pile up before its next cycle (which a memory-limited function bounds by
// GOMEMLIMIT anyway).
func BenchmarkExportAuditCSV(b *testing.B) {
	f := newFixture(b)
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	const rows, chunk = ExportRows, 5000
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < rows; i += chunk {
		addAuditRows(b, f, chunk, base.Add(time.Duration(i)*time.Second))
	}
	headers := f.DB.As(b, seed.AdminUser)
	var peak, size float64
	for b.Loop() {
		w := newHeapWriter()
		req, _ := http.NewRequestWithContext(b.Context(), "GET", "/api/admin/audit-logs", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		req.Header.Set("Accept", "text/csv")
		runtime.GC()
		w.measure()
		before := w.peak
		w.peak = 0
		f.H.ServeHTTP(w, req)
		if w.bytes < rows*50 {
			b.Fatalf("exported %d bytes: fewer than %d rows", w.bytes, rows)
		}
		peak = max(peak, float64(w.peak-min(w.peak, before))/(1<<20))
		size = float64(w.bytes) / (1 << 20)
	}
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(size, "csv-MB")
}

// BenchmarkAuditLogsPage reads one JSON page of 100 audit rows with two filters.
func BenchmarkAuditLogsPage(b *testing.B) {
	f := newFixture(b)
	addAuditRows(b, f, 5000, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	headers := f.DB.As(b, seed.AdminUser)
	for b.Loop() {
		if s := dbtest.Serve(f.H, "GET", "/api/admin/audit-logs?limit=100&actor=user:1&entity_type=product", "", headers); s.Status != http.StatusOK {
			b.Fatal(s.Status)
		}
	}
}

var _ io.Writer = (*heapWriter)(nil)
