// Tests of T1's part of the report: a tiny corpus, measured and printed.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/bench"
)

func TestT1Report(t *testing.T) {
	cfg := t1Config{corpus: bench.T1Options{Files: 3, FileSize: 32 << 10, Dir: t.TempDir()}, ks: []int{1, 2}, variant: bench.T1Strings}
	rep, err := measureT1(context.Background(), cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Variant != "strings" || rep.Files != 3 || rep.Requests < 100 {
		t.Errorf("report %+v", rep)
	}
	python := !strings.HasPrefix(rep.Python, "bench:")
	var ks []int
	for _, r := range rep.Rows {
		if len(r.MurmurRuns) != 2 || r.Murmur <= 0 {
			t.Errorf("row %+v: want two runs of murmur", r)
		}
		if python != (len(r.PythonRuns) == 2 && r.Python > 0) {
			t.Errorf("row %+v: Python runs do not match %q", r, rep.Python)
		}
		if r.Executor != "InterpreterPoolExecutor" {
			ks = append(ks, r.K)
		}
	}
	if len(ks) != 2 || ks[0] != 1 || ks[1] != 2 {
		t.Errorf("rows for k = %v, want 1 and 2", ks)
	}
	var out bytes.Buffer
	rep.print(&out)
	for _, want := range []string{"T1 log job: 3 files", "| 1 |", "| 2 |", "murmur ÷ Python"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
	t.Log("\n" + out.String())
}

// TestT1NoPython: without a Python, murmur's side runs alone, with a note.
func TestT1NoPython(t *testing.T) {
	cfg := t1Config{corpus: bench.T1Options{Files: 2, FileSize: 16 << 10, Dir: t.TempDir()}, ks: []int{2},
		variant: bench.T1Auto, python: "no-such-python-here"}
	rep, err := measureT1(context.Background(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || rep.Rows[0].Murmur <= 0 || !math.IsNaN(float64(rep.Rows[0].Python)) || len(rep.Notes) != 1 ||
		!strings.Contains(rep.Notes[0], "Python side skipped") {
		t.Errorf("report without Python: %+v", rep)
	}
	if b, err := json.Marshal(rep); err != nil || !strings.Contains(string(b), `"python_s":null`) {
		t.Errorf("JSON: %s, %v", b, err)
	}
	var out bytes.Buffer
	rep.print(&out)
	if !strings.Contains(out.String(), "| 2 | – |") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestT1Flags(t *testing.T) {
	defer func(k, v string, mb int) { *t1Workers, *t1Variant, *t1MB = k, v, mb }(*t1Workers, *t1Variant, *t1MB)
	for _, c := range []struct {
		k, variant string
		mb         int
		want       string // error, or "" for none
	}{
		{"1,4", "re", 10, ""},
		{"", "auto", 200, ""},
		{"0", "auto", 200, "-t1k"},
		{"1,x", "auto", 200, "-t1k"},
		{"1", "regex", 200, "-t1variant"},
		{"1", "auto", 0, "-t1mb"},
	} {
		*t1Workers, *t1Variant, *t1MB = c.k, c.variant, c.mb
		cfg, err := t1FromFlags()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: error %v, want one about %s", c, err, c.want)
		case c.want == "" && (len(cfg.ks) == 0 || cfg.corpus.Files != c.mb):
			t.Errorf("%+v: config %+v", c, cfg)
		}
	}
}
