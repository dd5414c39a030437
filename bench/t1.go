// This file holds T1's murmur side: the application scripts of bench/t1,
// run as `murmur run` runs them, with read-only files over the corpus.

package bench

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/internal/gctune"
	"github.com/murmur-go/murmur/lib/files"
)

//go:embed t1/*.star t1/t1.py
var t1Embedded embed.FS

// T1Scripts are T1's scripts (bench/t1): main.star and count.star (the
// job with Starlark's string methods), main_re.star and count_re.star (the
// same with the re and counter modules), report.star (the answer's text,
// which both load), and t1.py (Python's side).
var T1Scripts, _ = fs.Sub(t1Embedded, "t1")

// T1Variant is which of T1's murmur scripts runs.
type T1Variant int

const (
	// T1Auto runs T1Re where the re and counter modules are predeclared,
	// T1Strings elsewhere (the zero value).
	T1Auto T1Variant = iota
	// T1Strings is main.star: lines split with Starlark's string methods,
	// counts in dicts.
	T1Strings
	// T1Re is main_re.star: re.findall and counter().
	T1Re
)

var t1VariantNames = []string{"auto", "strings", "re"}

func (v T1Variant) String() string {
	if int(v) >= 0 && int(v) < len(t1VariantNames) {
		return t1VariantNames[v]
	}
	return "T1Variant(" + strconv.Itoa(int(v)) + ")"
}

// ParseT1Variant returns the variant named "auto", "strings" or "re".
func ParseT1Variant(name string) (T1Variant, error) {
	for i, n := range t1VariantNames {
		if n == name {
			return T1Variant(i), nil
		}
	}
	return 0, fmt.Errorf("bench: unknown T1 variant %q; want auto, strings or re", name)
}

// ErrT1Unavailable reports a side of T1 that cannot run here: the re and
// counter modules are not predeclared, or this Python lacks
// InterpreterPoolExecutor. The error wrapping it says why.
var ErrT1Unavailable = errors.New("bench: T1 side unavailable")

// T1Result is one run of the job.
type T1Result struct {
	Elapsed time.Duration // the job: loading the app, the pool, map, merge and report
	CPU     time.Duration // CPU time (user and system, every thread or process) in that time; zero where unknown
	Output  string        // what it printed
	Variant T1Variant     // the murmur script that ran (T1Strings or T1Re); zero for Python
}

// T1Murmur runs the application script of variant v over the corpus with a
// pool of k workers (zero: one per core), each reading its files with
// read_file as under `murmur run`, and returns what it printed and its time
// from loading main to its end. The system's start and shutdown are not
// timed. It sets the garbage collector as `murmur run` does (gctune.Apply:
// GOGC=400 unless the environment sets GOGC) and puts it back after. T1Re fails with ErrT1Unavailable unless re and counter are
// predeclared.
func T1Murmur(ctx context.Context, c T1Corpus, k int, v T1Variant) (T1Result, error) {
	if k < 0 {
		return T1Result{}, fmt.Errorf("bench: T1 murmur: %d workers", k)
	}
	root, err := os.OpenRoot(c.Dir)
	if err != nil {
		return T1Result{}, fmt.Errorf("bench: T1 murmur: %w", err)
	}
	defer root.Close()
	_, restoreGC := gctune.Apply() // as murmur run
	defer restoreGC()
	var (
		mu  sync.Mutex
		out strings.Builder
	)
	sys, err := actor.NewSystem(actor.Config{
		FS:       T1Scripts,
		Builtins: files.Builtins(root), // murmur run's read_file and list_files
		Print: func(_ actor.Address, msg string) {
			mu.Lock()
			defer mu.Unlock()
			out.WriteString(msg + "\n")
		},
	})
	if err != nil {
		return T1Result{}, err
	}
	m := murmurSystem{sys}
	defer m.close()
	if v, err = t1Pick(m, v); err != nil {
		return T1Result{}, err
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	start, cpu := time.Now(), processCPU()
	mod, err := sys.Load(map[T1Variant]string{T1Strings: "main.star", T1Re: "main_re.star"}[v])
	if err == nil {
		err = sys.Run(ctx, mod, []string{".", strconv.Itoa(k)})
	}
	elapsed, cpu := time.Since(start), processCPU()-cpu
	if err != nil {
		return T1Result{}, fmt.Errorf("bench: T1 murmur (%s, %d workers): %w", v, k, err)
	}
	mu.Lock()
	defer mu.Unlock()
	return T1Result{Elapsed: elapsed, CPU: cpu, Output: out.String(), Variant: v}, nil
}

// t1Pick resolves T1Auto, and checks that T1Re's modules are predeclared:
// its scripts compile only then.
func t1Pick(sys murmurSystem, v T1Variant) (T1Variant, error) {
	switch v {
	case T1Strings:
		return v, nil
	case T1Auto, T1Re:
	default:
		return 0, fmt.Errorf("bench: T1 murmur: unknown variant %d", v)
	}
	for _, script := range []string{"count_re.star", "main_re.star"} {
		_, err := sys.Load(script)
		switch {
		case err == nil:
		case !strings.Contains(err.Error(), ": undefined: "):
			return 0, err
		case v == T1Auto:
			return T1Strings, nil
		default:
			return 0, fmt.Errorf("%w: the re variant needs the re and counter modules: %v", ErrT1Unavailable, err)
		}
	}
	return T1Re, nil
}
