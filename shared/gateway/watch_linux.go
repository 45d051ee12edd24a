package gateway

import (
	"os"
	"syscall"
)

// watchDir reports each entry created in dir (inotify IN_CREATE, IN_MOVED_TO) on the returned
// channel, as it happens: the FDK's listener symlink is seen the moment it exists, as the Fn agent
// sees it (fnproject/fn api/agent/agent.go, inotifyAwait: fsnotify on the socket directory), not at
// the next tick of a poll. A poll every 500 µs was in fact about one every millisecond (Go rounds a
// sub-millisecond wait of an otherwise idle process up to the millisecond of its poller), and all of
// that wait was counted in every cold start the benchmark timed, the hello-world's included. The
// returned func stops the watch.
func watchDir(dir string) (events <-chan struct{}, closeFn func(), err error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, nil, err
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE|syscall.IN_MOVED_TO|syscall.IN_ONLYDIR); err != nil {
		_ = syscall.Close(fd)
		return nil, nil, err
	}
	f := os.NewFile(uintptr(fd), "inotify") // non-blocking: reads wait in the runtime's poller
	ch := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := f.Read(buf); err != nil {
				return // closed
			}
			select {
			case ch <- struct{}{}:
			default: // one pending wake-up is enough: the reader checks the directory itself
			}
		}
	}()
	// Closed in the background: Close waits for the reader above to leave its Read, which can take
	// the scheduler several milliseconds, and the caller has a request to send.
	return ch, func() { go f.Close() }, nil
}
