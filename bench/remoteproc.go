// This file holds the management of the child processes of the remote
// workloads: starting the binary again in a role, reading its lines, ending it.

package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// child is a process of this binary in a role.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *os.File // the read end of its standard output
	stdout *bufio.Reader
	stderr *tailBuffer
	waited chan struct{} // closed once the process has exited and been waited for
	err    error         // cmd.Wait's answer, once waited is closed
}

// startChild starts the running binary again in role.
func startChild(role string) (*child, error) {
	if os.Getenv(NodeEnv) != "" {
		return nil, errors.New("bench: a node process does not start others (does its binary call ServeNodeIfAsked?)")
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The arguments make a test binary that lacks the hook run nothing
	// rather than every test; ServeNodeIfAsked exits before anything
	// parses them.
	cmd := exec.Command(exe, "-test.run=^$", "-test.bench=^$")
	// Under the race detector, a process sleeps a second before it exits
	// (GORACE's atexit_sleep_ms); children exit often here, and need not.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), NodeEnv+"="+role, "GORACE="+gorace)
	c := &child{cmd: cmd, stderr: &tailBuffer{max: 16 << 10}, waited: make(chan struct{})}
	cmd.Stderr = c.stderr
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	// A pipe of our own for its output, not cmd.StdoutPipe, which Wait
	// closes as soon as the process exits, perhaps before its last line
	// has been read; Wait runs from the start here.
	out, w, err := os.Pipe()
	if err != nil {
		_ = c.stdin.Close()
		return nil, err
	}
	cmd.Stdout = w
	err = cmd.Start()
	_ = w.Close()
	if err != nil {
		_ = c.stdin.Close()
		_ = out.Close()
		return nil, err
	}
	c.out, c.stdout = out, bufio.NewReader(out)
	go func() {
		c.err = cmd.Wait()
		close(c.waited)
	}()
	return c, nil
}

// readLine reads one line of JSON into v, giving up when ctx is done or
// after timeout (zero means none). The caller kills the child on an error.
func (c *child) readLine(ctx context.Context, timeout time.Duration, v any) error {
	got := make(chan error, 1)
	go func() { // ends with the line, or at the end of the output (the process exited, or close or kill closed it)
		line, err := c.stdout.ReadBytes('\n')
		if err == nil {
			if err = json.Unmarshal(line, v); err != nil {
				err = fmt.Errorf("its line %q: %w", line, err)
			}
		}
		got <- err
	}()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case err := <-got:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-expired:
		return fmt.Errorf("nothing printed after %v", timeout)
	}
}

// close closes the child's standard input, which ends it, and waits for it
// to exit; it kills it if it has not after ten seconds. The error says if
// it did not exit cleanly.
func (c *child) close(what string) error {
	_ = c.stdin.Close()
	select {
	case <-c.waited:
	case <-time.After(10 * time.Second):
		_ = c.kill()
		return fmt.Errorf("bench: the %s did not exit within 10 s of its input closing; killed%s", what, c.stderr.suffix())
	}
	_ = c.out.Close()
	if c.err != nil {
		return fmt.Errorf("bench: the %s: %w%s", what, c.err, c.stderr.suffix())
	}
	return nil
}

// kill kills the process and waits for it.
func (c *child) kill() error {
	_ = c.cmd.Process.Kill()
	<-c.waited
	_ = c.out.Close()
	return c.err
}

// tailBuffer keeps the first max bytes written to it: a child's stderr,
// quoted in errors.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - t.b.Len(); room > 0 {
		t.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// suffix is what the child wrote to stderr, as the end of an error message.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.b.Len() == 0 {
		return ""
	}
	return "; its stderr:\n" + t.b.String()
}
