// This file holds what actortest offers inside `go test`: Run, which
// makes each test_ function of a script a subtest, and NewSystem.

package actortest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// Run runs the test script at path (relative to the package's folder, as
// `go test` runs it) with opts: each of its test_ functions is a subtest
// of t (go test -run 'TestX/test_name' picks one), whose failed assertions,
// prints and tracebacks are logged, and which fails when the test
// function does. A script that does not compile fails t.
func Run(t *testing.T, path string, opts Options) {
	t.Helper()
	f, err := Load(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tests) == 0 {
		t.Fatalf("%s defines no test_ function", path)
	}
	for _, name := range f.Tests {
		t.Run(name, func(t *testing.T) {
			res := f.Run(t.Context(), name)
			for _, line := range res.Output {
				t.Log(line)
			}
			if res.Failed {
				t.Fail()
			}
		})
	}
}

// RunAll runs every *_test.star script in dir (not below it) as Run does,
// each a subtest named after its file.
func RunAll(t *testing.T, dir string, opts Options) {
	t.Helper()
	paths, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no *_test.star script in %s", dir)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".star"), func(t *testing.T) { Run(t, p, opts) })
	}
}

// NewSystem starts an actor system for a Go test and shuts it down when
// the test ends (closing it if its actors' stopping() hooks take more than
// five seconds). An error starting it fails t.
func NewSystem(t testing.TB, cfg actor.Config) *actor.System {
	t.Helper()
	sys, err := actor.NewSystem(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
			sys.Close()
		}
	})
	return sys
}
