package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stack is bin/octo-gateway running as its own process, as `make run` starts it, and the function
// processes it starts.
type stack struct {
	cmd    *exec.Cmd
	exited chan error
	url    string
	binDir string
	log    *os.File
}

// startStack runs the gateway over the database in dataDir on a free loopback port and waits until
// it answers. Its log (and the functions' output, which it passes on) goes to dataDir/gateway.log.
func startStack(ctx context.Context, root, binDir, dataDir string, instances int) (*stack, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	logf, err := os.Create(filepath.Join(dataDir, "gateway.log"))
	if err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(binDir)
	if err != nil {
		return nil, err
	}
	args := []string{"-port", strconv.Itoa(port), "-root", root, "-bin-dir", bin, "-data-dir", dataDir}
	if instances > 0 {
		args = append(args, "-max-instances", strconv.Itoa(instances))
	}
	cmd := exec.Command(filepath.Join(bin, "octo-gateway"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, err
	}
	s := &stack{cmd: cmd, exited: make(chan error, 1), url: "http://127.0.0.1:" + strconv.Itoa(port), binDir: bin, log: logf}
	go func() { s.exited <- cmd.Wait() }()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-s.exited:
			_ = logf.Close()
			return nil, fmt.Errorf("octo-gateway exited (%v): see %s", err, logf.Name())
		case <-ctx.Done():
			s.close()
			return nil, ctx.Err()
		default:
		}
		resp, err := http.Get(s.url + "/api/categories")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.close()
			return nil, errors.New("octo-gateway did not answer within 2 minutes")
		}
	}
}

// close stops the gateway, which stops its functions.
func (s *stack) close() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
	_ = s.log.Close()
}

// cpuSample is the CPU time (all threads) of the gateway and of each function process,
// by function name and pid.
type cpuSample struct {
	gateway time.Duration
	procs   map[int]procCPU
}

type procCPU struct {
	function string
	cpu      time.Duration
}

// sample reads the CPU time of the gateway and of its children (the function processes: the binaries
// in binDir it started).
func (s *stack) sample() (cpuSample, error) {
	gw := s.cmd.Process.Pid
	out := cpuSample{procs: map[int]procCPU{}}
	_, cpu, err := procStat(gw)
	if err != nil {
		return out, err
	}
	out.gateway = cpu
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out, err
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, cpu, err := procStat(pid)
		if err != nil || ppid != gw {
			continue
		}
		exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
		if err != nil || filepath.Dir(exe) != s.binDir {
			continue
		}
		out.procs[pid] = procCPU{function: filepath.Base(exe), cpu: cpu}
	}
	return out, nil
}

// procStat returns a process's parent pid (from /proc/<pid>/stat) and its CPU time: the sum over its
// threads of the time on a CPU in /proc/<pid>/task/<tid>/schedstat, in nanoseconds (utime and stime in
// /proc/<pid>/stat count 10 ms ticks, too coarse for the few requests of a one-client row).
func procStat(pid int) (int, time.Duration, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	b, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 2 {
		return 0, 0, fmt.Errorf("%s/stat: unexpected format", dir)
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, 0, fmt.Errorf("%s/stat: %w", dir, err)
	}
	tasks, err := os.ReadDir(dir + "/task")
	if err != nil {
		return 0, 0, err
	}
	var cpu time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/task/" + t.Name() + "/schedstat")
		if err != nil {
			continue // the thread exited meanwhile
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s/task/%s/schedstat: %w", dir, t.Name(), err)
		}
		cpu += time.Duration(ns)
	}
	return ppid, cpu, nil
}

// cpuDelta is the CPU time spent between two samples, by function ("gateway" for the gateway). A
// process started in between counts from zero (its cold start included); one that exited in between
// is missing (its CPU time since the first sample is lost, which under-reports).
func cpuDelta(a, b cpuSample) map[string]time.Duration {
	out := map[string]time.Duration{"gateway": b.gateway - a.gateway}
	for pid, p := range b.procs {
		out[p.function] += p.cpu - a.procs[pid].cpu
	}
	return out
}
