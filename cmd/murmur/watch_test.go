// Tests of `murmur run -watch`.

package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestRunWatch changes a worker's script while `murmur run -watch` runs:
// the running worker switches to the new version, keeping its state.
func TestRunWatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.star", `def main(args):
    w = spawn("worker.star")
    send(w, "hit")
    print("version", request(w, "version"))
    for i in range(3000): # 5 minutes at most
        v = request(w, "version")
        if v != 1:
            print("version", v)
            return
        catch(recv, timeout = 0.1)
`)
	write("worker.star", `hits = [0]
def receive(msg):
    if msg == "hit":
        hits[0] += 1
    else:
        reply(1)
`)
	pr, pw := io.Pipe()
	var stderr syncBuffer
	var status int
	var wg sync.WaitGroup
	wg.Go(func() {
		status = cli([]string{"run", "-watch", "-watch-interval", "10ms", filepath.Join(dir, "main.star")}, pw, &stderr)
		pw.Close()
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || lines.Text() != "version 1" {
		t.Fatalf("first line %q; stderr: %s", lines.Text(), stderr.String())
	}
	write("worker.star", `hits = [0]
def upgrade(old):
    hits[0] = old["hits"][0]
def receive(msg):
    reply("2 after %d hits" % hits[0])
`)
	var out []string
	for lines.Scan() {
		out = append(out, lines.Text())
	}
	wg.Wait()
	if status != 0 || strings.Join(out, "\n") != "version 2 after 1 hits" {
		t.Errorf("status %d, output %q; stderr: %s", status, out, stderr.String())
	}
	if !strings.Contains(stderr.String(), "murmur: reloaded worker.star: 1 actors upgraded, 0 kept the old version") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// syncBuffer is a Writer tests read while the command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
