// T1, the log job against Python, as a table of its own: seconds with k
// workers on each side and the ratio murmur ÷ Python. It runs only when
// -only names it: the first run generates a 200 MiB corpus, and a run
// takes about a minute on 2 cores.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/murmur-go/murmur/bench"
)

// T1's flags.
var (
	t1MB      = flag.Int("t1mb", 200, "T1 (-only T1): corpus size in MiB, files of 1 MiB")
	t1Seed    = flag.Uint64("t1seed", 0, "T1: the corpus generator's seed")
	t1Workers = flag.String("t1k", "", "T1: worker counts, comma-separated (empty: 1 and GOMAXPROCS)")
	t1Variant = flag.String("t1variant", "auto", "T1: murmur's script: auto (re where predeclared), strings or re")
	t1Python  = flag.String("t1python", "python3", "T1: the Python interpreter")
)

// t1Config is what a T1 measurement runs.
type t1Config struct {
	corpus  bench.T1Options
	ks      []int
	variant bench.T1Variant
	python  string
}

// t1FromFlags reads T1's flags.
func t1FromFlags() (t1Config, error) {
	cfg := t1Config{corpus: bench.T1Options{Seed: *t1Seed, Files: *t1MB}, python: *t1Python}
	if *t1MB < 1 {
		return cfg, fmt.Errorf("-t1mb %d: want at least 1", *t1MB)
	}
	var err error
	if cfg.variant, err = bench.ParseT1Variant(*t1Variant); err != nil {
		return cfg, fmt.Errorf("-t1variant: %w", err)
	}
	if *t1Workers == "" {
		cfg.ks = []int{1}
		if n := runtime.GOMAXPROCS(0); n > 1 {
			cfg.ks = append(cfg.ks, n)
		}
		return cfg, nil
	}
	for _, s := range strings.Split(*t1Workers, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || k < 1 {
			return cfg, fmt.Errorf("-t1k %q: want worker counts of 1 or more", *t1Workers)
		}
		cfg.ks = append(cfg.ks, k)
	}
	return cfg, nil
}

// t1Report is T1's part of the report.
type t1Report struct {
	Corpus   string   `json:"corpus"`
	Files    int      `json:"files"`
	Bytes    int64    `json:"bytes"`
	Requests int      `json:"requests"`
	Variant  string   `json:"variant"` // murmur's script
	Python   string   `json:"python"`  // its version, or why there is none
	Runs     int      `json:"runs"`
	Rows     []t1Row  `json:"rows"`
	Notes    []string `json:"notes"`
}

// t1Row is one k and one Python executor: seconds on each side.
type t1Row struct {
	K          int    `json:"k"`
	Executor   string `json:"executor"`
	Murmur     num    `json:"murmur_s"`
	Python     num    `json:"python_s"`
	Ratio      num    `json:"ratio"` // median over runs of murmur ÷ Python
	MurmurRuns []num  `json:"murmur_runs"`
	PythonRuns []num  `json:"python_runs"`
	// CPU time, user and system: murmur's process; Python's, its workers included
	MurmurCPU num `json:"murmur_cpu_s"`
	PythonCPU num `json:"python_cpu_s"`
	CPURatio  num `json:"cpu_ratio"` // median over runs of murmur ÷ Python
}

// measureT1 generates (or finds) the corpus and runs the job runs times:
// per run and k, murmur, then Python with each executor it has, every
// answer checked against the one computed in Go.
func measureT1(ctx context.Context, cfg t1Config, runs int) (*t1Report, error) {
	progress("  T1 corpus: %d files of 1 MiB", cfg.corpus.Files)
	c, err := bench.T1Generate(cfg.corpus)
	if err != nil {
		return nil, err
	}
	want, err := bench.T1Expected(ctx, c)
	if err != nil {
		return nil, err
	}
	rep := &t1Report{Corpus: c.Dir, Files: c.Files, Bytes: c.Bytes, Requests: want.Requests, Runs: runs}
	executors := []bench.T1Executor{bench.T1Processes, bench.T1Interpreters}
	if v, err := bench.PythonVersion(ctx, cfg.python); err != nil {
		rep.Python = err.Error()
		rep.Notes = append(rep.Notes, fmt.Sprintf("Python side skipped: %v", err))
		executors = nil
	} else {
		rep.Python = "Python " + v
	}
	type key struct {
		k int
		e bench.T1Executor // "" where there is no Python
	}
	rows := make(map[key]*[2]row) // seconds, CPU seconds
	var order []key
	add := func(at key, murmur bench.T1Result, python *bench.T1Result) {
		if rows[at] == nil {
			rows[at] = new([2]row)
			order = append(order, at)
		}
		p, pcpu := math.NaN(), math.NaN()
		if python != nil {
			p, pcpu = python.Elapsed.Seconds(), python.CPU.Seconds()
		}
		rows[at][0].add(murmur.Elapsed.Seconds(), p)
		rows[at][1].add(murmur.CPU.Seconds(), pcpu)
	}
	for i := range runs {
		progress("  T1 run %d of %d", i+1, runs)
		for _, k := range cfg.ks {
			progress("  T1 murmur, %d workers", k)
			m, err := bench.T1Murmur(ctx, c, k, cfg.variant)
			if err != nil {
				return nil, err
			}
			if err := want.Check("murmur", m.Output); err != nil {
				return nil, err
			}
			rep.Variant = m.Variant.String()
			if len(executors) == 0 {
				add(key{k, ""}, m, nil)
			}
			for _, e := range executors {
				progress("  T1 Python %s, %d workers", e, k)
				p, err := bench.T1Python(ctx, c, k, e, cfg.python)
				if errors.Is(err, bench.ErrT1Unavailable) {
					rep.Notes = append(rep.Notes, fmt.Sprintf("Python %s skipped: %v", t1ExecutorName(e), err))
					executors = slices.DeleteFunc(executors, func(x bench.T1Executor) bool { return x == e })
					continue
				}
				if err != nil {
					return nil, err
				}
				if err := want.Check("python "+string(e), p.Output); err != nil {
					return nil, err
				}
				add(key{k, e}, m, &p)
			}
		}
	}
	for _, at := range order {
		s, cpu := rows[at][0].summary(), rows[at][1].summary()
		rep.Rows = append(rep.Rows, t1Row{K: at.k, Executor: t1ExecutorName(at.e), Murmur: s.Murmur, Python: s.Protoactor,
			Ratio: s.Ratio, MurmurRuns: s.MurmurRuns, PythonRuns: s.ProtoRuns,
			MurmurCPU: cpu.Murmur, PythonCPU: cpu.Protoactor, CPURatio: cpu.Ratio})
	}
	return rep, nil
}

// t1ExecutorName is the Python pool e names, as the table shows it.
func t1ExecutorName(e bench.T1Executor) string {
	switch e {
	case bench.T1Processes:
		return "multiprocessing.Pool"
	case bench.T1Interpreters:
		return "InterpreterPoolExecutor"
	}
	return "–"
}

// print writes T1's table.
func (rep *t1Report) print(w io.Writer) {
	fmt.Fprintf(w, "\nT1 log job: %d files, %s (%s), %s requests; murmur's script: %s; %s; medians of %d runs; ratio = murmur ÷ Python, median of the per-run ratios\n\n",
		rep.Files, value(float64(rep.Bytes)/(1<<20), "MiB"), rep.Corpus, count(rep.Requests),
		rep.Variant, rep.Python, rep.Runs)
	fmt.Fprintln(w, "| k | Python pool | murmur | Python | murmur ÷ Python | target | murmur CPU | Python CPU | CPU ÷ |")
	fmt.Fprintln(w, "| -: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | ≤ 1 | %s | %s | %s |\n", r.K, r.Executor, seconds(r.Murmur), seconds(r.Python),
			ratio(float64(r.Ratio)), seconds(r.MurmurCPU), seconds(r.PythonCPU), ratio(float64(r.CPURatio)))
	}
	fmt.Fprintln(w, "\nCPU: user and system time, murmur's process and Python's with its workers (its interpreter's start included); less sensitive than seconds to other load on the machine.")
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "\n%s", n)
	}
	fmt.Fprintln(w)
}

func seconds(v num) string {
	if f := float64(v); !math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', 2, 64) + " s"
	}
	return "–"
}

// runT1 measures T1 if -only names it, and returns nil otherwise.
func runT1(ctx context.Context, o options) (*t1Report, error) {
	if !o.only["T1"] {
		return nil, nil
	}
	cfg, err := t1FromFlags()
	if err != nil {
		return nil, err
	}
	return measureT1(ctx, cfg, o.runs)
}
