// This file holds T1's Python side: bench/t1/t1.py run by a Python
// interpreter with multiprocessing.Pool or InterpreterPoolExecutor.

package bench

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// T1Executor is the pool t1.py runs its workers in.
type T1Executor string

const (
	// T1Processes is multiprocessing.Pool: k processes.
	T1Processes T1Executor = "process"
	// T1Interpreters is concurrent.futures.InterpreterPoolExecutor (CPython
	// 3.14 and later): k subinterpreters in one process.
	T1Interpreters T1Executor = "interpreter"
)

// ErrT1NoPython reports that the Python interpreter was not found.
var ErrT1NoPython = errors.New("bench: T1: no Python interpreter")

// t1Unavailable is t1.py's exit status when the executor is missing.
const t1Unavailable = 3

// T1Python runs t1.py over the corpus with python (empty: "python3" from
// PATH) and k workers of executor e, and returns what it printed and the
// time it measured itself (from listing the files to the report, pool
// start and stop included; the interpreter's start is not). It fails with
// ErrT1NoPython when python is not found, and ErrT1Unavailable when this
// Python lacks the executor. Its CPU time is the whole process's with its
// workers, the interpreter's start included.
func T1Python(ctx context.Context, c T1Corpus, k int, e T1Executor, python string) (T1Result, error) {
	if k < 1 {
		return T1Result{}, fmt.Errorf("bench: T1 python: %d workers; want at least 1", k)
	}
	if e != T1Processes && e != T1Interpreters {
		return T1Result{}, fmt.Errorf("bench: T1 python: unknown executor %q", e)
	}
	exe, err := exec.LookPath(cmp.Or(python, "python3"))
	if err != nil {
		return T1Result{}, fmt.Errorf("%w: %v", ErrT1NoPython, err)
	}
	script, cleanup, err := t1WriteScript()
	if err != nil {
		return T1Result{}, err
	}
	defer cleanup()
	cmd := exec.CommandContext(ctx, exe, script, c.Dir, "-k", strconv.Itoa(k), "--executor", string(e))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == t1Unavailable:
		return T1Result{}, fmt.Errorf("%w: %s", ErrT1Unavailable, strings.TrimSpace(stderr.String()))
	case err != nil:
		return T1Result{}, fmt.Errorf("bench: T1 python (%s, %d workers): %v\n%s", e, k, err, stderr.String())
	}
	elapsed, err := t1Seconds(stderr.String())
	if err != nil {
		return T1Result{}, fmt.Errorf("bench: T1 python (%s, %d workers): %w", e, k, err)
	}
	// The process's CPU time holds its workers', which it waited for; and
	// also the interpreter's start (tens of milliseconds).
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return T1Result{Elapsed: elapsed, CPU: cpu, Output: stdout.String()}, nil
}

// PythonVersion returns python's version ("3.11.7"), or an error wrapping
// ErrT1NoPython.
func PythonVersion(ctx context.Context, python string) (string, error) {
	exe, err := exec.LookPath(cmp.Or(python, "python3"))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrT1NoPython, err)
	}
	out, err := exec.CommandContext(ctx, exe, "-c", "import platform; print(platform.python_version())").Output()
	if err != nil {
		return "", fmt.Errorf("bench: %s: %w", exe, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// t1WriteScript writes t1.py into a temporary folder: multiprocessing's
// spawn and forkserver start methods import the main module by its file.
func t1WriteScript() (path string, cleanup func(), err error) {
	src, err := fs.ReadFile(T1Scripts, "t1.py")
	if err != nil {
		return "", nil, fmt.Errorf("bench: T1 python: %w", err)
	}
	dir, err := os.MkdirTemp("", "murmur-t1-py-")
	if err != nil {
		return "", nil, fmt.Errorf("bench: T1 python: %w", err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "t1.py")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("bench: T1 python: %w", err)
	}
	return path, cleanup, nil
}

// t1Seconds reads the "seconds S" line t1.py writes last to stderr.
func t1Seconds(stderr string) (time.Duration, error) {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	s, ok := strings.CutPrefix(lines[len(lines)-1], "seconds ")
	if !ok {
		return 0, fmt.Errorf("no \"seconds\" line on stderr:\n%s", stderr)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad \"seconds\" line %q", lines[len(lines)-1])
	}
	return time.Duration(f * float64(time.Second)), nil
}
