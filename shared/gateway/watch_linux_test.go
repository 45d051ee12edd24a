package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// On Linux the socket directory is watched, not polled: a symlink created in it (as the FDK creates
// lsnr.sock) is reported as an event, so awaitSocket never waits for a poll's tick.
func TestSocketDirectoryIsWatched(t *testing.T) {
	dir := t.TempDir()
	created, unwatch, err := watchDir(dir)
	if err != nil {
		t.Fatalf("watchDir: %v", err)
	}
	defer unwatch()
	select {
	case <-created:
		t.Fatal("an event before anything was created")
	default:
	}
	if err := os.Symlink("phony"+ListenerName, filepath.Join(dir, ListenerName)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-created:
	case <-time.After(10 * time.Second):
		t.Fatal("no event for the symlink's creation")
	}
}
