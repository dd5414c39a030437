// Package actortest runs murmur's test scripts inside `go test`, as
// `murmur test` runs them from the command line, and helps Go tests of
// actor systems.
//
// A test script is a file whose name ends in _test.star. Each of its
// top-level test_ functions runs, with no arguments, as the root actor of
// a fresh embedded actor.System (as System.RunFunction does): it may spawn,
// send, request, ask, recv, use pools and watch, with the builtins of
// `murmur run` (time, read_file and list_files under the script's folder)
// plus:
//
//   - assert: go.starlark.net's starlarktest module: assert.eq(x, y),
//     assert.ne, assert.true(cond, msg), assert.lt, assert.contains,
//     assert.fails(fn, pattern), assert.fail(msg). A failed assertion is
//     reported as "file:line: message" at the line that asserted, and the
//     test goes on (as t.Error does); any actor of the test may assert.
//   - sleep(seconds): the calling actor waits.
//
// A test fails when an assertion fails, when the function fails (fail(),
// an error: its traceback is reported), or when it runs longer than
// Options.Timeout of wall-clock time. The tracebacks of the actors it
// spawned that failed are reported with it.
//
// # Virtual time
//
// Unless Options.WallClock is set, each test runs on an
// actor.VirtualClock: after(), receive_timeout, the timeouts of request,
// ask and recv, sleep() and time.now() read virtual time, which stands
// still while any actor of the test runs and jumps to the next deadline
// when every actor is idle or waiting on the clock. A test of a 30-second
// timeout takes milliseconds, and its timings are exact: after
// sleep(45), time.now() has moved by 45 seconds. See actor.VirtualClock
// for what the clock does not see (Go goroutines outside the actors, pmap's
// helpers) and what stays in wall-clock time.
//
// # In go test
//
// Run makes each test_ function of a script a subtest; RunAll does so for
// every test script of a folder:
//
//	func TestScripts(t *testing.T) { actortest.RunAll(t, ".", actortest.Options{}) }
//
// Load and File.Run are the pieces underneath, for other runners (`murmur
// test` is one). NewSystem starts a System that the test shuts down.
package actortest
