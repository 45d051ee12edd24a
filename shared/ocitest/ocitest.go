// Package ocitest is what tests of OCI SDK calls share: a fake resource principal the real SDK signs
// requests with, and the check an httptest server makes of those signatures. Point an SDK client's
// Host at the server (platform reference: "talking to OCI from tests").
package ocitest

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
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Principal is a resource principal as OCI Functions provides one: a fresh RSA key and an RPST (an
// unsigned JWT with the claims the SDK reads: exp, res_tenant, sub, and any extra), both written to
// files, as the OCI_RESOURCE_PRINCIPAL_* variables name them.
type Principal struct {
	RPST     string
	Key      *rsa.PrivateKey
	RPSTPath string
	KeyPath  string
	Region   string
}

// NewPrincipal makes a principal in region with the extra claims (e.g. res_compartment) and sets the
// resource principal variables for the test (and turns the SDK's circuit breaker off).
func NewPrincipal(t testing.TB, region string, extra map[string]any) Principal {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	c := map[string]any{"exp": time.Now().Add(time.Hour).Unix(), "res_tenant": "ocid1.tenancy.oc1..test",
		"sub": "ocid1.fnfunc.oc1.iad.test"}
	maps.Copy(c, extra)
	claims, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	p := Principal{Key: key, Region: region,
		RPST: enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("unsigned"))}
	dir := t.TempDir()
	p.KeyPath, p.RPSTPath = filepath.Join(dir, "private.pem"), filepath.Join(dir, "rpst")
	if err := os.WriteFile(p.KeyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.RPSTPath, []byte(p.RPST), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kv := range p.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return p
}

// Env returns the variables that make the SDK use the principal, for a process the test starts.
func (p Principal) Env() []string {
	return []string{"OCI_RESOURCE_PRINCIPAL_VERSION=2.2", "OCI_RESOURCE_PRINCIPAL_RPST=" + p.RPSTPath,
		"OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM=" + p.KeyPath, "OCI_RESOURCE_PRINCIPAL_REGION=" + p.Region,
		"OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED=false"}
}

// Verify checks r's OCI HTTP signature (draft-cavage, as the SDK signs): keyId "ST$<rpst>" and
// RSA-SHA256 over the signed headers with the principal's key.
func (p Principal) Verify(r *http.Request) error {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Signature ")
	if !ok {
		return fmt.Errorf("not an HTTP signature")
	}
	fields := map[string]string{}
	for _, kv := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(kv, "=")
		fields[k] = strings.Trim(v, `"`)
	}
	if fields["keyId"] != "ST$"+p.RPST {
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
	return rsa.VerifyPKCS1v15(&p.Key.PublicKey, crypto.SHA256, digest[:], sig)
}
