package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/sqlid"
)

// runSQLID prints the SQL_ID Oracle will give a statement, so a DBA can find it in Performance Hub or
// V$SQL before it ever runs:
//
//	octo sqlid 'select * from dual'   the statement as one (quoted) argument
//	octo sqlid -f stmt.sql            the statement in a file
//	octo sqlid -                      the statement on stdin (also -f -)
//
// The text is hashed exactly as given: case, spacing and comments all change the SQL_ID. Read from a
// file or stdin, one trailing line break ("\n" or "\r\n") is removed, because editors and shells end
// a file with one while the statement an application sends does not; -keep-newline hashes the bytes
// untouched. A trailing ';' is kept: in SQL*Plus it is a terminator the server never sees, so leave
// it out of the file (in a PL/SQL block, "END;" is part of the text and must stay).
func runSQLID(_ context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("sqlid", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	file := fs.String("f", "", "read the statement from `file` (- for stdin)")
	keep := fs.Bool("keep-newline", false, "with -f or -, keep a trailing line break in the hashed text")
	hash := fs.Bool("hash", false, "also print V$SQL.HASH_VALUE")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var text string
	switch {
	case *file != "" && fs.NArg() == 0:
		b, err := readStatement(env.Stdin, *file)
		if err != nil {
			return err
		}
		text = trimLineBreak(b, *keep)
	case *file == "" && fs.NArg() == 1 && fs.Arg(0) == "-":
		b, err := readStatement(env.Stdin, "-")
		if err != nil {
			return err
		}
		text = trimLineBreak(b, *keep)
	case *file == "" && fs.NArg() == 1:
		text = fs.Arg(0)
	default:
		return fmt.Errorf("%w: octo sqlid 'SQL' | -f FILE | - (quote the statement as one argument)", errUsage)
	}
	if text == "" {
		return fmt.Errorf("%w: empty statement", errUsage)
	}
	if *hash {
		_, err := fmt.Fprintf(env.Stdout, "%s %d\n", sqlid.Of(text), sqlid.HashValue(text))
		return err
	}
	_, err := fmt.Fprintln(env.Stdout, sqlid.Of(text))
	return err
}

func readStatement(stdin io.Reader, name string) (string, error) {
	var (
		b   []byte
		err error
	)
	if name == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return "", fmt.Errorf("read statement: %w", err)
	}
	return string(b), nil
}

// trimLineBreak removes one trailing "\n" or "\r\n" unless keep is set.
func trimLineBreak(s string, keep bool) string {
	if keep {
		return s
	}
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		return strings.TrimSuffix(t, "\r")
	}
	return s
}
