package oracle

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"sort"
	"testing"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTrimWalletKeepsWhatGodrorReads(t *testing.T) {
	full := zipOf(t, map[string]string{
		"cwallet.sso": "sso", "tnsnames.ora": "octo_tp = (description=(x=y))", "sqlnet.ora": `WALLET_LOCATION = (SOURCE = (METHOD = file) (METHOD_DATA = (DIRECTORY="?/network/admin")))`,
		"ewallet.p12": "p12", "ewallet.pem": "pem", "keystore.jks": "jks", "truststore.jks": "jks", "ojdbc.properties": "x", "README": "r",
	})
	trimmed, err := TrimWallet(full)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(trimmed), int64(len(trimmed)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if want := []string{"cwallet.sso", "sqlnet.ora", "tnsnames.ora"}; !slices.Equal(names, want) {
		t.Fatalf("trimmed wallet holds %v, want %v", names, want)
	}
	files, err := readWalletZip(trimmed)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.name == "tnsnames.ora" && string(f.data) != "octo_tp = (description=(x=y))" {
			t.Errorf("tnsnames.ora changed: %q", f.data)
		}
	}
}

func TestTrimWalletRefusesIncompleteOrHostileWallets(t *testing.T) {
	tests := map[string][]byte{
		"missing cwallet.sso": zipOf(t, map[string]string{"tnsnames.ora": "a=(x=y)", "sqlnet.ora": "x"}),
		"entry outside":       zipOf(t, map[string]string{"../cwallet.sso": "x", "tnsnames.ora": "a=(x=y)", "sqlnet.ora": "x"}),
		"not a zip":           []byte("wallet not generated yet"),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := TrimWallet(data)
			if err == nil {
				t.Fatal("TrimWallet accepted it")
			}
			if name != "not a zip" && !errors.Is(err, ErrUnsafeWallet) {
				t.Errorf("error %v, want ErrUnsafeWallet", err)
			}
		})
	}
}
