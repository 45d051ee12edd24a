package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSchedulesInvokeWithAPlainPostOfTheBody(t *testing.T) {
	env := newTestEnv(t, map[string]string{"tick": tickYAML})
	env.cfg.Schedules = true
	// The schedule fires every minute: shift the gateway's clock to 150 ms before a minute boundary.
	real := time.Now()
	offset := real.Truncate(time.Minute).Add(time.Minute - 150*time.Millisecond).Sub(real)
	env.cfg.Now = func() time.Time { return time.Now().Add(offset) }
	env.start(t)

	out := filepath.Join(env.dir, "invoked-tick")
	waitFor(t, 10*time.Second, "the scheduled invocation", func() bool {
		_, err := os.Stat(out)
		return err == nil
	})
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"rollup":"hourly"}` {
		t.Errorf("scheduled body = %s, want the declared body", got)
	}
	// The function writes the file before it answers and the gateway logs after the answer: wait.
	waitFor(t, 5*time.Second, "the scheduled invocation's log line", func() bool {
		return len(env.logLines(t, "scheduled invocation")) > 0
	})
	if n := len(env.logLines(t, "scheduled invocation")); n != 1 {
		t.Errorf("%d scheduled invocation log lines, want 1", n)
	}
}

func TestSchedulesAreOffByDefault(t *testing.T) {
	env := newTestEnv(t, map[string]string{"tick": tickYAML})
	env.start(t)
	if n := len(env.logLines(t, "schedule enabled")); n != 0 {
		t.Errorf("schedules enabled without Config.Schedules: %d", n)
	}
}
