package oracle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Wallet limits. An ATP wallet is about ten files and 60 KB; /tmp on a 128 MB function is 32 MB, shared
// with everything else the function writes.
const (
	maxWalletFiles    = 32
	maxWalletFileSize = 1 << 20 // per file, decompressed
	maxWalletSize     = 4 << 20 // all files, decompressed
)

var (
	// ErrUnsafeWallet reports a wallet archive refused before anything escaped its directory: an
	// entry outside it (zip slip), a link or device, or more files or bytes than a wallet holds.
	ErrUnsafeWallet = errors.New("unsafe wallet")
	// ErrAliasNotFound reports a connect alias the wallet's tnsnames.ora does not define.
	ErrAliasNotFound = errors.New("connect alias not found in tnsnames.ora")
)

// sqlnetDirectory matches the wallet location ADB ships in sqlnet.ora, which only works when the wallet
// is in Instant Client's own network/admin directory.
var sqlnetDirectory = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)DIRECTORY\s*=\s*"\?/network/admin"`) })

// walletFile is one file of a wallet, read into memory and checked against the limits.
type walletFile struct {
	name string // slash-separated, local to the wallet directory
	data []byte
}

// readWalletZip reads and checks every entry of a wallet zip.
func readWalletZip(data []byte) ([]walletFile, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read wallet zip: %w", err)
	}
	if len(zr.File) > maxWalletFiles {
		return nil, fmt.Errorf("read wallet zip: %w: %d entries, at most %d", ErrUnsafeWallet, len(zr.File), maxWalletFiles)
	}
	var files []walletFile
	total := 0
	for _, f := range zr.File {
		if !filepath.IsLocal(f.Name) || strings.Contains(f.Name, `\`) {
			return nil, fmt.Errorf("read wallet zip: %w: entry %q leaves the wallet directory", ErrUnsafeWallet, f.Name)
		}
		mode := f.Mode()
		if mode.IsDir() {
			continue
		}
		if !mode.IsRegular() {
			return nil, fmt.Errorf("read wallet zip: %w: entry %q is not a regular file (%s)", ErrUnsafeWallet, f.Name, mode.Type())
		}
		content, err := readLimited(f.Open, maxWalletFileSize)
		if err != nil {
			return nil, fmt.Errorf("read wallet zip entry %q: %w", f.Name, err)
		}
		total += len(content)
		if total > maxWalletSize {
			return nil, fmt.Errorf("read wallet zip: %w: more than %d bytes decompressed", ErrUnsafeWallet, maxWalletSize)
		}
		files = append(files, walletFile{name: f.Name, data: content})
	}
	return files, nil
}

// readWalletDir reads the regular files at the top of an unpacked wallet directory.
func readWalletDir(dir string) ([]walletFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read wallet directory: %w", err)
	}
	var files []walletFile
	total := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if len(files) == maxWalletFiles {
			return nil, fmt.Errorf("read wallet directory %s: %w: more than %d files", dir, ErrUnsafeWallet, maxWalletFiles)
		}
		content, err := readLimited(func() (io.ReadCloser, error) { return os.Open(filepath.Join(dir, e.Name())) }, maxWalletFileSize)
		if err != nil {
			return nil, fmt.Errorf("read wallet file %s: %w", e.Name(), err)
		}
		total += len(content)
		if total > maxWalletSize {
			return nil, fmt.Errorf("read wallet directory %s: %w: more than %d bytes", dir, ErrUnsafeWallet, maxWalletSize)
		}
		files = append(files, walletFile{name: e.Name(), data: content})
	}
	return files, nil
}

// readLimited reads what open returns, refusing more than limit bytes whatever a header claims.
func readLimited(open func() (io.ReadCloser, error), limit int64) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	content, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) > limit {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrUnsafeWallet, limit)
	}
	return content, nil
}

// installWallet writes files into the directory "wallet-<key>" under parent, replacing any previous
// content, rewrites sqlnet.ora's wallet location to that directory, and returns it. The name depends
// only on key (where the wallet came from), so a retried cold start in the same process reuses the
// directory godror's client context may already point at. Files are written through an os.Root: even
// a name that slipped past the checks above cannot escape the directory.
func installWallet(parent, key string, files []walletFile) (dir string, err error) {
	if parent == "" {
		parent = os.TempDir()
	}
	sum := sha256.Sum256([]byte(key))
	dir = filepath.Join(parent, "wallet-"+hex.EncodeToString(sum[:6]))
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("install wallet: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("install wallet: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, os.RemoveAll(dir))
			dir = ""
		}
	}()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("install wallet: %w", err)
	}
	defer root.Close()
	for _, f := range files {
		data := f.data
		if strings.EqualFold(f.name, "sqlnet.ora") {
			data = sqlnetDirectory().ReplaceAllLiteral(data, []byte(`DIRECTORY="`+dir+`"`))
		}
		if d := filepath.Dir(filepath.FromSlash(f.name)); d != "." {
			if err := root.MkdirAll(d, 0o700); err != nil {
				return "", fmt.Errorf("install wallet: %w", err)
			}
		}
		if err := root.WriteFile(filepath.FromSlash(f.name), data, 0o600); err != nil {
			return "", fmt.Errorf("install wallet: %w", err)
		}
	}
	return dir, nil
}

// needsRewrite reports whether the wallet in dir still points sqlnet.ora at Instant Client's directory.
func needsRewrite(dir string) (bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, "sqlnet.ora"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read sqlnet.ora: %w", err)
	}
	return sqlnetDirectory().Match(data), nil
}

// checkAlias returns ErrAliasNotFound, listing the aliases found, unless tnsnames.ora in dir defines
// alias (case-insensitively, as Oracle Net does).
func checkAlias(dir, alias string) error {
	data, err := os.ReadFile(filepath.Join(dir, "tnsnames.ora"))
	if err != nil {
		return fmt.Errorf("check connect alias: wallet has no readable tnsnames.ora: %w", err)
	}
	aliases := tnsAliases(string(data))
	if slices.ContainsFunc(aliases, func(a string) bool { return strings.EqualFold(a, alias) }) {
		return nil
	}
	found := "none"
	if len(aliases) > 0 {
		found = strings.Join(aliases, ", ")
	}
	return fmt.Errorf("check connect alias: %w: %q is not in %s (aliases found: %s)",
		ErrAliasNotFound, alias, filepath.Join(dir, "tnsnames.ora"), found)
}

// tnsAliases lists the net service names defined in a tnsnames.ora: the names before "=" at
// parenthesis depth zero, comma-separated lists included, comments skipped.
func tnsAliases(text string) []string {
	var aliases []string
	depth := 0
	var name strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, r := range line {
			switch {
			case r == '(':
				depth++
			case r == ')':
				depth = max(depth-1, 0)
			case depth > 0:
			case r == '=':
				for n := range strings.SplitSeq(name.String(), ",") {
					if n = strings.TrimSpace(n); n != "" {
						aliases = append(aliases, n)
					}
				}
				name.Reset()
			default:
				name.WriteRune(r)
			}
		}
		if depth == 0 {
			name.WriteByte(' ')
		}
	}
	return aliases
}
