package actortest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/actortest"
)

// Running one test function of a script and reading its outcome: here a
// test that waits 90 seconds of virtual time for a request that is never
// answered, in a few milliseconds.
func ExampleFile_Run() {
	f, err := actortest.Load("testdata/clock_test.star", actortest.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Tests)
	res := f.Run(context.Background(), "test_request_timeout")
	fmt.Println(res.Name, "failed:", res.Failed, "virtual time:", res.Virtual)
	// Output:
	// [test_receive_timeout_30s test_sleep_and_after test_request_timeout]
	// test_request_timeout failed: false virtual time: 1m30s
}

// A failed assertion names the line that asserted.
func ExampleFile_Run_failure() {
	f, err := actortest.Load("testdata/fail_test.star", actortest.Options{})
	if err != nil {
		panic(err)
	}
	res := f.Run(context.Background(), "test_eq")
	fmt.Println(res.Failed)
	for _, line := range res.Output {
		fmt.Println(line)
	}
	// Output:
	// true
	// testdata/fail_test.star:4: [1, 2] != [1, 3]
	// after
}

// In a Go test file: every test_ function of the scripts in the package's
// folder becomes a subtest, and a Go test gets a System it need not shut
// down itself.
func Example_goTest() {
	_ = func(t *testing.T) {
		actortest.RunAll(t, ".", actortest.Options{})
	}
	_ = func(t *testing.T) {
		sys := actortest.NewSystem(t, actor.Config{Root: "testdata"})
		mod, err := sys.Load("idle.star")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sys.Spawn(t.Context(), mod, actor.SpawnOptions{Args: []any{nil}}); err != nil {
			t.Fatal(err)
		}
	}
}
