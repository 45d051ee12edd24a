package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// ListenerName is the socket name inside a process's directory, as on OCI (/tmp/iofs/lsnr.sock).
const ListenerName = "lsnr.sock"

// DefaultStartTimeout is how long a process may take to create its socket, the Fn agent's limit.
const DefaultStartTimeout = 5 * time.Second

// ProcessSpec describes one function process.
type ProcessSpec struct {
	Name   string   // function name, for errors
	Binary string   // path of the function binary
	Env    []string // the complete environment except FN_FORMAT and FN_LISTENER, see FunctionEnv
	// SocketRoot is the directory under which each process gets a fresh directory for its socket;
	// "" picks a short one (unix socket paths are limited to about 107 bytes).
	SocketRoot   string
	StartTimeout time.Duration // 0 means DefaultStartTimeout
	Stdout       io.Writer     // the process's stdout and stderr; nil discards
	Stderr       io.Writer
}

// Process is one running function process.
type Process struct {
	Name      string
	PID       int
	Started   time.Time     // when exec returned
	ColdStart time.Duration // exec to the socket's appearance
	client    *Client
	cmd       *exec.Cmd
	dir       string
	done      chan struct{}
	waitErr   error
	stopOnce  sync.Once
}

// StartProcess runs the function binary under the http-stream protocol in a fresh socket directory
// and waits until it is ready, which, as for the Fn agent, is the moment the symlink lsnr.sock
// appears (the FDK creates it after listening on phonylsnr.sock). The process runs in its own process
// group, so a terminal's Ctrl-C reaches only the gateway, which then stops its children in order.
// Cancelling ctx abandons a start in progress; it does not stop a started process: use Stop.
func StartProcess(ctx context.Context, spec ProcessSpec) (*Process, error) {
	op := "gateway: start " + spec.Name
	dir, err := os.MkdirTemp(socketRoot(spec.SocketRoot), "fn-")
	if err != nil {
		return nil, fmt.Errorf("%s: socket directory: %w", op, err)
	}
	sock := filepath.Join(dir, ListenerName)
	// Watched before the process starts, so the symlink's creation cannot be missed.
	created, unwatch, err := watchDir(dir)
	if err != nil {
		created, unwatch = nil, func() {} // polled instead (see awaitSocket)
	}
	defer unwatch()
	cmd := exec.Command(spec.Binary)
	cmd.Env = append(append([]string{}, spec.Env...), "FN_FORMAT=http-stream", "FN_LISTENER=unix:"+sock)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = spec.Stdout, spec.Stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	p := &Process{Name: spec.Name, PID: cmd.Process.Pid, Started: time.Now(), client: NewClient(sock), cmd: cmd,
		dir: dir, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		p.client.Close()
		_ = os.RemoveAll(dir)
		close(p.done)
	}()
	timeout := spec.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	if err := p.awaitSocket(ctx, sock, created, timeout); err != nil {
		p.Stop(time.Second)
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	p.ColdStart = time.Since(p.Started)
	return p, nil
}

// awaitSocket waits for the listener symlink: on each event of the socket directory (see watchDir),
// or where there are none, every 500 µs (which Go rounds up to about a millisecond when the
// process is otherwise idle, all of it counted in ColdStart).
func (p *Process) awaitSocket(ctx context.Context, sock string, created <-chan struct{}, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var tick <-chan time.Time
	if created == nil {
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		tick = t.C
	}
	for {
		if _, err := os.Lstat(sock); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done:
			return fmt.Errorf("exited before listening: %v", p.waitErr)
		case <-deadline.C:
			return fmt.Errorf("no %s after %s", ListenerName, timeout)
		case <-created:
		case <-tick:
		}
	}
}

// Client returns the protocol client bound to the process's socket.
func (p *Process) Client() *Client { return p.client }

// Dir returns the process's socket directory (removed when the process exits).
func (p *Process) Dir() string { return p.dir }

// Done is closed once the process has exited and its socket directory is removed.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err returns how the process exited; it is meaningful after Done is closed.
func (p *Process) Err() error {
	select {
	case <-p.done:
		return p.waitErr
	default:
		return nil
	}
}

// Stop sends SIGTERM to the process group, SIGKILL after grace, and waits for the exit. It is safe
// to call more than once and on a process that already exited.
func (p *Process) Stop(grace time.Duration) {
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = signalGroup(p.PID, syscall.SIGTERM)
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.done:
		case <-t.C:
			_ = signalGroup(p.PID, syscall.SIGKILL)
		}
	})
	<-p.done
}

// signalGroup signals the process group led by pid (the process itself when the group is gone).
func signalGroup(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return syscall.Kill(pid, sig)
	}
	return nil
}

// socketRoot returns root, or a temporary directory short enough for socket paths.
func socketRoot(root string) string {
	if root != "" {
		return root
	}
	if tmp := os.TempDir(); len(tmp) <= 40 {
		return tmp
	}
	return "/tmp"
}
