package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// stageBinaries copies every subject's binary into a new temporary directory, syncs each copy, and
// points the subject at it; it returns the directory for the caller to remove. The copy is io.Copy's,
// copy_file_range as cp does it: the kernel writes it through the page cache, as it writes a file
// extracted with write(2), not through a memory mapping.
//
// A function reaches OCI Functions (and Lambda) inside an image whose layers are extracted file by
// file with write(2), never as the Go linker leaves it: the linker writes its output through a
// shared memory mapping. The same bytes start measurably slower here when written the linker's way:
// interleaved, 41 rounds, the authorizer 4.01 ms from make build's output against 3.15 ms from a
// copy, catalog 6.63 against 5.71, orders 6.12 against 5.05, with the same number of page faults
// (plausibly the page cache holding the linker's pages as small folios, a copy's as large ones).
// Timing copies measures what the runtime starts, and every subject the same way: the hello-world,
// built just before the functions, used to be timed from the linker's output as well.
func stageBinaries(subjects []subject) (string, error) {
	dir, err := os.MkdirTemp("", "octo-bench-bin-")
	if err != nil {
		return "", err
	}
	for i := range subjects {
		s := &subjects[i]
		dst := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(s.spec.Binary)))
		if err := copyExecutable(s.spec.Binary, dst); err != nil {
			_ = os.RemoveAll(dir)
			return "", fmt.Errorf("stage %s: %w", s.name, err)
		}
		s.spec.Binary = dst
	}
	return dir, nil
}

// copyExecutable writes src's bytes to a new executable file dst and syncs it.
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
