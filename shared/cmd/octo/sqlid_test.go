package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSQLIDCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"argument", []string{"select * from dual"}, "", "a5ks9fhw2v9s1\n"},
		{"argument is case sensitive", []string{"SELECT * FROM DUAL"}, "", "9g6pyx7qz035v\n"},
		{"file with one trailing newline", []string{"-f", write("a.sql", "select * from dual\n")}, "", "a5ks9fhw2v9s1\n"},
		{"file with crlf", []string{"-f", write("b.sql", "select * from dual\r\n")}, "", "a5ks9fhw2v9s1\n"},
		{"file without newline", []string{"-f", write("c.sql", "SELECT * FROM DUAL")}, "", "9g6pyx7qz035v\n"},
		{"only one newline is removed", []string{"-f", write("d.sql", "select * from dual\n\n")}, "", "not a5ks9fhw2v9s1"},
		{"keep newline hashes the bytes", []string{"-keep-newline", "-f", write("e.sql", "select * from dual\n")}, "", "not a5ks9fhw2v9s1"},
		{"stdin dash", []string{"-"}, "select 'Slavik' from dual\n", "29schpgjyfxux\n"},
		{"stdin via -f", []string{"-f", "-"}, "select 'Slavik' from dual", "29schpgjyfxux\n"},
		{"hash value", []string{"-hash", "select * from dual"}, "", "a5ks9fhw2v9s1 942515969\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := commandEnv{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(tc.stdin), Stdout: &out, Stderr: &errOut}
			if err := run(context.Background(), env, append([]string{"sqlid"}, tc.args...)); err != nil {
				t.Fatalf("run: %v (stderr %q)", err, errOut.String())
			}
			if not, ok := strings.CutPrefix(tc.want, "not "); ok {
				if got := strings.TrimSpace(out.String()); got == not || len(got) != 13 {
					t.Errorf("output %q, want a 13-character SQL_ID other than %q", got, not)
				}
				return
			}
			if out.String() != tc.want {
				t.Errorf("output %q, want %q", out.String(), tc.want)
			}
		})
	}
}

func TestSQLIDCommandRejectsBadUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"no statement":       {},
		"unquoted statement": {"select", "*", "from", "dual"},
		"file and argument":  {"-f", "x.sql", "select 1 from dual"},
		"empty statement":    {""},
		"unknown flag":       {"-x"},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			env := commandEnv{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
			if err := run(context.Background(), env, append([]string{"sqlid"}, args...)); !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want a usage error", err)
			}
		})
	}
	var out bytes.Buffer
	env := commandEnv{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
	if err := run(context.Background(), env, []string{"sqlid", "-f", filepath.Join(t.TempDir(), "missing.sql")}); err == nil || errors.Is(err, errUsage) {
		t.Errorf("missing file: err = %v, want a read error", err)
	}
}
