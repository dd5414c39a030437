// Tests of the report: formatting, medians, and a small run end to end.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	progressTo = io.Discard
	goleak.VerifyTestMain(m)
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{count(0), "0"},
		{count(999), "999"},
		{count(1000), "1,000"},
		{count(-1234567), "-1,234,567"},
		{value(249999.6, "/s"), "250,000/s"},
		{value(3287.2, "B"), "3,287 B"},
		{value(1.944, "×"), "1.94"},
		{value(829.4, "ms"), "829 ms"},
		{value(5.26, "µs"), "5.3 µs"},
		{value(1234.4, ""), "1,234"},
		{ratio(0.0747), "0.0747"},
		{ratio(4.46), "4.46"},
		{ratio(85.31), "85.3"},
		{ratio(120.4), "120"},
		{ratio(math.NaN()), "–"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestSummary(t *testing.T) {
	r := &row{ID: "W2", Figure: "f", Unit: "/s", Target: "≥ 2", Meets: atLeast(2)}
	r.add(1, 1)
	r.add(3, 1)
	r.add(2, 4)
	s := r.summary()
	// Medians of each side, and the median of the per-run ratios (1, 3, 0.5).
	if s.Murmur != 2 || s.Protoactor != 1 || s.Ratio != 1 || s.Met == nil || !*s.Met {
		t.Errorf("summary = %+v", s)
	}
	// A target on the ratio as well: the value alone does not meet it.
	r.MinRatio = 1.3
	if s := r.summary(); s.Met == nil || *s.Met {
		t.Errorf("met with a ratio of %v under 1.3: %+v", s.Ratio, s)
	}
	if median([]float64{4, 1, 3, 2}) != 2.5 {
		t.Error("median of an even count is not the mean of the middle two")
	}
}

// TestSmallRun runs the quick workloads, tiny, and prints them both ways.
func TestSmallRun(t *testing.T) {
	o := options{runs: 2, w1: 50, w2: 50, w3: 200, w5max: 1, w6: 300, w7: 8,
		only: map[string]bool{"W1": true, "W2": true, "W3": true, "W5": true, "W6": true, "W7": true}}
	rows, err := measure(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	rep := report{Runs: o.runs}
	for _, r := range rows {
		if len(r.murmur) != o.runs || len(r.proto) != o.runs {
			t.Errorf("%s %s: %d and %d measurements, want %d", r.ID, r.Figure, len(r.murmur), len(r.proto), o.runs)
		}
		rep.Rows = append(rep.Rows, r.summary())
	}
	var table bytes.Buffer
	rep.print(&table)
	for _, want := range []string{"| W1 | spawn 50 actors", "| W2 |", "| W3 |", "| W5 | transfer 1 MiB", "| W6 | ring of 100, 300 hops", "| W7 | fib(8) tree, 41 actors", "≥ 250,000/s"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
	if b, err := json.Marshal([]num{num(math.Inf(1)), 1.5}); err != nil || string(b) != "[null,1.5]" {
		t.Errorf("non-finite numbers in JSON: %s, %v", b, err)
	}
	if _, err := measure(context.Background(), options{runs: 1, only: map[string]bool{"W9": true}}); err == nil {
		t.Error("-only W9 did not fail")
	}
}
