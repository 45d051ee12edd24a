package pins

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
)

// pinned are the versions the platform reference was checked against (../shared/reference/platform.md).
var pinned = map[string]string{
	"github.com/fnproject/fdk-go":                                     "v0.0.63",
	"github.com/godror/godror":                                        "v0.51.0",
	"github.com/oracle/oci-go-sdk/v65":                                "v65.130.0",
	"go.opentelemetry.io/otel":                                        "v1.47.0",
	"go.opentelemetry.io/otel/sdk":                                    "v1.47.0",
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp": "v1.47.0",
	"github.com/aws/aws-lambda-go":                                    "v1.55.1",
	"modernc.org/sqlite":                                              "v1.62.0",
}

func TestRequiredVersionsArePinned(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, r := range f.Require {
		have[r.Mod.Path] = r.Mod.Version
	}
	for path, want := range pinned {
		if got := have[path]; got != want {
			t.Errorf("%s is %q in shared/go.mod, want %s", path, got, want)
		}
	}
	if f.Go == nil || f.Go.Version < "1.26" {
		t.Errorf("go directive %v, want 1.26 or later", f.Go)
	}
}
