package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/cgorule"
)

// binaryRow is one function binary of one build: its size and the package inits its start runs.
type binaryRow struct {
	Function string `json:"function"`
	Build    string `json:"build"` // "local" (SQLite) or "oracle" (godror, the image's)
	Bytes    int64  `json:"bytes"`
	Inits    int    `json:"package_inits"` // GODEBUG=inittrace=1 lines: packages whose init ran
	Linking  string `json:"linking"`       // "static" or "dynamic" (an ELF interpreter: the dynamic loader)
}

// measureBinaries reports every function's binary in both builds: the local one already built in
// o.binDir (make build), and the Oracle one (-tags o.oracleTags, with cgo only when a package it
// links needs it, as the Dockerfile decides: package cgorule) built here into a temporary directory. Each binary is started once with GODEBUG=inittrace=1 and no configuration: the runtime
// prints one line per package init before main, and main then stops on the missing configuration.
func measureBinaries(ctx context.Context, o options, names []string, stderr io.Writer) ([]binaryRow, error) {
	tmp, err := os.MkdirTemp("", "octo-bench-oracle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var rows []binaryRow
	for _, name := range names {
		local := filepath.Join(o.binDir, name)
		fmt.Fprintf(stderr, "binaries: %s (local, oracle)\n", name)
		oracle := filepath.Join(tmp, name)
		pkg := "./functions/" + name + "/cmd/" + name
		cgo, err := cgorule.Packages(ctx, o.root, o.oracleTags, pkg)
		if err != nil {
			return nil, err
		}
		build := exec.CommandContext(ctx, "go", "build", "-tags="+o.oracleTags, "-o", oracle, pkg)
		build.Dir = o.root
		build.Env = append(os.Environ(), cgorule.Env(cgo), "GOFLAGS=")
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("oracle build of %s: %w\n%s", name, err, out)
		}
		for _, b := range []struct{ build, path string }{{"local", local}, {"oracle", oracle}} {
			r, err := measureBinary(ctx, name, b.build, b.path)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func measureBinary(ctx context.Context, name, build, path string) (binaryRow, error) {
	st, err := os.Stat(path)
	if err != nil {
		return binaryRow{}, fmt.Errorf("%s binary of %s (run make build): %w", build, name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = []string{"GODEBUG=inittrace=1"}
	var out bytes.Buffer
	cmd.Stderr = &out
	_ = cmd.Run() // it exits non-zero on the missing configuration, after the inits
	linking, err := linkingOf(path)
	if err != nil {
		return binaryRow{}, fmt.Errorf("%s binary of %s: %w", build, name, err)
	}
	return binaryRow{Function: name, Build: build, Bytes: st.Size(), Inits: countInits(&out), Linking: linking}, nil
}

// linkingOf reports whether the executable at path is "dynamic" (it names an interpreter, the
// dynamic loader the kernel runs first) or "static".
func linkingOf(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "dynamic", nil
		}
	}
	return "static", nil
}

// countInits counts the runtime's inittrace lines ("init <package> @... ms, ...").
func countInits(r io.Reader) int {
	n := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "init ") {
			n++
		}
	}
	return n
}
