package notify_test

import (
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
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/notify"
)

// fakePrincipal is a resource principal as OCI Functions provides it: an RSA key and an RPST (a JWT
// with exp and res_tenant), in files named by the OCI_RESOURCE_PRINCIPAL_* variables.
func fakePrincipal(t *testing.T) (rpst string, key *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	claims, _ := json.Marshal(map[string]any{"exp": time.Now().Add(time.Hour).Unix(), "res_tenant": "ocid1.tenancy.oc1..test",
		"sub": "ocid1.fnfunc.oc1.iad.test"})
	rpst = enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("unsigned"))
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

// fakeEmailDelivery serves Email Delivery's SubmitRawEmail for requests signed by the principal.
type fakeEmailDelivery struct {
	rpst   string
	key    *rsa.PublicKey
	status int // answered instead of 200 when set

	mu       sync.Mutex
	received []submitted
}

type submitted struct {
	compartment, sender, recipients, contentType string
	body                                         string
}

func (f *fakeEmailDelivery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := verifySignature(r, f.rpst, f.key); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"code":"NotAuthenticated","message":%q}`, err.Error())
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/20220926/actions/submitRawEmail" {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"NotFound","message":"no such operation"}`)
		return
	}
	if f.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"code":"TooManyRequests","message":"slow down"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.received = append(f.received, submitted{compartment: r.Header.Get("compartment-id"), sender: r.Header.Get("sender"),
		recipients: r.Header.Get("recipients"), contentType: r.Header.Get("Content-Type"), body: string(body)})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"messageId":"oci-1","envelopeId":"env-1"}`)
}

// verifySignature checks an OCI HTTP signature: keyId "ST$<rpst>", RSA-SHA256 over the signed headers.
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

func TestOCISenderSubmitsTheRawMessageWithTheResourcePrincipal(t *testing.T) {
	rpst, key := fakePrincipal(t)
	fake := &fakeEmailDelivery{rpst: rpst, key: &key.PublicKey}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	sender, err := notify.NewOCISender(notify.OCIConfig{CompartmentID: "ocid1.compartment.oc1..shop", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, sender)
	f.enqueue(t, "pat@example.com")

	fake.status = http.StatusTooManyRequests
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Failed != 1 {
		t.Fatalf("throttled: %+v %v", res, err)
	}
	fake.status = 0
	f.now = f.now.Add(notify.Backoff(1))
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Sent != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(fake.received) != 1 {
		t.Fatalf("received %d", len(fake.received))
	}
	got := fake.received[0]
	if got.compartment != "ocid1.compartment.oc1..shop" || got.sender != "no-reply@octo.test" || got.recipients != "pat@example.com" ||
		got.contentType != "message/rfc822" || !strings.Contains(got.body, "Message-Id: <") || !strings.Contains(got.body, "Subject: Confirm your email") {
		t.Fatalf("submitted %+v", got)
	}
}
