// This file holds the assert module of test scripts: go.starlark.net's
// starlarktest module, reporting each failure at the line that asserted.

package actortest

import (
	"fmt"
	"strings"
	"sync"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/starlarktest"
	"go.starlark.net/syntax"
)

// reporterKey is the thread-local key under which starlarktest keeps its
// Reporter (starlarktest.SetReporter).
const reporterKey = "Reporter"

// log is the ordered output of one test: assertion failures and prints,
// from any of its actors.
type log struct {
	mu     sync.Mutex
	lines  []string
	failed bool
}

func (l *log) add(line string, fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
	l.failed = l.failed || fail
}

func (l *log) snapshot() ([]string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...), l.failed
}

// atReporter receives starlarktest's error for one assertion made at pos.
type atReporter struct {
	log *log
	pos syntax.Position
}

// Error keeps the message without starlarktest's traceback, which runs
// through assert.star, behind the file:line of the assertion.
func (r *atReporter) Error(args ...any) {
	msg := fmt.Sprint(args...)
	if i := strings.Index(msg, "\nError: "); i >= 0 {
		msg = msg[i+len("\nError: "):]
	} else {
		msg = strings.TrimPrefix(msg, "Error: ")
	}
	r.log.add(fmt.Sprintf("%s:%d: %s", r.pos.Filename(), r.pos.Line, msg), true)
}

// assertModule returns starlarktest's assert module (eq, ne, true, lt,
// contains, fails, fail), each function reporting to l: a failed assertion
// marks the test failed and the test goes on, as t.Error does.
func assertModule(l *log) (starlark.Value, error) {
	base, err := starlarktest.LoadAssertModule()
	if err != nil {
		return nil, fmt.Errorf("actortest: starlarktest's assert module: %w", err)
	}
	mod, ok := base["assert"].(*starlarkstruct.Module)
	if !ok {
		return nil, fmt.Errorf("actortest: starlarktest's assert is a %s, not a module", base["assert"].Type())
	}
	members := make(starlark.StringDict, len(mod.Members))
	for name, fn := range mod.Members {
		callable, ok := fn.(starlark.Callable)
		if !ok {
			members[name] = fn
			continue
		}
		members[name] = starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			prev := thread.Local(reporterKey)
			defer thread.SetLocal(reporterKey, prev)
			starlarktest.SetReporter(thread, &atReporter{log: l, pos: thread.CallFrame(1).Pos})
			return starlark.Call(thread, callable, args, kwargs)
		})
	}
	return &starlarkstruct.Module{Name: "assert", Members: members}, nil
}
