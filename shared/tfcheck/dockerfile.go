package tfcheck

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/internal/cgorule"
)

// The images a function's Dockerfile must build on: Oracle Linux 9 for the cgo build (so the binary's
// glibc is never newer than the run image's), Oracle Linux 9 slim to run, Go 1.26 from the official
// image (Oracle Linux's go-toolset lags behind).
var (
	buildImageRE = regexp.MustCompile(`^(container-registry\.oracle\.com/os/)?oraclelinux:9(\.\d+)?(@sha256:[0-9a-f]{64})?$`)
	runImageRE   = regexp.MustCompile(`^(container-registry\.oracle\.com/os/)?oraclelinux:9-slim(@sha256:[0-9a-f]{64})?$`)
	goImageRE    = regexp.MustCompile(`^(docker\.io/(library/)?)?golang:1\.26(\.\d+)?(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?$`)
	argRefRE     = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	cgoEnvRE     = regexp.MustCompile(`(^|\s)CGO_ENABLED=1(\s|$)`)
	tagsRE       = regexp.MustCompile(`-tags[= ]([A-Za-z0-9_.,]+)`)
	// cgoRuleRE is the build's cgo decision (package cgorule): the function's package listed with
	// cgorule.Template, then go build with CGO_ENABLED=1 only when that printed a package.
	cgoRuleRE = regexp.MustCompile(`cgo=\$\((go list -deps -f '([^']*)' (\S+))\)\s+&&\s+CGO_ENABLED=\$\(\[ -n "\$cgo" \] && echo 1 \|\| echo 0\) go build `)
	// cgoMarkerRE is where the build stage writes the cgo decision's output for the run stage: the
	// packages the binary links that need cgo, nothing for a static binary.
	cgoMarkerRE = regexp.MustCompile(`&&\s+printf '%s' "\$cgo" > (/\S+)\s*$`)
)

type instruction struct {
	line int
	cmd  string // upper-cased keyword
	args string
}

type stage struct {
	image, alias string
	index        int
	instrs       []instruction
	declared     map[string]bool // the ARG names declared inside the stage
}

// CheckDockerfile checks the structure of the bundle's one Dockerfile as `docker build --build-arg
// FUNCTION=fn` builds it from the repository root: a stage sees the build argument only where it
// declares ARG FUNCTION, and an exec-form ENTRYPOINT or CMD expands nothing. It needs a build stage
// FROM Oracle Linux 9 with Go 1.26 and cgo that copies go.work, shared/, schema/ and only
// functions/<fn>/ and builds ./functions/<fn>/cmd/<fn>, with cgo only when the packages it links need
// it (package cgorule's rule, see CgoListCommand), leaving the rule's output in a file; a final stage
// FROM oraclelinux:9-slim that copies that file and installs Oracle Instant Client 23ai basiclite
// only when it is not empty (see InstallCommand: a static binary's image carries no client), running
// as uid 1000 with the copied binary as its exec-form ENTRYPOINT. The build must use exactly the
// build tags tags (the Makefile's BUILD_TAGS plus oracle, the image's database driver), so the image
// ships the binary the tests exercised, with godror in place of SQLite. It returns one message per
// violation; none means the structure is right.
func CheckDockerfile(fn string, src []byte, tags string) []string {
	stages, globalArgs := parseDockerfile(src)
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(stages) < 2 {
		return []string{"needs a build stage and a run stage"}
	}
	problems = append(problems, applyBuildArgs(stages, map[string]string{"FUNCTION": fn})...)
	for _, s := range stages {
		s.image = expandArgs(s.image, globalArgs)
	}
	final := stages[len(stages)-1]
	if !runImageRE.MatchString(final.image) {
		bad("final stage must be FROM oraclelinux:9-slim, is FROM %s", final.image)
	}

	// The build stage is the earlier stage the final stage copies the binary (named fn) from.
	var build *stage
	var binary, dest string
	for _, in := range final.instrs {
		from, srcs, to, ok := parseCopy(in)
		if !ok || from == "" || len(srcs) != 1 || path.Base(srcs[0]) != fn {
			continue
		}
		if s := findStage(stages, from); s != nil && s.index < final.index {
			build, binary, dest = s, srcs[0], to
		}
	}
	if build == nil {
		bad("final stage must COPY --from=<build stage> the function binary %s", fn)
		return problems
	}
	if !buildImageRE.MatchString(build.image) {
		bad("build stage must be FROM oraclelinux:9, is FROM %s", build.image)
	}
	buildProblems, marker := checkBuildStage(fn, build, stages, binary, tags)
	problems = append(problems, buildProblems...)
	problems = append(problems, checkRunStage(fn, final, build, binary, dest, marker)...)
	return problems
}

// checkBuildStage checks the build stage and returns the file in which it leaves the cgo decision's
// output for the run stage ("" when it leaves none).
func checkBuildStage(fn string, build *stage, stages []*stage, binary, tags string) ([]string, string) {
	var problems []string
	var marker string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var hasGo, cgo, built, cgoRule bool
	var usedTags []string
	copied := map[string]bool{}
	pkg := "./functions/" + fn + "/cmd/" + fn
	for _, in := range build.instrs {
		switch in.cmd {
		case "COPY", "ADD":
			from, srcs, _, ok := parseCopy(in)
			if !ok {
				continue
			}
			if from != "" {
				img := from
				if s := findStage(stages, from); s != nil {
					img = s.image
				}
				if goImageRE.MatchString(img) && len(srcs) == 1 && path.Clean(srcs[0]) == "/usr/local/go" {
					hasGo = true
				}
				continue
			}
			for _, s := range srcs {
				p := path.Clean(s)
				copied[p] = true
				if p == "." || p == "functions" || (strings.HasPrefix(p, "functions/") && p != "functions/"+fn) {
					bad("build stage copies %s: copy only go.work, go.work.sum, shared/, schema/ and functions/%s/", s, fn)
				}
			}
		case "ENV":
			if cgoEnvRE.MatchString(in.args) {
				cgo = true
			}
			usedTags = append(usedTags, tagArgs(in.args)...)
		case "RUN":
			usedTags = append(usedTags, tagArgs(in.args)...)
			if strings.Contains(in.args, "CGO_ENABLED=1") {
				cgo = true
			}
			if strings.Contains(in.args, "go1.26") {
				hasGo = true
			}
			if strings.Contains(in.args, "go build") && containsWord(in.args, pkg) && containsWord(in.args, binary) {
				built = true
				m := cgoRuleRE.FindStringSubmatch(in.args)
				cgoRule = m != nil && m[2] == cgorule.Template && m[3] == pkg
				if m := cgoMarkerRE.FindStringSubmatch(in.args); m != nil {
					marker = m[1]
				}
			}
		}
	}
	if !hasGo {
		bad("build stage must install Go 1.26 (COPY --from=golang:1.26 /usr/local/go)")
	}
	if !cgo {
		bad("build stage must set CGO_ENABLED=1 (godror needs cgo)")
	}
	for _, want := range []string{"go.work", "shared", "schema", "functions/" + fn} {
		if !copied[want] {
			bad("build stage must COPY %s from the repository root", want)
		}
	}
	if !built {
		bad("build stage must RUN go build -o %s %s", binary, pkg)
	} else if !cgoRule {
		bad(`build stage must choose cgo by the packages %s links: cgo=$(go list -deps -f '%s' %s) && CGO_ENABLED=$([ -n "$cgo" ] && echo 1 || echo 0) go build ...`,
			pkg, cgorule.Template, pkg)
	}
	if len(usedTags) != 1 || usedTags[0] != tags {
		bad("build stage must build with -tags=%s (the Makefile's BUILD_TAGS plus oracle) exactly once, has %q", tags, usedTags)
	}
	if built && marker == "" {
		bad(`build stage must leave the cgo decision for the run stage: go build ... && printf '%%s' "$cgo" > /out/cgo-packages`)
	}
	return problems, marker
}

// checkRunStage checks the run stage: Oracle Instant Client is installed, and only when the build
// stage's cgo decision (copied from marker) lists packages, which is what installClientRE matches.
func checkRunStage(fn string, final, build *stage, binary, dest, marker string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var installs, user string
	var entrypoint []string
	copiedMarker := ""
	for _, in := range final.instrs {
		switch in.cmd {
		case "COPY":
			if from, srcs, to, ok := parseCopy(in); ok && marker != "" && len(srcs) == 1 && srcs[0] == marker &&
				findStage([]*stage{build}, from) != nil {
				if strings.HasSuffix(to, "/") {
					to += path.Base(marker)
				}
				copiedMarker = to
			}
		case "RUN":
			installs += " " + in.args
		case "USER":
			user = strings.TrimSpace(in.args)
		case "ENTRYPOINT":
			entrypoint = nil
			if err := json.Unmarshal([]byte(in.args), &entrypoint); err != nil {
				bad("ENTRYPOINT must be exec form (a JSON array), is %s", in.args)
			}
		}
	}
	for _, pkg := range []string{"oracle-instantclient-release-23ai-el9", "oracle-instantclient-basiclite"} {
		if !containsWord(installs, pkg) {
			bad("final stage must install %s", pkg)
		}
	}
	if marker != "" {
		if copiedMarker == "" {
			bad("final stage must COPY --from=<build stage> %s, the build's cgo decision", marker)
		} else if cmd, tested := installCommand(final); cmd == "" || tested != copiedMarker {
			bad("final stage must install Oracle Instant Client only when %s is not empty: RUN if [ -s %s ]; then microdnf install ...; fi && rm %s",
				copiedMarker, copiedMarker, copiedMarker)
		}
	}
	if user != "1000" && user != "1000:1000" {
		bad("final stage must run as USER 1000, runs as %q", user)
	}
	if strings.HasSuffix(dest, "/") {
		dest += path.Base(binary)
	}
	if len(entrypoint) == 0 || entrypoint[0] != dest {
		bad("ENTRYPOINT must start the function binary %s, is %v", dest, entrypoint)
	}
	return problems
}

// installClientRE is the run stage's conditional install of Oracle Instant Client: the marker file it
// tests (non-empty when the binary links cgo packages) and the commands run when it is.
var installClientRE = regexp.MustCompile(`^if \[ -s (/\S+) \];\s+then\s+(.*\boracle-instantclient-basiclite\b.*);\s+fi\s+&&\s+rm (/\S+)$`)

// InstallCommand returns the run stage's RUN, in the Dockerfile src built for fn, that installs
// Oracle Instant Client when the build's cgo decision lists packages, and the marker file it tests;
// "" when there is none of that shape. The tests run it with sh, a stand-in microdnf and both kinds
// of marker.
func InstallCommand(fn string, src []byte) (cmd, marker string) {
	stages, _ := parseDockerfile(src)
	applyBuildArgs(stages, map[string]string{"FUNCTION": fn})
	if len(stages) == 0 {
		return "", ""
	}
	return installCommand(stages[len(stages)-1])
}

func installCommand(final *stage) (cmd, marker string) {
	for _, in := range final.instrs {
		if m := installClientRE.FindStringSubmatch(in.args); in.cmd == "RUN" && m != nil && m[1] == m[3] {
			return in.args, m[1]
		}
	}
	return "", ""
}

// CgoListCommand returns the go list command whose output decides, in the Dockerfile src built for
// fn, whether the build uses cgo (non-empty: CGO_ENABLED=1), with the build argument expanded; "" when
// there is none. CheckDockerfile checks where it stands and what it lists; the tests run it.
func CgoListCommand(fn string, src []byte) string {
	stages, _ := parseDockerfile(src)
	applyBuildArgs(stages, map[string]string{"FUNCTION": fn})
	for _, s := range stages {
		for _, in := range s.instrs {
			if m := cgoRuleRE.FindStringSubmatch(in.args); in.cmd == "RUN" && m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// applyBuildArgs expands the build arguments in each stage that declares them, as docker build does,
// except in ENTRYPOINT and CMD, whose exec form expands nothing; a stage that uses one it does not
// declare would see it empty, which is reported.
func applyBuildArgs(stages []*stage, buildArgs map[string]string) []string {
	var problems []string
	for _, s := range stages {
		visible := map[string]string{}
		for name, v := range buildArgs {
			if s.declared[name] {
				visible[name] = v
			}
		}
		for i, in := range s.instrs {
			if in.cmd == "ENTRYPOINT" || in.cmd == "CMD" || in.cmd == "ARG" {
				continue
			}
			for _, m := range argRefRE.FindAllStringSubmatch(in.args, -1) {
				if _, isBuildArg := buildArgs[m[1]]; isBuildArg && !s.declared[m[1]] {
					problems = append(problems, fmt.Sprintf("line %d uses $%s, which its stage does not declare (ARG %s)", in.line, m[1], m[1]))
				}
			}
			s.instrs[i].args = expandArgs(in.args, visible)
		}
	}
	return problems
}

// parseDockerfile splits src into stages of instructions, joining continuation lines and dropping
// comments. It returns the global ARG defaults (those before the first FROM) too.
// tagArgs returns the values of the -tags flags in s (a RUN command or an ENV such as GOFLAGS).
func tagArgs(s string) []string {
	var out []string
	for _, m := range tagsRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func parseDockerfile(src []byte) ([]*stage, map[string]string) {
	var stages []*stage
	args := map[string]string{}
	var cur strings.Builder
	start := 0
	flush := func(line int) {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		cmd, rest, _ := strings.Cut(text, " ")
		in := instruction{line: line, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(rest)}
		switch {
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			s := &stage{index: len(stages), declared: map[string]bool{}}
			for i := 0; i < len(f); i++ {
				switch {
				case strings.HasPrefix(f[i], "--"):
				case strings.EqualFold(f[i], "AS") && i+1 < len(f):
					s.alias = f[i+1]
					i++
				default:
					s.image = f[i]
				}
			}
			stages = append(stages, s)
		case len(stages) == 0 && in.cmd == "ARG":
			k, v, _ := strings.Cut(in.args, "=")
			args[k] = strings.Trim(v, `"`)
		case len(stages) > 0:
			s := stages[len(stages)-1]
			if in.cmd == "ARG" {
				name, _, _ := strings.Cut(in.args, "=")
				s.declared[strings.TrimSpace(name)] = true
			}
			s.instrs = append(s.instrs, in)
		}
	}
	for i, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush(start)
	}
	flush(start)
	return stages, args
}

// parseCopy returns a COPY/ADD instruction's --from value, sources and destination.
func parseCopy(in instruction) (from string, srcs []string, dest string, ok bool) {
	if in.cmd != "COPY" && in.cmd != "ADD" {
		return "", nil, "", false
	}
	var words []string
	for _, f := range strings.Fields(in.args) {
		if v, isFrom := strings.CutPrefix(f, "--from="); isFrom {
			from = v
			continue
		}
		if strings.HasPrefix(f, "--") {
			continue
		}
		words = append(words, f)
	}
	if len(words) < 2 {
		return "", nil, "", false
	}
	return from, words[:len(words)-1], words[len(words)-1], true
}

func findStage(stages []*stage, ref string) *stage {
	for _, s := range stages {
		if s.alias == ref || fmt.Sprint(s.index) == ref {
			return s
		}
	}
	return nil
}

func expandArgs(s string, args map[string]string) string {
	return argRefRE.ReplaceAllStringFunc(s, func(m string) string {
		name := argRefRE.FindStringSubmatch(m)[1]
		if v, ok := args[name]; ok {
			return v
		}
		return m
	})
}

func containsWord(text, word string) bool {
	for _, f := range strings.Fields(text) {
		if strings.Trim(f, `"';&|`) == word {
			return true
		}
	}
	return false
}
