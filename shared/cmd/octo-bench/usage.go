package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// usage is what one process had consumed at the moment its first good answer arrived: CPU time
// summed over its threads, and minor page faults. On this 2-core VM wall time depends on whether the
// process found a second core free (a function overlaps its schema parse with the runtime's start;
// the hello-world has nothing to overlap), while CPU time is the work itself: with the other core
// taken, the cold start becomes its CPU time. Reading both tells a slower function from a busier
// machine. Linux only (/proc); elsewhere it is zero and the report shows "-".
type usage struct {
	CPU    time.Duration
	Faults int64
}

// readUsage reads pid's usage from /proc. Each thread's /proc/<pid>/task/<tid>/schedstat starts with
// its time on a CPU in nanoseconds (the scheduler's own accounting, not clock ticks); minflt is field
// 10 of /proc/<pid>/stat and counts the whole process.
func readUsage(pid int) (usage, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return usage{}, errors.New("no /proc schedstat for the process")
	}
	var u usage
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			return usage{}, err // a thread that exited between Glob and read: the sum would be short
		}
		ns, err := field(string(b), 0)
		if err != nil {
			return usage{}, fmt.Errorf("%s: %w", t, err)
		}
		u.CPU += time.Duration(ns)
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return usage{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces: count fields after it.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return usage{}, errors.New("malformed /proc stat")
	}
	if u.Faults, err = field(s[i+1:], 10-3); err != nil {
		return usage{}, fmt.Errorf("/proc stat minflt: %w", err)
	}
	return u, nil
}

// field parses the n-th (0-based) space-separated field of s as an integer.
func field(s string, n int) (int64, error) {
	f := strings.Fields(s)
	if len(f) <= n {
		return 0, errors.New("too few fields")
	}
	return strconv.ParseInt(f[n], 10, 64)
}

// machine is how busy the machine was while the cold starts ran, from /proc/stat: the share of all
// CPUs' time that was not idle (the benchmark's own processes included), and the share the
// hypervisor gave to other guests (steal). A run with high steal measures the host, not the code.
type machine struct {
	BusyPercent  float64 `json:"busy_percent"`
	StealPercent float64 `json:"steal_percent"`
}

// cpuTimes is the aggregate "cpu" line of /proc/stat, in clock ticks.
type cpuTimes struct{ total, idle, steal int64 }

func readCPUTimes() (cpuTimes, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	// cpu user nice system idle iowait irq softirq steal guest guest_nice
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, errors.New("malformed /proc/stat")
	}
	var t cpuTimes
	for i, v := range f[1:9] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("/proc/stat: %w", err)
		}
		t.total += n
		switch i {
		case 3, 4: // idle, iowait
			t.idle += n
		case 7:
			t.steal = n
		}
	}
	return t, nil
}

// since returns the machine's load between t0 and t1 (zero when nothing elapsed).
func (t1 cpuTimes) since(t0 cpuTimes) machine {
	total := t1.total - t0.total
	if total <= 0 {
		return machine{}
	}
	pct := func(n int64) float64 { return 100 * float64(n) / float64(total) }
	return machine{BusyPercent: pct(total - (t1.idle - t0.idle)), StealPercent: pct(t1.steal - t0.steal)}
}
