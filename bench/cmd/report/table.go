// The table: rows of measurements, their medians and ratios, and printing.

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// row is one figure of the table: a measurement of each side per run.
type row struct {
	ID     string             // the workload: W1 ... W7
	Figure string             // what is measured
	Unit   string             // "/s", "B", "ms", "µs", "×", or "" for a count
	Target string             // the target of bench/README.md, in words
	Meets  func(float64) bool // whether murmur's median meets the target; nil for none
	// MinRatio, if set, is part of the target too: the median ratio
	// murmur ÷ raw protoactor must be at least this.
	MinRatio float64
	murmur   []float64
	proto    []float64
}

// add records one run: murmur's figure and raw protoactor's.
func (r *row) add(murmur, proto float64) {
	r.murmur = append(r.murmur, murmur)
	r.proto = append(r.proto, proto)
}

// summary is a row as reported: medians and the median ratio.
type summary struct {
	Workload   string `json:"workload"`
	Figure     string `json:"figure"`
	Unit       string `json:"unit"`
	Murmur     num    `json:"murmur"`
	Protoactor num    `json:"protoactor"`
	Ratio      num    `json:"ratio"` // median over runs of murmur ÷ protoactor
	Target     string `json:"target"`
	Met        *bool  `json:"met"` // null where there is no target
	MurmurRuns []num  `json:"murmur_runs"`
	ProtoRuns  []num  `json:"protoactor_runs"`
}

// num is a figure that JSON encodes as null where it is not finite (a
// ratio to zero), which encoding/json would refuse.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

func nums(xs []float64) []num {
	out := make([]num, len(xs))
	for i, x := range xs {
		out[i] = num(x)
	}
	return out
}

func (r *row) summary() summary {
	ratios := make([]float64, len(r.murmur))
	for i := range r.murmur {
		ratios[i] = r.murmur[i] / r.proto[i]
	}
	s := summary{
		Workload: r.ID, Figure: r.Figure, Unit: r.Unit, Target: r.Target,
		Murmur: num(median(r.murmur)), Protoactor: num(median(r.proto)), Ratio: num(median(ratios)),
		MurmurRuns: nums(r.murmur), ProtoRuns: nums(r.proto),
	}
	if r.Meets != nil {
		met := r.Meets(float64(s.Murmur)) && float64(s.Ratio) >= r.MinRatio
		s.Met = &met
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// report is the command's output.
type report struct {
	Date       string    `json:"date"`
	CPU        string    `json:"cpu"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	Go         string    `json:"go"`
	Runs       int       `json:"runs"`
	Linger     string    `json:"linger"` // the -linger flag; "0s" is murmur's default
	Rows       []summary `json:"rows"`
}

// print writes the report as a Markdown table.
func (rep report) print(w io.Writer) {
	linger := ""
	if rep.Linger != "" && rep.Linger != "0s" {
		linger = ", mailbox linger " + rep.Linger
	}
	fmt.Fprintf(w, "%s, %s, GOMAXPROCS=%d, %s%s; medians of %d runs; ratio = murmur ÷ raw protoactor, median of the per-run ratios\n\n",
		rep.Date, rep.CPU, rep.GOMAXPROCS, rep.Go, linger, rep.Runs)
	cells := [][]string{{"", "figure", "murmur", "raw protoactor", "murmur ÷ raw", "target", "met"}}
	for _, s := range rep.Rows {
		met := ""
		if s.Met != nil {
			met = map[bool]string{true: "yes", false: "no"}[*s.Met]
		}
		cells = append(cells, []string{s.Workload, s.Figure, value(float64(s.Murmur), s.Unit),
			value(float64(s.Protoactor), s.Unit), ratio(float64(s.Ratio)), s.Target, met})
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(row []string) {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i >= 2 && i <= 4 {
				fmt.Fprintf(&b, "| %s%s ", pad, c) // numbers: right-aligned
			} else {
				fmt.Fprintf(&b, "| %s%s ", c, pad)
			}
		}
		fmt.Fprintln(w, b.String()+"|")
	}
	line(cells[0])
	sep := make([]string, len(widths))
	for i, n := range widths {
		sep[i] = strings.Repeat("-", n)
		if i >= 2 && i <= 4 {
			sep[i] = strings.Repeat("-", n-1) + ":"
		}
	}
	line(sep)
	for _, row := range cells[1:] {
		line(row)
	}
	// A ratio row (a speedup) is the median of its runs' ratios, not the
	// ratio of the medians above it: show its runs.
	for _, s := range rep.Rows {
		if s.Unit == "×" && len(s.MurmurRuns) > 1 {
			fmt.Fprintf(w, "\n%s %s, each run: murmur %s; raw protoactor %s", s.Workload, s.Figure,
				runs(s.MurmurRuns), runs(s.ProtoRuns))
		}
	}
	fmt.Fprintln(w)
}

func runs(xs []num) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = value(float64(x), "×")
	}
	return strings.Join(out, ", ")
}

// value formats a figure in its unit.
func value(v float64, unit string) string {
	switch unit {
	case "/s":
		return count(int(math.Round(v))) + "/s"
	case "B":
		return count(int(math.Round(v))) + " B"
	case "×":
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	if unit == "" {
		return count(int(math.Round(v)))
	}
	if v >= 100 {
		return count(int(math.Round(v))) + " " + unit
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
}

// ratio formats a ratio with three significant digits, never in e-notation.
func ratio(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case math.Abs(v) >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case math.Abs(v) >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// count formats n with thousands separators: 1,000,000.
func count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
