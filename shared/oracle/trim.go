package oracle

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// WalletFiles are the files of an Autonomous Database wallet that godror (Instant Client with an
// auto-login wallet) reads: the auto-login wallet with the client certificate and the trusted CAs,
// the connect aliases, and the network settings that point at the wallet. The rest of the zip
// (ewallet.p12 and ewallet.pem, the password-protected copies; the Java keystores and
// ojdbc.properties; the README) is for other clients.
var WalletFiles = []string{"cwallet.sso", "tnsnames.ora", "sqlnet.ora"}

// TrimWallet returns a zip of only the WalletFiles of the wallet zip data, after the same checks
// Open applies to a wallet (no entry outside the wallet, no links, bounded sizes). A full wallet
// base64-encoded can exceed a Vault secret's 25 KB limit; the trimmed one is about a third of it.
// A wallet missing one of WalletFiles is refused.
func TrimWallet(data []byte) ([]byte, error) {
	files, err := readWalletZip(data)
	if err != nil {
		return nil, fmt.Errorf("trim wallet: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := map[string]bool{}
	for _, f := range files {
		name := strings.ToLower(f.name)
		if !slices.Contains(WalletFiles, name) || found[name] {
			continue
		}
		found[name] = true
		w, err := zw.Create(name)
		if err != nil {
			return nil, fmt.Errorf("trim wallet: %w", err)
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, fmt.Errorf("trim wallet: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("trim wallet: %w", err)
	}
	for _, name := range WalletFiles {
		if !found[name] {
			return nil, fmt.Errorf("trim wallet: %w: no %s at the top of the archive", ErrUnsafeWallet, name)
		}
	}
	return buf.Bytes(), nil
}
