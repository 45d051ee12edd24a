package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinaries builds octo-gateway and the gateway's test function (as bin/hello).
func buildBinaries(t *testing.T) (gatewayBin, binDir string) {
	t.Helper()
	dir := t.TempDir()
	binDir = filepath.Join(dir, "bin")
	gatewayBin = filepath.Join(dir, "octo-gateway")
	for pkg, out := range map[string]string{".": gatewayBin, "../../gateway/internal/testfn": filepath.Join(binDir, "hello")} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, b)
		}
	}
	return gatewayBin, binDir
}

func writeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"func.yaml": "schema_version: 20180708\nversion: 0.1.0\nruntime: docker\nmemory: 128\ntimeout: 30\n",
		"go.work":   "go 1.26.0\n\nuse ./functions/hello\n",
		"functions/hello/func.yaml": "schema_version: 20180708\nname: hello\nsmoke: {method: GET, path: /api/echo}\nroutes:\n" +
			"  - {method: GET, path: /api/echo, scope: public}\n",
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestBinaryServesAndStopsCleanlyOnSIGTERM(t *testing.T) {
	gatewayBin, binDir := buildBinaries(t)
	cmd := exec.Command(gatewayBin, "-port", "0", "-root", writeRoot(t), "-bin-dir", binDir, "-data-dir", t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := make(chan map[string]any, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				lines <- m
			}
		}
	}()
	var addr string
	var coldStartPID int
	timeout := time.After(15 * time.Second)
	for addr == "" {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatal("gateway exited before listening")
			}
			switch m["msg"] {
			case "cold start":
				coldStartPID = int(m["pid"].(float64))
				if _, ok := m["cold_start_ms"].(float64); !ok || m["function"] != "hello" {
					t.Errorf("startup line = %v, want the function and its cold_start_ms", m)
				}
			case "gateway listening":
				addr = m["addr"].(string)
			}
		case <-timeout:
			t.Fatal("no listening line within 15 s")
		}
	}
	if coldStartPID == 0 {
		t.Fatal("no cold start line before listening")
	}

	resp, err := http.Get("http://" + addr + "/api/echo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var echo struct {
		PID int               `json:"pid"`
		Env map[string]string `json:"env"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &echo) != nil {
		t.Fatalf("GET /api/echo: %d %s", resp.StatusCode, body)
	}
	sockDir := filepath.Dir(strings.TrimPrefix(echo.Env["FN_LISTENER"], "unix:"))
	if _, err := os.Stat(sockDir); err != nil {
		t.Fatalf("socket directory while running: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("gateway exit after SIGTERM: %v, want status 0", err)
	}
	if syscall.Kill(echo.PID, 0) == nil {
		t.Errorf("function process %d survived the gateway", echo.PID)
	}
	if _, err := os.Stat(sockDir); !os.IsNotExist(err) {
		t.Errorf("socket directory %s left behind: %v", sockDir, err)
	}
}

func TestBadConfigurationFailsFast(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad environment", nil, map[string]string{"OCTO_MAX_INSTANCES": "none"}, "OCTO_MAX_INSTANCES"},
		{"unknown flag", []string{"-nope"}, nil, "flag provided but not defined"},
		{"stray argument", []string{"extra"}, nil, "unexpected arguments"},
		{"missing declarations", []string{"-root", "/nonexistent"}, nil, "func.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), append(tt.args, "-port", "0"), func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
