//go:build unix && !linux

package gateway

import "syscall"

// sysProcAttr puts a function process in its own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
