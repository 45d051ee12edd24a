package oracle

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/oracle/ocivault"
	"github.com/octo-drone-shop/serverless/shared/vault"
)

// fakePrincipal is a resource principal as OCI Functions provides it: a fresh RSA key as PEM and an
// unsigned RPST JWT, both as files, announced through the OCI_RESOURCE_PRINCIPAL_* variables.
type fakePrincipal struct {
	rpst string
	key  *rsa.PrivateKey
}

func newFakePrincipal(t *testing.T) fakePrincipal {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	claims, err := json.Marshal(map[string]any{
		"exp":        time.Now().Add(time.Hour).Unix(),
		"res_tenant": "ocid1.tenancy.oc1..test",
		"sub":        "ocid1.fnfunc.oc1.iad.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	rpst := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("unsigned"))

	dir := t.TempDir()
	pemPath, rpstPath := filepath.Join(dir, "private.pem"), filepath.Join(dir, "rpst")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(pemPath, pemData, 0o600); err != nil {
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
	return fakePrincipal{rpst: rpst, key: key}
}

// fakeVault serves GetSecretBundle for its secrets and answers 404 for any other OCID, like Vault. It
// accepts only requests signed by the principal's key with the RPST as key ID.
type fakeVault struct {
	principal fakePrincipal
	secrets   map[string][]byte

	mu       sync.Mutex
	requests []string
	failures []string
}

var signatureField = regexp.MustCompile(`(\w+)="([^"]*)"`)

func (v *fakeVault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	v.requests = append(v.requests, r.Method+" "+r.URL.Path)
	v.mu.Unlock()
	if err := v.verify(r); err != nil {
		v.mu.Lock()
		v.failures = append(v.failures, err.Error())
		v.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"code":"NotAuthenticated","message":"bad signature"}`)
		return
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/20190301/secretbundles/")
	content, found := v.secrets[id]
	if r.Method != http.MethodGet || !ok || !found {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"NotAuthorizedOrNotFound","message":"Authorization failed or requested resource not found."}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"secretId":      id,
		"versionNumber": 1,
		"stages":        []string{"CURRENT", "LATEST"},
		"secretBundleContent": map[string]any{
			"contentType": "BASE64",
			"content":     base64.StdEncoding.EncodeToString(content),
		},
	})
}

// verify checks the request's HTTP signature: keyId "ST$<rpst>" and an RSA-SHA256 signature over the
// signed headers that the principal's public key verifies.
func (v *fakeVault) verify(r *http.Request) error {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Signature ") {
		return fmt.Errorf("authorization %q is not an HTTP signature", auth)
	}
	fields := map[string]string{}
	for _, m := range signatureField.FindAllStringSubmatch(auth, -1) {
		fields[m[1]] = m[2]
	}
	if want := "ST$" + v.principal.rpst; fields["keyId"] != want {
		return fmt.Errorf("keyId %q, want %q", fields["keyId"], want)
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
		return fmt.Errorf("signature: %w", err)
	}
	digest := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	if err := rsa.VerifyPKCS1v15(&v.principal.key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("signature over %q: %w", fields["headers"], err)
	}
	return nil
}

// startVault starts a fake Vault and returns a VaultSecrets client built the production way and then
// pointed at it.
func startVault(t *testing.T, secrets map[string][]byte) (*fakeVault, *ocivault.Secrets) {
	t.Helper()
	v := &fakeVault{principal: newFakePrincipal(t), secrets: secrets}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	client, err := ocivault.New(vault.Config{Endpoint: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if len(v.failures) > 0 {
			t.Errorf("vault refused requests: %v", v.failures)
		}
	})
	return v, client
}

// walletZip builds a wallet archive like ADB's, with extra (or replaced) entries.
func walletZip(t *testing.T, alias string, extra map[string]string) []byte {
	t.Helper()
	files := map[string]string{
		"tnsnames.ora": alias + " = (description= (retry_count=20)(retry_delay=3)(address=(protocol=tcps)(port=1522)(host=adb.us-ashburn-1.oraclecloud.com))(connect_data=(service_name=x_" + alias + ".adb.oraclecloud.com))(security=(ssl_server_dn_match=yes)))\n" +
			"octodb_low = (description= (address=(protocol=tcps)(port=1522)(host=adb.us-ashburn-1.oraclecloud.com))(connect_data=(service_name=x_low.adb.oraclecloud.com)))\n",
		"sqlnet.ora":       "WALLET_LOCATION = (SOURCE = (METHOD = file) (METHOD_DATA = (DIRECTORY=\"?/network/admin\")))\nSSL_SERVER_DN_MATCH=yes\n",
		"cwallet.sso":      "\xa1\xf8\x4e\x36dummy-sso",
		"ewallet.p12":      "dummy-p12",
		"ojdbc.properties": "oracle.net.wallet_location=(source=(method=file)(method_data=(directory=${TNS_ADMIN})))\n",
	}
	for name, content := range extra {
		files[name] = content
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVaultSecretsSecretContent(t *testing.T) {
	const known, unknown = "ocid1.vaultsecret.oc1.iad.known", "ocid1.vaultsecret.oc1.iad.unknown"
	vault, client := startVault(t, map[string][]byte{known: []byte("s3cr3t-Passw0rd\n")})

	t.Run("known secret returns its decoded content", func(t *testing.T) {
		got, err := client.SecretContent(context.Background(), known)
		if err != nil {
			t.Fatalf("SecretContent: %v", err)
		}
		if string(got) != "s3cr3t-Passw0rd\n" {
			t.Errorf("content = %q", got)
		}
	})
	t.Run("unknown secret is unreadable with OCID and status", func(t *testing.T) {
		_, err := client.SecretContent(context.Background(), unknown)
		if !errors.Is(err, ErrSecretUnreadable) {
			t.Fatalf("err = %v, want ErrSecretUnreadable", err)
		}
		for _, want := range []string{unknown, "HTTP 404", "read secret-bundles"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	})
	vault.mu.Lock()
	defer vault.mu.Unlock()
	want := []string{"GET /20190301/secretbundles/" + known, "GET /20190301/secretbundles/" + unknown}
	if strings.Join(vault.requests, "|") != strings.Join(want, "|") {
		t.Errorf("vault requests = %q, want %q (one per call, no retries)", vault.requests, want)
	}
}
