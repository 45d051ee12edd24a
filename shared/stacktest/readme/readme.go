// Package readme makes the README's API walk-through executable: it extracts the runnable examples
// (every fenced block whose info string is exactly "sh") in order and turns them into one bash
// program that checks the HTTP status each example states. The README test (walk_test.go) runs that
// program against a fresh stack, as `make run` sets it up.
//
// The convention, documented at the top of the README's "Calling the API" section:
//
//   - ```sh blocks are runnable, in the order they appear, as one shell session: a variable set in
//     one block (CART, TOKEN, ...) is there in the next. Commands meant for the reader's own machine
//     or a deployment (make, docker, tofu, exports of secrets) go in ```console blocks, which never run.
//   - A command that sends a request ends with the status it answers, as a comment: `# -> 201`,
//     optionally followed by anything ("# -> 404: not yours"). Each such command sends exactly one
//     request, and every request of a runnable block must state its status.
//   - Examples call localhost:8080 and use only bash, curl, sed, grep, cat, ls, head, tail, tr, cut
//     and `bin/octo json PATH` (which prints one value of a JSON answer) to take ids from earlier
//     answers. Files the stack writes (mail, keys) are under ${OCTO_DATA_DIR:-.octo}: the test sets
//     OCTO_DATA_DIR to its stack's directory.
package readme

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Block is one runnable example: its lines and the README line number of the first.
type Block struct {
	Line  int
	Lines []string
}

// Blocks returns the README's runnable blocks in order. An unterminated fence is an error.
func Blocks(readme string) ([]Block, error) {
	var (
		out    []Block
		cur    *Block
		fenced bool
	)
	for i, line := range strings.Split(readme, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		switch {
		case !fenced && strings.HasPrefix(trimmed, "```"):
			fenced = true
			if strings.TrimSpace(strings.TrimPrefix(trimmed, "```")) == "sh" {
				cur = &Block{Line: n + 1}
			}
		case fenced && trimmed == "```":
			fenced = false
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		case cur != nil:
			cur.Lines = append(cur.Lines, line)
		}
	}
	if fenced {
		return nil, fmt.Errorf("README: a fenced block is not closed")
	}
	return out, nil
}

// stated matches a status annotation at the end of a line: "# -> 201" and what follows.
var stated = regexp.MustCompile(`#\s*->\s*([1-5][0-9][0-9])\b`)

// Script returns the bash program that runs the blocks in order and checks every stated status.
func Script(blocks []Block) (string, error) {
	var b strings.Builder
	b.WriteString(prelude)
	statuses := 0
	for _, blk := range blocks {
		fmt.Fprintf(&b, "\n# README.md:%d\n", blk.Line)
		start := -1 // README line where the command being read began
		for i, line := range blk.Lines {
			n := blk.Line + i
			code := strings.TrimSpace(line)
			if start < 0 && code != "" && !strings.HasPrefix(code, "#") {
				start = n
				fmt.Fprintf(&b, "__octo_unstated %d\n", n)
			}
			b.WriteString(line + "\n")
			if m := stated.FindStringSubmatch(line); m != nil && !strings.HasPrefix(code, "#") {
				status, _ := strconv.Atoi(m[1])
				fmt.Fprintf(&b, "__octo_expect %d %d\n", status, n)
				statuses++
				start = -1
			} else if start >= 0 && !strings.HasSuffix(line, "\\") && !openQuote(blk.Lines[:i+1], start-blk.Line) {
				start = -1 // a complete command without a stated status: fine unless it sent a request
			}
		}
		fmt.Fprintf(&b, "__octo_unstated %d\n", blk.Line+len(blk.Lines))
	}
	if statuses == 0 {
		return "", fmt.Errorf("README: no runnable example states a status (# -> NNN)")
	}
	b.WriteString("echo \"README walk-through: every stated status matched\"\n")
	return b.String(), nil
}

// openQuote reports whether the command from lines[from] on leaves a single quote open (a JSON body
// spanning lines). A comment (an unquoted # after a space) ends its line.
func openQuote(lines []string, from int) bool {
	open := false
	for _, l := range lines[from:] {
		prev := ' '
		for _, r := range l {
			if !open && r == '#' && (prev == ' ' || prev == '\t') {
				break
			}
			if r == '\'' {
				open = !open
			}
			prev = r
		}
	}
	return open
}

// prelude wraps curl to record each answer's status and defines the checks. The wrapper rewrites
// localhost:8080 to the stack under test ($OCTO_README_HOST) and takes the status from the response
// headers it dumps to a file, so the example's own output options are left alone.
const prelude = `set -euo pipefail
__octo_statuses="$OCTO_README_STATE/statuses"
: > "$__octo_statuses"
curl() {
	local args=() a hdr rc=0 proto status rest code=000
	for a in "$@"; do args+=("${a//localhost:8080/$OCTO_README_HOST}"); done
	hdr="$OCTO_README_STATE/headers"
	command curl -D "$hdr" "${args[@]}" || rc=$?
	while IFS=' ' read -r proto status rest; do
		case $proto in HTTP/*) code=$status ;; esac
	done < "$hdr"
	echo "$code" >> "$__octo_statuses"
	return $rc
}
__octo_expect() {
	local want=$1 line=$2 got all=() 
	while read -r got; do all+=("$got"); done < "$__octo_statuses"
	: > "$__octo_statuses"
	if [ "${#all[@]}" -ne 1 ] || [ "${all[0]}" != "$want" ]; then
		echo "README.md:$line: states $want, the command answered: ${all[*]:-no request}" >&2
		exit 1
	fi
	echo "README.md:$line: $want as stated" >&2
}
__octo_unstated() {
	if [ -s "$__octo_statuses" ]; then
		echo "README.md:$1: a request before this line states no status (end its command with # -> NNN)" >&2
		exit 1
	fi
}
`
