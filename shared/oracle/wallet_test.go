package oracle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTNSAliases(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{name: "adb wallet entries", text: "octodb_high = (description= (retry_count=20)(address=(protocol=tcps)(port=1522)(host=h))(connect_data=(service_name=s)))\n\noctodb_tp = (description=(address=(host=h)))\n",
			want: []string{"octodb_high", "octodb_tp"}},
		{name: "multi-line descriptor with inner equals", text: "a_low =\n  (DESCRIPTION =\n    (ADDRESS = (PROTOCOL = TCPS)(HOST = h)(PORT = 1522))\n  )\nb_tp=(description=(x=y))",
			want: []string{"a_low", "b_tp"}},
		{name: "comma-separated names and comments", text: "# octo_commented = (x=y)\nalias1, alias2 = (description=(x=y)) # trailing\n",
			want: []string{"alias1", "alias2"}},
		{name: "empty file has no aliases", text: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tnsAliases(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("tnsAliases = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckAliasIsCaseInsensitive(t *testing.T) {
	dir := writeWalletDir(t, "octodb_tp")
	if err := checkAlias(dir, "OCTODB_TP"); err != nil {
		t.Errorf("checkAlias(OCTODB_TP) = %v", err)
	}
	if err := checkAlias(dir, "octodb_medium"); !errors.Is(err, ErrAliasNotFound) {
		t.Errorf("checkAlias(octodb_medium) = %v, want ErrAliasNotFound", err)
	}
}

// rawZip builds an archive entry by entry, so tests can write what a hostile archive holds.
func rawZip(t *testing.T, entries ...*zip.FileHeader) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, h := range entries {
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		body := h.Comment
		if body == "" {
			body = "x"
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadWalletZipRefusesHostileArchives(t *testing.T) {
	symlink := &zip.FileHeader{Name: "tnsnames.ora", Comment: "/etc/passwd"}
	symlink.SetMode(fs.ModeSymlink | 0o777)
	var many []*zip.FileHeader
	for i := range maxWalletFiles + 1 {
		many = append(many, &zip.FileHeader{Name: fmt.Sprintf("f%d", i)})
	}
	huge := &zip.FileHeader{Name: "cwallet.sso", Method: zip.Deflate, Comment: strings.Repeat("A", maxWalletFileSize+1)}

	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{name: "parent traversal refused", archive: rawZip(t, &zip.FileHeader{Name: "../tnsnames.ora"}), want: "leaves the wallet directory"},
		{name: "absolute path refused", archive: rawZip(t, &zip.FileHeader{Name: "/etc/tnsnames.ora"}), want: "leaves the wallet directory"},
		{name: "backslash traversal refused", archive: rawZip(t, &zip.FileHeader{Name: `..\tnsnames.ora`}), want: "leaves the wallet directory"},
		{name: "symlink refused", archive: rawZip(t, symlink), want: "not a regular file"},
		{name: "too many entries refused", archive: rawZip(t, many...), want: "entries, at most"},
		{name: "oversized entry refused", archive: rawZip(t, huge), want: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readWalletZip(tt.archive)
			if !errors.Is(err, ErrUnsafeWallet) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("readWalletZip = %v, want ErrUnsafeWallet mentioning %q", err, tt.want)
			}
		})
	}
}

func TestPrepareWalletUsesReadyDirectoryInPlace(t *testing.T) {
	dir := writeWalletDir(t, "octodb_tp")
	ready := []byte(`WALLET_LOCATION = (SOURCE = (METHOD = file) (METHOD_DATA = (DIRECTORY="` + dir + `")))`)
	if err := os.WriteFile(filepath.Join(dir, "sqlnet.ora"), ready, 0o600); err != nil {
		t.Fatal(err)
	}
	unpack := t.TempDir()
	got, err := prepareWallet(t.Context(), Config{Alias: "octodb_tp", WalletDir: dir, WalletUnpackDir: unpack}, nil)
	if err != nil {
		t.Fatalf("prepareWallet: %v", err)
	}
	if got != dir {
		t.Errorf("wallet dir = %s, want the ready directory %s", got, dir)
	}
	if copies, _ := filepath.Glob(filepath.Join(unpack, "*")); len(copies) != 0 {
		t.Errorf("a ready wallet was copied: %v", copies)
	}
}
