// Package gctune sets the garbage collector's defaults of a process that
// runs scripts, as `murmur run` and `murmur node` do: a higher GOGC, with a
// soft memory limit that keeps the heap bounded.
//
// Scripts allocate many short-lived values (a string per field, a tuple per
// match, an int per count) over a small live heap, so with Go's default
// (GOGC=100) the collector runs every few megabytes of allocation and
// preempts every worker each time: about a fifth of the CPU of a text job
// (bench/README.md, T1). Apply sets GOGC to 400 when the user set no GOGC,
// and, when the user set no GOMEMLIMIT, a soft memory limit of half the
// machine's memory (the cgroup's limit where that is lower), so the heap
// may grow to five times the live data but not past that half: the
// collector works harder as the limit nears. The environment variables
// keep their meaning: GOGC=100 restores Go's default, GOGC=off turns the
// collector off, GOMEMLIMIT sets another limit.
//
// Apply sets process globals; call it from main, once, not from a library.
package gctune

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Percent is the GOGC Apply sets when the user set none.
const Percent = 400

// Setting is what Apply set: zero fields were left as they were.
type Setting struct {
	Percent int   // the GOGC set; 0: the user's GOGC (or Go's default) stands
	Limit   int64 // the soft memory limit set, in bytes; 0: none set
}

// Apply sets the collector's defaults (see the package documentation) and
// returns what it set, and a function that puts the previous values back.
func Apply() (Setting, func()) {
	s := Choose(os.LookupEnv, MachineMemory(os.DirFS("/")))
	oldPercent, oldLimit := -2, int64(-1)
	if s.Percent != 0 {
		oldPercent = debug.SetGCPercent(s.Percent)
	}
	if s.Limit != 0 {
		oldLimit = debug.SetMemoryLimit(s.Limit)
	}
	return s, func() {
		if oldPercent != -2 {
			debug.SetGCPercent(oldPercent)
		}
		if oldLimit >= 0 {
			debug.SetMemoryLimit(oldLimit)
		}
	}
}

// Choose returns the setting for an environment (env is os.LookupEnv's
// shape) on a machine of mem bytes (0: unknown). GOGC is raised only where
// a memory limit bounds the heap: the user's GOMEMLIMIT, or half of mem.
func Choose(env func(string) (string, bool), mem int64) Setting {
	if _, set := env("GOGC"); set {
		return Setting{}
	}
	if _, set := env("GOMEMLIMIT"); set {
		return Setting{Percent: Percent}
	}
	if mem <= 0 {
		return Setting{}
	}
	return Setting{Percent: Percent, Limit: mem / 2}
}

// MachineMemory returns the memory this process may use, in bytes, read
// from root (the file system's root: /proc/meminfo's MemTotal, lowered by
// a cgroup v2 or v1 memory limit); 0 when it cannot tell (not Linux, or
// files it cannot read or parse).
func MachineMemory(root fs.FS) int64 {
	mem := memTotal(root)
	for _, name := range []string{"sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := fs.ReadFile(root, name)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64) // "max" is no limit
		if err == nil && n > 0 && (mem == 0 || n < mem) {
			mem = n
		}
	}
	return mem
}

// memTotal returns /proc/meminfo's MemTotal in bytes, 0 if unknown.
func memTotal(root fs.FS) int64 {
	f, err := root.Open("proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, ok := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		n, err := strconv.ParseInt(kb, 10, 64)
		if !ok || err != nil || n <= 0 || n > 1<<53 {
			return 0
		}
		return n << 10
	}
	return 0
}
