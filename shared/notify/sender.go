package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sender delivers one message. An error means it was not (known to be) accepted: the drain retries
// it later with the same Message-ID.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// FileSender is the local sender: each message becomes one RFC 5322 file, <Dir>/<Message-ID>.eml,
// written to a temporary name and renamed, so a reader never sees half a message and a retry of the
// same message replaces its file instead of adding a second one.
type FileSender struct {
	Dir string
}

// Send writes m under Dir.
func (f FileSender) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return fmt.Errorf("notify: mail dir: %w", err)
	}
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, m.ID) + ".eml"
	tmp, err := os.CreateTemp(f.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(m.Raw); err != nil {
		tmp.Close()
		return fmt.Errorf("notify: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(f.Dir, name)); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}
