package readme

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// codePatterns find the client-visible error codes written in the code: apperr's WithCode, the
// Code* constants that feed it, ErrorBody literals, the local gateway's writeError calls and its
// table of server-level answers.
var codePatterns = []*regexp.Regexp{
	regexp.MustCompile(`WithCode\("([a-z_]+)"\)`),
	regexp.MustCompile(`(?i)\bcode\w*\s*=\s*"([a-z_]+)"`),
	regexp.MustCompile(`\bCode:\s*"([a-z_]+)"`),
	regexp.MustCompile(`writeError\([^,]+,[^,]+,[^,]+,\s*"([a-z_]+)"`),
	regexp.MustCompile(`http\.Status\w+:\s*"([a-z_]+)"`),
}

// TestErrorCodesAreDocumented: every error code the bundle can answer is in the README's Errors
// table, and the table lists no code nothing answers.
func TestErrorCodesAreDocumented(t *testing.T) {
	used := map[string]string{} // code -> where
	for k := range apperr.Kind(64) {
		used[k.String()] = "apperr kind " + k.String()
	}
	for _, dir := range []string{"functions", "shared"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || path == filepath.Join(root, "shared", "stacktest", "readme")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.Contains(path, string(filepath.Separator)+"internal"+string(filepath.Separator)+"testfn") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, re := range codePatterns {
				for _, m := range re.FindAllStringSubmatch(string(src), -1) {
					used[m[1]] = path
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := errorTable(t, string(readme))
	for code, where := range used {
		if !slices.Contains(documented, code) {
			t.Errorf("error code %q (%s) is not in the README's Errors table", code, where)
		}
	}
	for _, code := range documented {
		if _, ok := used[code]; !ok {
			t.Errorf("the README's Errors table lists %q, which no code answers", code)
		}
	}
	if len(documented) < 30 {
		t.Fatalf("only %d codes found in the table: is it still under ### Errors?", len(documented))
	}
}

// errorTable returns the codes in the first column of the table under "### Errors".
func errorTable(t *testing.T, readme string) []string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n### Errors\n")
	if !ok {
		t.Fatal("README has no ### Errors section")
	}
	var codes []string
	row := regexp.MustCompile("^\\| `([a-z_]+)` \\|")
	for line := range strings.SplitSeq(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if m := row.FindStringSubmatch(line); m != nil {
			codes = append(codes, m[1])
		}
	}
	return codes
}
