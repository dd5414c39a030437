// Package scripttest runs an example's main.star, in-process as `murmur run`
// does or through the command itself, and returns what it printed: the
// examples' tests share it.
package scripttest

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

// Run runs main.star in the current folder with args and returns its
// printed lines, failing t if main fails.
func Run(t testing.TB, args ...string) string {
	t.Helper()
	var mu sync.Mutex
	var out strings.Builder
	sys, err := actor.NewSystem(actor.Config{Root: ".", Print: func(_ actor.Address, msg string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(msg + "\n")
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, args); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return out.String()
}

// Command runs `murmur run main.star args...` from the current folder (an
// example's), as a reader of the README would, and returns its stdout.
func Command(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "../../cmd/murmur", "run", "main.star"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("murmur run main.star %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}
