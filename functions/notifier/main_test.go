package notifier_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// notifierBin is the notifier's binary, built once by TestMain for the tests that run it as a
// process.
var notifierBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "octo-notifier-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	notifierBin = filepath.Join(dir, "notifier")
	out, err := exec.Command("go", "build", "-o", notifierBin, "./cmd/notifier").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build notifier: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
