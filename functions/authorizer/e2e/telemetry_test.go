package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// apmKeySecret is the APM data key's secret OCID the functions are given; the fake Vault never
// answers it.
const apmKeySecret = "ocid1.vaultsecret.oc1.iad.apmdatakey"

// fakePrincipalEnv writes a resource principal as OCI Functions provides it (a fresh RSA key and an
// unsigned RPST carrying exp and res_tenant) and returns the OCI_RESOURCE_PRINCIPAL_* variables
// pointing at it, and the RPST.
func fakePrincipalEnv(t *testing.T) ([]string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	claims, err := json.Marshal(map[string]any{"exp": time.Now().Add(time.Hour).Unix(), "res_tenant": "ocid1.tenancy.oc1..test", "sub": "ocid1.fnfunc.oc1.iad.test"})
	if err != nil {
		t.Fatal(err)
	}
	rpst := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("unsigned"))
	dir := t.TempDir()
	pemPath, rpstPath := filepath.Join(dir, "private.pem"), filepath.Join(dir, "rpst")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rpstPath, []byte(rpst), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"OCI_RESOURCE_PRINCIPAL_VERSION=2.2",
		"OCI_RESOURCE_PRINCIPAL_RPST=" + rpstPath,
		"OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM=" + pemPath,
		"OCI_RESOURCE_PRINCIPAL_REGION=us-ashburn-1",
		"OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED=false",
	}, rpst
}

// brokenVault answers every GetSecretBundle with status, as Vault does for a missing secret or a
// policy that does not allow the read (404) or a fault (500), and counts the signed reads of each
// secret.
type brokenVault struct {
	status int
	rpst   string

	mu       sync.Mutex
	reads    map[string]int
	unsigned int
}

func (v *brokenVault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	if strings.Contains(r.Header.Get("Authorization"), `keyId="ST$`+v.rpst+`"`) {
		v.reads[strings.TrimPrefix(r.URL.Path, "/20190301/secretbundles/")]++
	} else {
		v.unsigned++
	}
	v.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(v.status)
	fmt.Fprintf(w, `{"code":"%s","message":"no"}`, map[int]string{404: "NotAuthorizedOrNotFound", 500: "InternalServerError"}[v.status])
}

// Telemetry is optional: with the APM data key's secret unreadable (Vault answering 404 or 500 to
// the real OCI SDK, signed with a resource principal, for the functions that link the Vault client;
// no client at all for the others), every function still starts and answers its smoke request
// (protected ones through the authorizer), and nothing is exported to the APM endpoint, which has no
// key.
func TestFunctionsServeWithTheTelemetrySecretUnreadable(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusInternalServerError} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			principal, rpst := fakePrincipalEnv(t)
			vault := &brokenVault{status: status, rpst: rpst, reads: map[string]int{}}
			vsrv := httptest.NewServer(vault)
			t.Cleanup(vsrv.Close)
			var exports sync.Map
			apm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				exports.Store(r.URL.Path, true)
			}))
			t.Cleanup(apm.Close)

			env := append(principal,
				"OCTO_VAULT_ENDPOINT="+vsrv.URL,
				"OCTO_APM_ENDPOINT="+apm.URL,
				"OCTO_APM_DATA_KEY_SECRET_OCID="+apmKeySecret,
			)
			st := stacktest.Start(t, stacktest.Options{Env: env})
			sendSmokeRequests(t, st)

			vault.mu.Lock()
			reads, unsigned := vault.reads[apmKeySecret], vault.unsigned
			vault.mu.Unlock()
			// Every function process that links the Vault client tried to read the key once, signed
			// by its resource principal: in this build only schema-migrate (it writes the wallet
			// secret). The others link none (the local build's dbdriver does not, and the authorizer
			// in no build), so the key is unreadable without a call, and they start without export
			// all the same.
			readers := vaultLinkers(t, st.Bundle.Names())
			if len(readers) == 0 || reads < len(readers) || unsigned != 0 {
				t.Errorf("signed reads of the APM key: %d (unsigned requests: %d), want one per function that links the Vault client %v",
					reads, unsigned, readers)
			}
			exports.Range(func(k, _ any) bool {
				t.Errorf("exported to APM without a key: %v", k)
				return true
			})
		})
	}
}

// vaultLinkers names the functions whose binary (as stacktest built it) links the Vault client, package
// oracle/ocivault, by its symbols.
func vaultLinkers(t *testing.T, names []string) []string {
	t.Helper()
	var out []string
	for _, name := range names {
		syms, err := exec.Command("go", "tool", "nm", filepath.Join(stacktest.BinDir(), name)).Output()
		if err != nil {
			t.Fatalf("go tool nm %s: %v", name, err)
		}
		if strings.Contains(string(syms), "/shared/oracle/ocivault.") {
			out = append(out, name)
		}
	}
	return out
}
