// Tests of `murmur run` interrupted by a signal, with a real process.

package main

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunInterrupted sends SIGINT and SIGTERM to `murmur run`: each stops
// the system cleanly (the stopping() hooks of main and of its child run)
// and then exits with 128 + the signal's number, as shells expect.
func TestRunInterrupted(t *testing.T) {
	for _, tt := range []struct {
		sig    syscall.Signal
		name   string
		status int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, "run", "testdata/interrupted.star")
			p.expect(`^ready$`, 30*time.Second)
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			var rest []string
			for line := range p.lines {
				rest = append(rest, line)
			}
			select {
			case <-p.done:
			case <-time.After(30 * time.Second):
				t.Fatalf("still running 30 s after %v; stderr:\n%s", tt.sig, p.stderr.String())
			}
			if p.status != tt.status {
				t.Errorf("status %d after %v, want %d; stderr:\n%s", p.status, tt.sig, tt.status, p.stderr.String())
			}
			for _, want := range []string{"main stopping", "child stopping"} {
				if !slices.Contains(rest, want) {
					t.Errorf("stdout after %v lacks %q: %q", tt.sig, want, rest)
				}
			}
			want := "murmur run: testdata/interrupted.star: interrupted by " + tt.name
			if e := p.stderr.String(); !strings.Contains(e, want) {
				t.Errorf("stderr lacks %q:\n%s", want, e)
			}
		})
	}
}
