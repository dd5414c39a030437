// This file holds what runs one test script: Load lists its test_
// functions, File.Run runs one in a fresh actor system.

package actortest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	starlarktime "go.starlark.net/lib/time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/lib/files"
)

// DefaultTimeout is how long one test function may run when
// Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// ErrNoTestFile is returned by Load for a path whose name does not end in
// _test.star.
var ErrNoTestFile = errors.New("actortest: not a test script (its name must end in _test.star)")

// Options configure how test scripts run. The zero value is `murmur
// test`'s default: a virtual clock, 30 seconds per test.
type Options struct {
	// Timeout bounds each test function in wall-clock time. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// WallClock runs the tests' timers in real time. False means each test
	// runs on a virtual clock (actor.VirtualClock).
	WallClock bool
	// Builtins are added to the scripts' builtins, as Config.Builtins.
	Builtins starlark.StringDict
}

// File is a test script: its path and its test functions, in source order.
type File struct {
	Path  string
	Tests []string
	opts  Options
}

// Result is the outcome of one test function.
type Result struct {
	Name    string
	Failed  bool
	Elapsed time.Duration // wall-clock time
	// Output is what the test reported, in order: failed assertions
	// ("file:line: message"), printed lines, then the error the function
	// failed with (its traceback) and the tracebacks of actors it spawned
	// that failed.
	Output []string
	// Virtual is how far the test's virtual clock moved (0 with WallClock).
	Virtual time.Duration
}

// Load compiles the test script at path (relative to the current folder)
// with the builtins its tests get, and lists its top-level test_ functions.
// Its load() and spawn() paths are relative to its folder. Compile errors
// carry file:line:col.
func Load(path string, opts Options) (*File, error) {
	if !strings.HasSuffix(path, "_test.star") {
		return nil, fmt.Errorf("%s: %w", path, ErrNoTestFile)
	}
	f := &File{Path: path, opts: opts}
	sys, _, end, err := f.newSystem(new(log), nil)
	if err != nil {
		return nil, err
	}
	defer end()
	if _, err := sys.Load(filepath.Base(path)); err != nil {
		return nil, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parsed, err := (&syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}).
		Parse(path, src, 0)
	if err != nil {
		return nil, err
	}
	for _, stmt := range parsed.Stmts {
		if def, ok := stmt.(*syntax.DefStmt); ok && strings.HasPrefix(def.Name.Name, "test_") {
			f.Tests = append(f.Tests, def.Name.Name)
		}
	}
	return f, nil
}

// newSystem starts the system a test runs in, reporting to l; vc is its
// virtual clock, nil for the wall clock. ctx ends sleep() calls. end shuts
// the system down.
func (f *File) newSystem(l *log, ctx context.Context) (sys *actor.System, vc *actor.VirtualClock, end func(), err error) {
	dir := filepath.Dir(f.Path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	builtins := files.Builtins(root)
	for name, v := range f.opts.Builtins {
		builtins[name] = v
	}
	assert, err := assertModule(l)
	if err != nil {
		root.Close()
		return nil, nil, nil, err
	}
	builtins["assert"] = assert
	if !f.opts.WallClock {
		vc = actor.NewVirtualClock(time.Now())
		builtins["time"] = virtualTime(vc)
	}
	builtins["sleep"] = sleepBuiltin(vc, ctx)
	sys, err = actor.NewSystem(actor.Config{
		Root: dir, ShowRoot: dir, Clock: true, Builtins: builtins, VirtualClock: vc,
		Print: func(_ actor.Address, msg string) { l.add(msg, false) },
	})
	if err != nil {
		root.Close()
		return nil, nil, nil, err
	}
	return sys, vc, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if sys.Shutdown(ctx) != nil {
			sys.Close()
		}
		root.Close()
	}, nil
}

// virtualTime is Starlark's time module with now() reading vc.
func virtualTime(vc *actor.VirtualClock) starlark.Value {
	members := make(starlark.StringDict, len(starlarktime.Module.Members))
	for k, v := range starlarktime.Module.Members {
		members[k] = v
	}
	members["now"] = starlark.NewBuiltin("now", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return starlarktime.Time(vc.Now()), nil
	})
	return &starlarkstruct.Module{Name: "time", Members: members}
}

// sleepBuiltin is sleep(seconds): the calling actor waits that long, on vc
// when there is one. On a virtual clock the wait counts as the actor being
// idle, so time moves on.
func sleepBuiltin(vc *actor.VirtualClock, ctx context.Context) *starlark.Builtin {
	return starlark.NewBuiltin("sleep", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var v starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
			return nil, err
		}
		secs, ok := starlark.AsFloat(v)
		if !ok {
			return nil, fmt.Errorf("sleep: want seconds (an int or a float), got %s", v.Type())
		}
		if secs < 0 {
			return nil, fmt.Errorf("sleep: negative duration %v", secs)
		}
		if ctx == nil {
			return nil, errors.New("sleep: only test functions and the actors they spawn may sleep")
		}
		d := time.Duration(secs * float64(time.Second))
		if vc != nil {
			return starlark.None, vc.Sleep(ctx, d)
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return starlark.None, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
}

// Run runs the test function name in a fresh actor system (embedded, no
// node) and reports its outcome. The test fails when an assertion fails,
// when the function fails (fail(), an error, a step limit), or when it
// runs past Options.Timeout; ctx ends it early.
func (f *File) Run(ctx context.Context, name string) Result {
	res := Result{Name: name}
	l := new(log)
	timeout := f.opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	sys, vc, end, err := f.newSystem(l, ctx)
	if err != nil {
		res.Failed, res.Output = true, []string{err.Error()}
		return res
	}
	var t0 time.Time
	if vc != nil {
		t0 = vc.Now()
	}
	crashes := new(log) // the failures of actors
	unsubscribe := sys.Subscribe(func(e actor.Event) {
		if fe, ok := e.(*actor.FailureEvent); ok {
			crashes.add(fmt.Sprintf("actor %s (%s) failed:\n%s", fe.Actor, fe.Script, errText(fe.Err)), false)
		}
	})
	mod, err := sys.Load(filepath.Base(f.Path))
	if err == nil {
		err = sys.RunFunction(ctx, mod, name)
	}
	if vc != nil {
		res.Virtual = vc.Now().Sub(t0)
	}
	// An actor that failed a request reports its failure after answering
	// it, maybe after the test function returned: the shutdown waits for
	// every actor, so every failure is in once it is done.
	end()
	unsubscribe()
	res.Elapsed = time.Since(start)
	out, failed := l.snapshot()
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		failed = true
		out = append(out, fmt.Sprintf("test timed out after %v", timeout))
	default:
		failed = true
		out = append(out, errText(err))
	}
	failures, _ := crashes.snapshot()
	if err != nil && len(failures) > 0 {
		// The test function's own failure is reported above.
		failures = dropFirst(failures, errText(err))
	}
	res.Output = append(out, failures...)
	res.Failed = failed
	return res
}

// errText is an error as a test reports it: a script's traceback, or the message.
func errText(err error) string {
	var se *interp.ScriptError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

// dropFirst removes the report of the root actor's failure from failures:
// the entry that ends with text.
func dropFirst(failures []string, text string) []string {
	for i, f := range failures {
		if strings.HasSuffix(f, "\n"+text) {
			return append(failures[:i], failures[i+1:]...)
		}
	}
	return failures
}
