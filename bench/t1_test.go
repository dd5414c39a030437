// Tests of T1, the log job: the corpus, the answer computed in Go, and
// every side's answer on a small corpus; and T1 as a Go benchmark.

package bench_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/bench"
)

// smallT1 is a corpus small enough for every test: 5 files of 48 KiB.
func smallT1(t testing.TB) bench.T1Corpus {
	t.Helper()
	c, err := bench.T1Generate(bench.T1Options{Seed: 7, Files: 5, FileSize: 48 << 10, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestT1Corpus(t *testing.T) {
	parent := t.TempDir()
	opts := bench.T1Options{Seed: 3, Files: 3, FileSize: 16 << 10, Dir: parent}
	c, err := bench.T1Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Files != 3 || c.Bytes <= 3*(16<<10-1000) || c.Bytes > 3*16<<10 {
		t.Errorf("corpus %+v: want 3 files of nearly 16 KiB", c)
	}
	first := filepath.Join(c.Dir, "access-0000.log")
	before, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(before, []byte("\n")) || !bytes.HasPrefix(bytes.SplitN(before, []byte(" "), 2)[1], []byte("- - [01/Nov/2026:00:00:")) {
		t.Errorf("first file starts %q", before[:min(len(before), 120)])
	}

	// The same options again: the same folder, reused, not written again.
	if err := os.WriteFile(first, append([]byte("x"), before[1:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := bench.T1Generate(opts)
	if err != nil || again != c {
		t.Fatalf("second T1Generate = %+v, %v; want %+v", again, err, c)
	}
	if b, _ := os.ReadFile(first); b[0] != 'x' {
		t.Error("the cached corpus was generated again")
	}

	// Elsewhere, the same seed gives the same bytes; another seed others.
	same, err := bench.T1Generate(bench.T1Options{Seed: 3, Files: 3, FileSize: 16 << 10, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(same.Dir, "access-0000.log")); !bytes.Equal(b, before) {
		t.Error("the same seed gave another file")
	}
	other, err := bench.T1Generate(bench.T1Options{Seed: 4, Files: 3, FileSize: 16 << 10, Dir: parent})
	if err != nil {
		t.Fatal(err)
	}
	if other.Dir == c.Dir {
		t.Error("another seed shares the folder")
	}
	if b, _ := os.ReadFile(filepath.Join(other.Dir, "access-0000.log")); bytes.Equal(b, before) {
		t.Error("another seed gave the same file")
	}

	// A corpus whose files no longer add up is refused, not reused.
	if err := os.Truncate(first, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := bench.T1Generate(opts); err == nil || !strings.Contains(err.Error(), "remove the folder") {
		t.Errorf("a truncated corpus: %v", err)
	}
}

func TestT1CorpusErrors(t *testing.T) {
	for _, c := range []struct {
		opts bench.T1Options
		want string
	}{
		{bench.T1Options{Files: -1}, "-1 files"},
		{bench.T1Options{FileSize: 100}, "file size 100 bytes"},
		{bench.T1Options{Files: 1, FileSize: 2048, Dir: "/dev/null/x"}, "T1 corpus"},
	} {
		if _, err := bench.T1Generate(c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("T1Generate(%+v) = %v; want an error with %q", c.opts, err, c.want)
		}
	}
}

// TestT1Expected checks the answer computed in Go on lines written by
// hand, the skipped shapes among them.
func TestT1Expected(t *testing.T) {
	dir := t.TempDir()
	files := []string{
		`1.2.3.4 - - [01/Nov/2026:00:00:00 +0000] "GET /a HTTP/1.1" 200 100 "curl/8.5.0"
1.2.3.4 - - [01/Nov/2026:00:00:01 +0000] "GET /b HTTP/2.0" 304 - "Mozilla/5.0 (X11; Linux x86_64)"
1.2.3.4 - - [01/Nov/2026:00:00:02 +0000] "-" 400 0 "-"
1.2.3.4 - - [01/Nov/2026:00:00:03 +0000] "\x16\x03\x01" 400 157 "-"
1.2.3.4 - - [01/Nov/2026:00:00:04 +0000] "POST /b HTTP/1.0" 404 30 "Go-http-client/2.0"
`,
		`5.6.7.8 - - [01/Nov/2026:01:00:00 +0000] "HEAD /c HTTP/1.1" 200 5 "curl/8.5.0"
5.6.7.8 - - [01/Nov/2026:01:00:01 +0000] "GET /b HTTP/1.1" 200 1 "curl/8.5.0"
`,
	}
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("access-%04d.log", i)), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := bench.T1Expected(context.Background(), bench.T1Corpus{Dir: dir, Files: len(files)})
	if err != nil {
		t.Fatal(err)
	}
	want := "requests 5\ntop 20 paths by requests\n3 /b\n1 /a\n1 /c\n" +
		"bytes by status\n106 200\n30 404\n0 304\n"
	if got := a.String(); got != want {
		t.Errorf("answer:\n%s\nwant:\n%s", got, want)
	}
	if err := a.Check("test", want); err != nil {
		t.Error(err)
	}
	err = a.Check("test", strings.Replace(want, "3 /b", "2 /b", 1))
	if err == nil || !strings.Contains(err.Error(), `line 3 of its answer is "2 /b", want "3 /b"`) {
		t.Errorf("Check of a wrong answer: %v", err)
	}
	if err := a.Check("test", want+"more\n"); err == nil {
		t.Error("Check of a longer answer passed")
	}
}

// TestT1Murmur runs both murmur variants on a small corpus: the strings
// one always, the re one where its modules are predeclared.
func TestT1Murmur(t *testing.T) {
	ctx := context.Background()
	c := smallT1(t)
	want, err := bench.T1Expected(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if want.Requests < 1000 || len(want.Paths) != 20 || len(want.Bytes) != 9 {
		t.Fatalf("the answer looks wrong: %s", want)
	}
	for _, k := range []int{1, 2} {
		for _, v := range []bench.T1Variant{bench.T1Strings, bench.T1Auto, bench.T1Re} {
			r, err := bench.T1Murmur(ctx, c, k, v)
			if v == bench.T1Re && errors.Is(err, bench.ErrT1Unavailable) {
				t.Logf("k=%d: %v", k, err)
				continue
			}
			if err != nil {
				t.Fatalf("k=%d, %s: %v", k, v, err)
			}
			if err := want.Check(fmt.Sprintf("murmur k=%d %s", k, v), r.Output); err != nil {
				t.Error(err)
			}
			if r.Variant == bench.T1Auto || (v != bench.T1Auto && r.Variant != v) {
				t.Errorf("k=%d, %s: ran %s", k, v, r.Variant)
			}
		}
	}
	if _, err := bench.T1Murmur(ctx, bench.T1Corpus{Dir: t.TempDir(), Files: 1}, 1, bench.T1Strings); err == nil ||
		!strings.Contains(err.Error(), "no .log files") {
		t.Errorf("an empty folder: %v", err)
	}
}

// TestT1ReCompiles compiles the re variant with re and counter declared
// (builtins that fail if called), as `murmur check -builtins re,counter`
// would: it must be ready when the modules land.
func TestT1ReCompiles(t *testing.T) {
	declared := starlark.StringDict{}
	for _, name := range []string{"re", "counter", "read_file", "list_files"} {
		declared[name] = starlark.NewBuiltin(name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return nil, errors.New("declared only")
		})
	}
	sys, err := actor.NewSystem(actor.Config{FS: bench.T1Scripts, Builtins: declared})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	for _, script := range []string{"main_re.star", "count_re.star", "main.star", "count.star"} {
		if _, err := sys.Load(script); err != nil {
			t.Error(err)
		}
	}
}

// TestT1Python runs t1.py on a small corpus, where a python3 is found.
func TestT1Python(t *testing.T) {
	ctx := context.Background()
	c := smallT1(t)
	want, err := bench.T1Expected(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []bench.T1Executor{bench.T1Processes, bench.T1Interpreters} {
		r, err := bench.T1Python(ctx, c, 2, e, "")
		switch {
		case errors.Is(err, bench.ErrT1NoPython):
			t.Skip(err)
		case e == bench.T1Interpreters && errors.Is(err, bench.ErrT1Unavailable):
			t.Log(err)
			continue
		case err != nil:
			t.Fatal(err)
		}
		if err := want.Check("python "+string(e), r.Output); err != nil {
			t.Error(err)
		}
		if r.Elapsed <= 0 || r.CPU <= 0 {
			t.Errorf("%s: elapsed %v, CPU %v", e, r.Elapsed, r.CPU)
		}
	}
	if _, err := bench.T1Python(ctx, c, 1, bench.T1Processes, "no-such-python-here"); !errors.Is(err, bench.ErrT1NoPython) {
		t.Errorf("a missing interpreter: %v", err)
	}
}

// BenchmarkT1LogJob runs the log job with k = 1 and GOMAXPROCS workers,
// murmur then Python multiprocessing (where python3 is found; ns/op is
// murmur's job). The corpus is 4 files of 1 MiB, or MURMUR_T1_MB files
// (200 for T1's full size, generated once into the temporary folder
// and reused). MURMUR_T1_VARIANT picks murmur's script (auto, strings, re).
func BenchmarkT1LogJob(b *testing.B) {
	files := 4
	if s := os.Getenv("MURMUR_T1_MB"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("MURMUR_T1_MB=%q: want a number of MiB", s)
		}
		files = n
	}
	variant, err := bench.ParseT1Variant(cmp.Or(os.Getenv("MURMUR_T1_VARIANT"), "auto"))
	if err != nil {
		b.Fatal(err)
	}
	c, err := bench.T1Generate(bench.T1Options{Files: files})
	if err != nil {
		b.Fatal(err)
	}
	want, err := bench.T1Expected(b.Context(), c)
	if err != nil {
		b.Fatal(err)
	}
	ks := []int{1}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		ks = append(ks, n)
	}
	for _, k := range ks {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			var m, p, mcpu, pcpu float64 // seconds, all iterations
			python := true
			for range b.N {
				r, err := bench.T1Murmur(b.Context(), c, k, variant)
				if err != nil {
					b.Fatal(err)
				}
				if err := want.Check("murmur "+r.Variant.String(), r.Output); err != nil {
					b.Fatal(err)
				}
				m, mcpu = m+r.Elapsed.Seconds(), mcpu+r.CPU.Seconds()
				if !python {
					continue
				}
				r, err = bench.T1Python(b.Context(), c, k, bench.T1Processes, "")
				if errors.Is(err, bench.ErrT1NoPython) {
					b.Logf("Python side skipped: %v", err)
					python = false
					continue
				}
				if err != nil {
					b.Fatal(err)
				}
				if err := want.Check("python", r.Output); err != nil {
					b.Fatal(err)
				}
				p, pcpu = p+r.Elapsed.Seconds(), pcpu+r.CPU.Seconds()
			}
			b.ReportMetric(m*1e9/float64(b.N), "ns/op")
			b.ReportMetric(m/float64(b.N), "murmur-s")
			b.ReportMetric(mcpu/float64(b.N), "murmur-cpu-s")
			b.ReportMetric(float64(c.Bytes)*float64(b.N)/m/1e6, "murmur-MB/s")
			if python {
				b.ReportMetric(p/float64(b.N), "python-s")
				b.ReportMetric(pcpu/float64(b.N), "python-cpu-s")
				b.ReportMetric(m/p, "murmur/python")
				b.ReportMetric(mcpu/pcpu, "cpu-murmur/python")
			}
		})
	}
}
