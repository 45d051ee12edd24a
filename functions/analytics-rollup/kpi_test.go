package analyticsrollup

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/ocitest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

const testCompartment = "ocid1.compartment.oc1..shop"

// fakePrincipal is the function's resource principal, its RPST naming compartment (none when "").
func fakePrincipal(t *testing.T, compartment string) ocitest.Principal {
	t.Helper()
	var claims map[string]any
	if compartment != "" {
		claims = map[string]any{"res_compartment": compartment}
	}
	return ocitest.NewPrincipal(t, "us-ashburn-1", claims)
}

// fakeMonitoring serves PostMetricData for requests signed by the principal.
type fakeMonitoring struct {
	principal ocitest.Principal
	failed    int // failedMetricsCount to answer

	mu   sync.Mutex
	body postedMetrics
}

type postedMetrics struct {
	MetricData []struct {
		Namespace     string            `json:"namespace"`
		CompartmentID string            `json:"compartmentId"`
		Name          string            `json:"name"`
		Dimensions    map[string]string `json:"dimensions"`
		Datapoints    []struct {
			Timestamp time.Time `json:"timestamp"`
			Value     float64   `json:"value"`
		} `json:"datapoints"`
	} `json:"metricData"`
}

func (f *fakeMonitoring) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f.principal.Verify(r); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"code":"NotAuthenticated","message":%q}`, err.Error())
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/20180401/metrics" {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"NotFound","message":"no such operation"}`)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	err := json.Unmarshal(raw, &f.body)
	f.mu.Unlock()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code":"InvalidParameter","message":"bad body"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"failedMetricsCount":%d,"failedMetrics":[]}`, f.failed)
}

// A scheduled run posts the totals of the last hour it completed, as stored, to OCI Monitoring in
// the function's compartment, signed with the resource principal.
func TestTheScheduledRunPostsTheLastHoursKPIs(t *testing.T) {
	fake := &fakeMonitoring{principal: fakePrincipal(t, testCompartment)}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	// Build runs on the real clock: a day of activity up to now.
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	if _, err := seed.Activity(context.Background(), d.DB, seed.ActivityOptions{Days: 1, Orders: 480, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCTO_ANALYTICS_METRICS_ENDPOINT": srv.URL}
	h, err := Build(d.DB, func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/_invoke", strings.NewReader(`{"rollup":"hourly"}`)))
	var res Result
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil || !res.MetricsPosted || res.CompleteThrough == nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	hour := res.CompleteThrough.Add(-time.Hour)
	got := map[string]float64{}
	for _, m := range fake.body.MetricData {
		if m.Namespace != MetricsNamespace || m.CompartmentID != testCompartment || len(m.Datapoints) != 1 || !m.Datapoints[0].Timestamp.Equal(hour) {
			t.Fatalf("metric %+v; want namespace %s, compartment %s, one datapoint at %s", m, MetricsNamespace, testCompartment, hour)
		}
		got[m.Name] = m.Datapoints[0].Value
	}
	if len(got) != len(kpis) || got["sales_orders"] == 0 {
		t.Fatalf("posted %v, want the %d KPIs", got, len(kpis))
	}
	stored := stored(t, d)
	for _, k := range kpis {
		if want := stored[fkey("hour", hour, k, all)]; got[strings.ReplaceAll(k, ".", "_")] != want {
			t.Fatalf("%s posted %v, stored %v", k, got[strings.ReplaceAll(k, ".", "_")], want)
		}
	}
}

func TestRefusedMetricsFailTheInvocation(t *testing.T) {
	fake := &fakeMonitoring{principal: fakePrincipal(t, testCompartment), failed: 2}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	pub, err := NewOCIMetrics(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(context.Background(), genNow.Truncate(time.Hour), map[string]float64{mOrders: 3}); err == nil ||
		!strings.Contains(err.Error(), "2 of 8 metrics refused") {
		t.Fatalf("want the refusal reported, got %v", err)
	}
}

// A principal naming no compartment starts the function, and fails each post, with nothing sent.
func TestAPrincipalWithoutCompartmentFailsThePostNotTheStart(t *testing.T) {
	fake := &fakeMonitoring{principal: fakePrincipal(t, "")}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	pub, err := NewOCIMetrics(srv.URL)
	if err != nil {
		t.Fatalf("the function would not start: %v", err)
	}
	if err := pub.Publish(context.Background(), genNow.Truncate(time.Hour), map[string]float64{mOrders: 3}); err == nil {
		t.Fatal("posted without a compartment")
	}
	if len(fake.body.MetricData) != 0 {
		t.Fatal("something was sent")
	}
}
