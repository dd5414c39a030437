package actortest_test

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/actortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestScripts runs testdata/clock_test.star as subtests: 30 to 90 seconds
// of timers each, on the virtual clock.
func TestScripts(t *testing.T) {
	actortest.Run(t, "testdata/clock_test.star", actortest.Options{})
}

// TestVirtualClock checks that a test waiting on a 30-second receive
// timeout moved its virtual clock by at least 30 s; the test itself
// asserts time.now() moved by exactly 30 s.
func TestVirtualClock(t *testing.T) {
	f, err := actortest.Load("testdata/clock_test.star", actortest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := f.Run(context.Background(), "test_receive_timeout_30s")
	if res.Failed {
		t.Fatalf("failed: %q", res.Output)
	}
	if res.Virtual < 30*time.Second {
		t.Errorf("virtual clock moved %v, want 30s or more", res.Virtual)
	}
}

func TestFailures(t *testing.T) {
	f, err := actortest.Load("testdata/fail_test.star", actortest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"test_eq", "test_helper", "test_fails_pattern"}; !slices.Equal(f.Tests, want) {
		t.Fatalf("tests %q, want %q", f.Tests, want)
	}
	want := map[string][]string{
		"test_eq":     {"testdata/fail_test.star:4: [1, 2] != [1, 3]", "after"},
		"test_helper": {"testdata/fail_test.star:11: 5 is not less than 3"},
		"test_fails_pattern": {"testdata/fail_test.star:14: regular expression (not this) did not match error " +
			"(floored division by zero)"},
	}
	for _, name := range f.Tests {
		res := f.Run(context.Background(), name)
		if !res.Failed || !slices.Equal(res.Output, want[name]) {
			t.Errorf("%s: failed %v, output %q; want failed, %q", name, res.Failed, res.Output, want[name])
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, path := range []string{"testdata/idle.star", "testdata/missing_test.star"} {
		if _, err := actortest.Load(path, actortest.Options{}); err == nil {
			t.Errorf("Load(%s): no error", path)
		}
	}
}

// TestNewSystem uses a System that the test's cleanup shuts down (goleak
// in TestMain fails if it does not).
func TestNewSystem(t *testing.T) {
	sys := actortest.NewSystem(t, actor.Config{FS: fstest.MapFS{"echo.star": {Data: []byte("def receive(m):\n    reply(m)\n")}}})
	mod, err := sys.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	pid, err := sys.Spawn(t.Context(), mod, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := sys.Request(t.Context(), pid, "hi", &got); err != nil || got != "hi" {
		t.Errorf("echo: %q, %v", got, err)
	}
}
