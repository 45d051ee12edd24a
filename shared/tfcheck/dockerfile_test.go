package tfcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
)

// TestTheDockerfileBuildsEveryFunction checks the bundle's one Dockerfile as built for each declared
// function, and that no function carries a Dockerfile of its own again.
func TestTheDockerfileBuildsEveryFunction(t *testing.T) {
	root := repoRoot(t)
	decls, err := filepath.Glob(filepath.Join(root, "functions", "*", "func.yaml"))
	if err != nil || len(decls) == 0 {
		t.Fatalf("no function declarations: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// The image is the Oracle build: the tests' tags plus oracle, which links godror and no SQLite
	// (package dbdriver).
	tags := makefileBuildTags(t, root) + ",oracle"
	bundle, err := funcyaml.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range decls {
		dir := filepath.Dir(decl)
		fn := filepath.Base(dir)
		t.Run(fn, func(t *testing.T) {
			t.Parallel()
			for _, p := range CheckDockerfile(fn, src, tags) {
				t.Error(p)
			}
			if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil {
				t.Errorf("functions/%s/Dockerfile: every function builds from the root Dockerfile (--build-arg FUNCTION=%s)", fn, fn)
			}
			// The cgo decision, run as the build stage runs it (its ENV: cgo on, GOFLAGS with the
			// tags): godror alone in a function with a database, nothing in the authorizer, which is
			// then built static.
			f, ok := bundle.Function(fn)
			if !ok {
				t.Fatalf("%s is not in the bundle", fn)
			}
			want := "github.com/godror/godror"
			if f.Authorizer {
				want = ""
			}
			cmd := exec.Command("sh", "-c", CgoListCommand(fn, src))
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=-trimpath -tags="+tags)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the Dockerfile's cgo decision: %s: %v\n%s", cmd.Args[2], err, out)
			}
			if got := strings.Join(strings.Fields(string(out)), " "); got != want {
				t.Errorf("the Dockerfile's cgo decision for %s lists %q, want %q", fn, got, want)
			}
			// The run stage, given what the build stage leaves (the decision as the shell's $(...)
			// has it, trailing newline dropped): Instant Client for godror, none for a static binary.
			installed := runInstall(t, fn, src, strings.TrimRight(string(out), "\n"))
			if wantClient := want != ""; installed != wantClient {
				t.Errorf("the image of %s installs Oracle Instant Client: %v, want %v", fn, installed, wantClient)
			}
		})
	}
}

// runInstall runs the run stage's conditional install (InstallCommand) with sh, the build's cgo
// decision in its marker file and a stand-in microdnf that records its arguments, and reports whether
// Oracle Instant Client was installed. The marker must be gone afterwards either way.
func runInstall(t *testing.T, fn string, src []byte, decision string) bool {
	t.Helper()
	cmd, marker := InstallCommand(fn, src)
	if cmd == "" {
		t.Fatal("the Dockerfile's run stage has no conditional install of Oracle Instant Client")
	}
	dir := t.TempDir()
	local := filepath.Join(dir, "cgo-packages")
	if err := os.WriteFile(local, []byte(decision), 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "microdnf.log")
	fake := "#!/bin/sh\necho \"$*\" >> " + log + "\n"
	if err := os.WriteFile(filepath.Join(dir, "microdnf"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	run := exec.Command("sh", "-c", strings.ReplaceAll(cmd, marker, local))
	run.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", run.Args[2], err, out)
	}
	if _, err := os.Stat(local); !os.IsNotExist(err) {
		t.Errorf("the run stage leaves %s in the image", marker)
	}
	calls, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return false
	} else if err != nil {
		t.Fatal(err)
	}
	want := "install -y oracle-instantclient-release-23ai-el9\ninstall -y oracle-instantclient-basiclite\nclean all\n"
	if string(calls) != want {
		t.Errorf("microdnf calls:\n%s\nwant\n%s", calls, want)
	}
	return true
}

// makefileBuildTags reads BUILD_TAGS, the build tags of every binary, from the Makefile.
func makefileBuildTags(t *testing.T, root string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "BUILD_TAGS := "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatal("the Makefile sets no BUILD_TAGS")
	return ""
}

func TestCheckDockerfile(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "demo.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string // replace old by new in the good Dockerfile
		want     string // "" means no problem
	}{
		{name: "good Dockerfile passes"},
		{name: "root user fails", old: "USER 1000", new: "USER root", want: "must run as USER 1000"},
		{name: "no user fails", old: "USER 1000\n", new: "", want: "must run as USER 1000"},
		{name: "debian run image fails", old: "oraclelinux:9-slim", new: "debian:bookworm-slim", want: "final stage must be FROM oraclelinux:9-slim"},
		{name: "alpine build image fails", old: "container-registry.oracle.com/os/oraclelinux:9 AS build", new: "alpine:3 AS build", want: "build stage must be FROM oraclelinux:9"},
		{name: "missing basiclite fails", old: "microdnf install -y oracle-instantclient-basiclite && \\", new: "\\", want: "must install oracle-instantclient-basiclite"},
		{name: "missing instant client repository fails", old: "oracle-instantclient-release-23ai-el9", new: "oracle-instantclient-release-el9", want: "must install oracle-instantclient-release-23ai-el9"},
		{name: "cgo disabled fails", old: "CGO_ENABLED=1", new: "CGO_ENABLED=0", want: "CGO_ENABLED=1"},
		{name: "older Go fails", old: "golang:1.26.8", new: "golang:1.24.4", want: "Go 1.26"},
		{name: "a fixed function's package fails", old: "/out/${FUNCTION} ./functions/${FUNCTION}/cmd/${FUNCTION}", new: "/out/${FUNCTION} ./functions/other/cmd/other", want: "must RUN go build"},
		{name: "cgo whatever the packages fails", old: `CGO_ENABLED=$([ -n "$cgo" ] && echo 1 || echo 0) go build`, new: "go build", want: "must choose cgo by the packages"},
		{name: "cgo decided by another package fails", old: "}}' ./functions/${FUNCTION}/cmd/${FUNCTION})", new: "}}' ./shared/...)", want: "must choose cgo by the packages"},
		{name: "cgo decided by another template fails", old: "{{if and (not .Standard) .CgoFiles}}", new: "{{if .CgoFiles}}", want: "must choose cgo by the packages"},
		{name: "copying the whole context fails", old: "COPY functions/${FUNCTION}/ functions/${FUNCTION}/", new: "COPY . .", want: "copy only go.work"},
		{name: "copying every function fails", old: "COPY functions/${FUNCTION}/ functions/${FUNCTION}/", new: "COPY functions/ functions/", want: "copy only go.work"},
		{name: "missing shared fails", old: "COPY shared/ shared/\n", new: "", want: "must COPY shared"},
		{name: "missing go.work fails", old: "COPY go.work go.work.sum ./", new: "COPY go.work.sum ./", want: "must COPY go.work"},
		{name: "the build stage without ARG FUNCTION fails", old: "AS build\nARG FUNCTION\n", new: "AS build\n", want: "does not declare (ARG FUNCTION)"},
		{name: "the run stage without ARG FUNCTION fails", old: "9-slim\nARG FUNCTION\n", new: "9-slim\n", want: "does not declare (ARG FUNCTION)"},
		{name: "shell-form entrypoint fails", old: `ENTRYPOINT ["/function/handler"]`, new: "ENTRYPOINT /function/handler", want: "exec form"},
		{name: "entrypoint other than the binary fails", old: `ENTRYPOINT ["/function/handler"]`, new: `ENTRYPOINT ["/bin/sh"]`, want: "ENTRYPOINT must start the function binary"},
		{name: "a binary copied elsewhere than the entrypoint fails", old: "/out/${FUNCTION} /function/handler", new: "/out/${FUNCTION} /function/${FUNCTION}",
			want: "ENTRYPOINT must start the function binary /function/demo"},
		{name: "an entrypoint relying on expansion fails", old: "/function/handler\nUSER 1000\nENTRYPOINT [\"/function/handler\"]",
			new: "/function/${FUNCTION}\nUSER 1000\nENTRYPOINT [\"/function/${FUNCTION}\"]", want: "ENTRYPOINT must start the function binary /function/demo"},
		{name: "missing build tags fail", old: ` -tags=lambda.norpc,grpcnotrace"`, new: `"`, want: "must build with -tags=lambda.norpc,grpcnotrace"},
		{name: "other build tags fail", old: "-tags=lambda.norpc,grpcnotrace", new: "-tags=lambda.norpc", want: "must build with -tags=lambda.norpc,grpcnotrace"},
		{name: "the client installed whatever the binary fails", old: "if [ -s /tmp/cgo-packages ]; then \\\n", new: "true && \\\n",
			want: "only when /tmp/cgo-packages is not empty"},
		{name: "the client guarded by another file fails", old: "if [ -s /tmp/cgo-packages ]", new: "if [ -s /tmp/other ]", want: "only when /tmp/cgo-packages is not empty"},
		{name: "no cgo decision left for the run stage fails", old: " && \\\n    printf '%s' \"$cgo\" > /out/cgo-packages", new: "",
			want: "must leave the cgo decision"},
		{name: "the cgo decision not copied fails", old: "COPY --from=build /out/cgo-packages /tmp/cgo-packages\n", new: "",
			want: "must COPY --from=<build stage> /out/cgo-packages"},
		{name: "single stage fails", old: "FROM container-registry.oracle.com/os/oraclelinux:9-slim\n", new: "", want: "COPY --from=<build stage>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := string(good)
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("testdata/demo.Dockerfile lacks %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			problems := CheckDockerfile("demo", []byte(src), "lambda.norpc,grpcnotrace")
			if tt.want == "" {
				if len(problems) > 0 {
					t.Fatalf("unexpected problems: %q", problems)
				}
				return
			}
			for _, p := range problems {
				if strings.Contains(p, tt.want) {
					return
				}
			}
			t.Fatalf("problems %q, want one mentioning %q", problems, tt.want)
		})
	}
}
