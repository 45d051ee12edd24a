package gateway

import "syscall"

// sysProcAttr puts a function process in its own process group and, on Linux, has the kernel kill it
// when the gateway dies without stopping it (kill -9), so no orphan keeps its socket. Pdeathsig fires
// when the forking OS thread exits; the gateway never locks goroutines to threads, so that thread lives
// as long as the gateway.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
