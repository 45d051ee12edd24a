package analyticsrollup

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

const testCompartment = "ocid1.compartment.oc1..shop"

// fakePrincipal is a resource principal as OCI Functions provides it (an RSA key and an RPST naming
// the function's compartment), in the files the OCI_RESOURCE_PRINCIPAL_* variables name.
func fakePrincipal(t *testing.T) (string, *rsa.PrivateKey) {
	t.Helper()
	return fakePrincipalIn(t, testCompartment)
}

// fakePrincipalIn is fakePrincipal with the compartment claim given (none when "").
func fakePrincipalIn(t *testing.T, compartment string) (string, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	c := map[string]any{"exp": time.Now().Add(time.Hour).Unix(), "res_tenant": "ocid1.tenancy.oc1..test", "sub": "ocid1.fnfunc.oc1.iad.test"}
	if compartment != "" {
		c["res_compartment"] = compartment
	}
	claims, _ := json.Marshal(c)
	rpst := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("unsigned"))
	dir := t.TempDir()
	pemPath, rpstPath := filepath.Join(dir, "private.pem"), filepath.Join(dir, "rpst")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rpstPath, []byte(rpst), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2")
	t.Setenv("OCI_RESOURCE_PRINCIPAL_RPST", rpstPath)
	t.Setenv("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", pemPath)
	t.Setenv("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1")
	t.Setenv("OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED", "false")
	return rpst, key
}

// fakeMonitoring serves PostMetricData for requests signed by the principal.
type fakeMonitoring struct {
	rpst   string
	key    *rsa.PublicKey
	failed int // failedMetricsCount to answer

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
	if err := verifySignature(r, f.rpst, f.key); err != nil {
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

// verifySignature checks the request's HTTP signature (draft-cavage, as the SDK signs) with the
// principal's key and its RPST as key id.
func verifySignature(r *http.Request, rpst string, key *rsa.PublicKey) error {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Signature ")
	if !ok {
		return fmt.Errorf("not an HTTP signature")
	}
	fields := map[string]string{}
	for _, kv := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(kv, "=")
		fields[k] = strings.Trim(v, `"`)
	}
	if fields["keyId"] != "ST$"+rpst {
		return fmt.Errorf("keyId %q", fields["keyId"])
	}
	var lines []string
	for _, h := range strings.Fields(fields["headers"]) {
		switch h {
		case "(request-target)":
			lines = append(lines, h+": "+strings.ToLower(r.Method)+" "+r.URL.RequestURI())
		case "host":
			lines = append(lines, h+": "+r.Host)
		default:
			lines = append(lines, h+": "+r.Header.Get(h))
		}
	}
	sig, err := base64.StdEncoding.DecodeString(fields["signature"])
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig)
}

// A scheduled run posts the totals of the last hour it completed, as stored, to OCI Monitoring in
// the function's compartment, signed with the resource principal.
func TestTheScheduledRunPostsTheLastHoursKPIs(t *testing.T) {
	rpst, key := fakePrincipal(t)
	fake := &fakeMonitoring{rpst: rpst, key: &key.PublicKey}
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
	rpst, key := fakePrincipal(t)
	fake := &fakeMonitoring{rpst: rpst, key: &key.PublicKey, failed: 2}
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
	rpst, key := fakePrincipalIn(t, "")
	fake := &fakeMonitoring{rpst: rpst, key: &key.PublicKey}
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
