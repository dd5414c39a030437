// Tests of the Python builtins: testdata/python.star, bad arguments of
// every kind, the step limit inside them, and concurrent use.

package interp_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
)

// assertEq is the assert_eq(got, want) the behaviour tests call.
var assertEq = starlark.NewBuiltin("assert_eq", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var got, want starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &got, &want); err != nil {
		return nil, err
	}
	if eq, err := starlark.Equal(got, want); err != nil || !eq {
		return nil, fmt.Errorf("got %s, want %s", got, want)
	}
	return starlark.None, nil
})

// chunk is one script of a behaviour test file: its source (with the lines
// of earlier chunks blank, so positions are those of the file) and the
// error it must fail with, if any.
type chunk struct {
	src      string
	first    int // line of its first line
	wantLine int // 0: must succeed
	want     *regexp.Regexp
}

// readChunks splits a behaviour test file at its "---" lines.
func readChunks(t *testing.T, file string) []chunk {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var chunks []chunk
	var b strings.Builder
	c := chunk{first: 1}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "---" {
			c.src = b.String()
			chunks = append(chunks, c)
			b.Reset()
			b.WriteString(strings.Repeat("\n", i+1))
			c = chunk{first: i + 2}
			continue
		}
		if _, pat, ok := strings.Cut(line, " ### "); ok && !strings.HasPrefix(line, "#") {
			if c.want != nil {
				t.Fatalf("%s:%d: a chunk can expect one error only", file, i+1)
			}
			c.wantLine, c.want = i+1, regexp.MustCompile(pat)
		}
		b.WriteString(line + "\n")
	}
	c.src = b.String()
	return append(chunks, c)
}

// runStarChunks runs each chunk of a testdata .star file (chunks are split
// by "---" lines) in a fresh instance, expecting the error a chunk names
// inline with "### regexp", or none.
func runStarChunks(t *testing.T, file string) {
	t.Helper()
	e := newEngine(t, nil, interp.Options{Builtins: starlark.StringDict{"assert_eq": assertEq}})
	for _, c := range readChunks(t, file) {
		t.Run(fmt.Sprintf("line%d", c.first), func(t *testing.T) {
			err := run(e, file, c.src)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *interp.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want an error matching %q at line %d", err, c.want, c.wantLine)
			}
			if line := innermostLine(se); line != c.wantLine || !c.want.MatchString(se.Msg) {
				t.Fatalf("line %d: %s\nwant an error matching %q at line %d", line, se.Msg, c.want, c.wantLine)
			}
		})
	}
}

func TestPythonBuiltinsScript(t *testing.T) { runStarChunks(t, "testdata/python.star") }

// run compiles src as file and runs its top level.
func run(e *interp.Engine, file, src string) error {
	mod, err := e.Compile(file, []byte(src))
	if err != nil {
		return err
	}
	_, err = mod.Instantiate(&fakeHost{}, interp.InstanceOptions{})
	return err
}

// innermostLine is the line of the innermost frame of a script.
func innermostLine(se *interp.ScriptError) int {
	for i := len(se.Frames) - 1; i >= 0; i-- {
		if se.Frames[i].File != "<builtin>" {
			return se.Frames[i].Line
		}
	}
	return 0
}

// TestPythonBuiltinsBadArguments calls every builtin with every kind of
// value in every position: each call succeeds or fails with an error that
// names the builtin, and none panics.
func TestPythonBuiltinsBadArguments(t *testing.T) {
	values := []string{"None", "True", "-3", "1 << 100", "0", "2.5", "-0.0", "float('nan')", "float('inf')", `"ab"`, `b"ab"`,
		"[]", "[1, 'a']", "[0.5, (1 << 511) * (1 << 511) * 4]", "(1,)", "{}", "{1: 2}", "set([3])", "str", "abs", "lambda *a: a", "range(3)"}
	names := []string{"sum", "divmod", "round", "min", "max", "map", "filter", "enumerate", "sorted"}
	var calls []string
	for _, name := range names {
		calls = append(calls, name+"()")
		for _, a := range values {
			calls = append(calls, fmt.Sprintf("%s(%s)", name, a), fmt.Sprintf("%s(%s, key = %s)", name, a, a),
				fmt.Sprintf("%s(%s, start = %s)", name, a, a), fmt.Sprintf("%s(%s, default = %s)", name, a, a))
			for _, b := range values {
				calls = append(calls, fmt.Sprintf("%s(%s, %s)", name, a, b))
			}
		}
	}
	e := newEngine(t, nil, interp.Options{MaxSteps: 100000})
	failed := 0
	for _, call := range calls {
		err := run(e, "bad.star", "x = "+call+"\n")
		if err == nil {
			continue
		}
		failed++
		var se *interp.ScriptError
		if !errors.As(err, &se) {
			t.Errorf("%s: %v, want a *ScriptError", call, err)
			continue
		}
		// An error of the builtin itself (not of a function it called)
		// starts with its name.
		name := call[:strings.IndexByte(call, '(')]
		if f := se.Frames[len(se.Frames)-1]; f.Func == name && !strings.HasPrefix(se.Msg, name+": ") {
			t.Errorf("%s: error %q does not name %s", call, se.Msg, name)
		}
	}
	if failed == 0 || failed == len(calls) {
		t.Fatalf("%d of %d calls failed: the table tests nothing", failed, len(calls))
	}
}

// TestPythonBuiltinsStepLimit checks that a builtin iterating in Go counts
// toward the step limit, so a huge range cannot run on unchecked.
func TestPythonBuiltinsStepLimit(t *testing.T) {
	for _, call := range []string{"sum(range(10000000))", "max(range(10000000))", "min(range(10000000), default = 0)",
		"enumerate(range(10000000))", "map(abs, range(10000000))", "filter(None, range(10000000))"} {
		e := newEngine(t, nil, interp.Options{MaxSteps: 1000})
		err := run(e, "big.star", "x = "+call+"\n")
		if !errors.Is(err, interp.ErrStepLimit) {
			t.Errorf("%s under a limit of 1000 steps: %v, want %v", call, err, interp.ErrStepLimit)
		}
	}
}

// TestPythonBuiltinsConcurrent runs the builtins in many interpreters at
// once; -race checks that they share nothing.
func TestPythonBuiltinsConcurrent(t *testing.T) {
	src := `x = sum(map(lambda i: divmod(i, 7)[1], range(500))) + round(sum([0.1] * 10)) + max([3, 1], key = abs)
y = sorted(enumerate(filter(None, range(50)), start = 1), key = None, reverse = True)[0]
`
	e := newEngine(t, map[string]string{"c.star": src}, interp.Options{})
	mod, err := e.Load("c.star")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			in, err := mod.Instantiate(&fakeHost{}, interp.InstanceOptions{})
			if err == nil {
				if g := in.Globals(); g["x"].String() != "1498" || g["y"].String() != "(49, 49)" {
					err = fmt.Errorf("x = %s, y = %s", g["x"], g["y"])
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
