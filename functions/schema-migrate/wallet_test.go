package schemamigrate

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/ocitest"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
)

// fakePrincipal sets up a resource principal as OCI Functions provides it (a fresh RSA key and an
// unsigned RPST with exp and res_tenant) and returns the RPST, the requests' key id.
func fakePrincipal(t *testing.T) string {
	t.Helper()
	return ocitest.NewPrincipal(t, "us-ashburn-1", nil).RPST
}

func walletZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"README", "cwallet.sso", "ewallet.p12", "ewallet.pem", "keystore.jks", "ojdbc.properties", "sqlnet.ora", "tnsnames.ora", "truststore.jks"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "content of "+name)
	}
	zw.Close()
	return buf.Bytes()
}

// The wallet goes from the database API to the wallet secret through the real OCI SDK, signed with
// the resource principal: the secret's new version holds only the three files godror reads.
func TestWalletStoreWritesTheTrimmedWallet(t *testing.T) {
	rpst := fakePrincipal(t)
	const dbID, secretID = "ocid1.autonomousdatabase.oc1.iad.db", "ocid1.vaultsecret.oc1.iad.wallet"
	var mu sync.Mutex
	var calls []string
	var written []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(r.Header.Get("Authorization"), `keyId="ST$`+rpst+`"`) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		calls = append(calls, r.Method+" "+r.URL.Path)
		switch r.Method + " " + r.URL.Path {
		case "POST /20160918/autonomousDatabases/" + dbID + "/actions/generateWallet":
			var body struct{ Password, GenerateType string }
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Password) < 8 || body.GenerateType != "SINGLE" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(walletZip(t))
		case "PUT /20180608/secrets/" + secretID:
			var body struct {
				SecretContent struct{ ContentType, Content, Stage string } `json:"secretContent"`
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.SecretContent.ContentType != "BASE64" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			written, _ = base64.StdEncoding.DecodeString(body.SecretContent.Content)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"`+secretID+`"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()

	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := newWalletStore(provider, Config{DBHost: srv.URL, VaultHost: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir, err := ws.refresh(t.Context(), dbID, secretID, parent)
	if err != nil {
		t.Fatalf("refresh: %v (calls %v)", err, calls)
	}
	// godror keeps the first configuration directory of the process: a warm container's next run
	// must refresh the same one.
	again, err := ws.refresh(t.Context(), dbID, secretID, parent)
	if err != nil || again != dir {
		t.Fatalf("second refresh: %s (%v), want the same directory %s", again, err, dir)
	}
	calls = calls[:2]
	if len(calls) != 2 {
		t.Fatalf("calls %v, want generateWallet then the secret update", calls)
	}
	zr, err := zip.NewReader(bytes.NewReader(written), int64(len(written)))
	if err != nil {
		t.Fatalf("secret content is not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if want := []string{"cwallet.sso", "sqlnet.ora", "tnsnames.ora"}; !slices.Equal(names, want) {
		t.Errorf("secret holds %v, want %v", names, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 3 {
		t.Fatalf("unpacked wallet %v (%v), want the three files", entries, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "tnsnames.ora")); string(b) != "content of tnsnames.ora" {
		t.Errorf("tnsnames.ora = %q", b)
	}
}

// A refused wallet generation (a missing policy answers 404) stops before any secret is written.
func TestWalletStoreWritesNothingWhenGenerationFails(t *testing.T) {
	fakePrincipal(t)
	var puts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			puts++
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"code":"NotAuthorizedOrNotFound","message":"no"}`)
	}))
	defer srv.Close()
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := newWalletStore(provider, Config{DBHost: srv.URL, VaultHost: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.refresh(t.Context(), "ocid1.autonomousdatabase.oc1.iad.db", "ocid1.vaultsecret.oc1.iad.w", t.TempDir()); err == nil || !strings.Contains(err.Error(), "generate wallet") {
		t.Fatalf("refresh error %v, want the generation's", err)
	}
	if puts != 0 {
		t.Errorf("%d secret writes after a failed generation", puts)
	}
}
