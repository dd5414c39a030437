// Command report runs the workloads of bench/README.md on murmur and on
// raw protoactor, several times, and prints one table: the medians, the
// ratio murmur ÷ raw protoactor (the median of the ratios measured in the
// same run), and each target beside its figure.
//
//	go run ./bench/cmd/report                      # everything, 3 runs, a few minutes on 2 cores
//	go run ./bench/cmd/report -only W1 -w1 1000000 -runs 1
//	go run ./bench/cmd/report -json > report.json
//	go run ./bench/cmd/report -only R              # W2 and W3 between two processes (W2R, W3R)
//	go run ./bench/cmd/report -only C1             # grain requests across three cluster member processes
//
// Progress goes to stderr, the table (or JSON) to stdout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/murmur-go/murmur/bench"
)

// options are the command's flags.
type options struct {
	runs   int
	asJSON bool
	only   map[string]bool // empty means all
	w1     int             // actors spawned in W1
	w2     int             // round trips in W2
	w3     int             // messages in W3
	w5max  int             // largest W5 payload, in MiB
	w6     int             // hops in W6
	w7     int             // n of W7's fib(n) tree
	linger time.Duration   // murmur mailboxes' linger; zero means the default
	w2r    int             // round trips in W2R
	w3r    int             // messages in W3R
	c1     int             // grain requests in C1
}

func main() {
	var o options
	var only string
	flag.IntVar(&o.runs, "runs", 3, "runs of every workload; the table shows medians")
	flag.BoolVar(&o.asJSON, "json", false, "print JSON instead of a table")
	flag.StringVar(&only, "only", "", "comma-separated workloads to run (W1,W2,W3,W4,W5,W6,W7, and W2R,W3R or R for both, and C1, which run only when named); empty means W1 to W7")
	flag.IntVar(&o.w1, "w1", 100_000, "actors spawned in W1")
	flag.IntVar(&o.w2, "w2", 100_000, "round trips in W2")
	flag.IntVar(&o.w3, "w3", 1_000_000, "messages in W3")
	flag.IntVar(&o.w5max, "w5max", 256, "largest W5 payload in MiB (1, 64 and 256 are measured up to it)")
	flag.IntVar(&o.w6, "w6", 100_000, "hops of the token in W6 (a ring of 100 actors)")
	flag.IntVar(&o.w7, "w7", bench.TreeN, "n of W7's fib(n) tree of actors (25: 150,049 actors)")
	flag.DurationVar(&o.linger, "linger", 0, "how long a murmur mailbox keeps its goroutine after its queue empties (W1-W7); zero means murmur's default, negative none")
	flag.IntVar(&o.w2r, "w2r", 20_000, "round trips in W2R (W2 between two processes)")
	flag.IntVar(&o.w3r, "w3r", 200_000, "messages in W3R (W3 between two processes)")
	flag.IntVar(&o.c1, "c1", 20_000, "grain requests in C1 (grains on three cluster member processes)")
	flag.Parse()
	o.only = make(map[string]bool)
	for _, w := range strings.Split(only, ",") {
		if w = strings.ToUpper(strings.TrimSpace(w)); w != "" {
			o.only[w] = true
		}
	}
	if o.runs < 1 || o.w1 < 1 || o.w2 < 1 || o.w3 < 1 || o.w5max < 1 || o.w6 < 1 || o.w7 < 1 || o.w2r < 1 || o.w3r < 1 || o.c1 < 1 {
		fmt.Fprintln(os.Stderr, "report: -runs, -w1, -w2, -w3, -w5max, -w6, -w7, -w2r, -w3r and -c1 must be at least 1")
		os.Exit(2)
	}
	bench.Mailbox.Linger = o.linger
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	rep := report{
		Date:       time.Now().Format("2006-01-02 15:04 MST"),
		CPU:        cpuModel(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go:         runtime.Version(),
		Runs:       o.runs,
		Linger:     o.linger.String(),
	}
	t1, err := runT1(ctx, o) // T1 runs only when named (t1.go)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	if t1 == nil || len(o.only) > 1 {
		delete(o.only, "T1")
		rows, err := measure(ctx, o)
		if err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		for _, r := range rows {
			rep.Rows = append(rep.Rows, r.summary())
		}
	}
	if o.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			report
			T1 *t1Report `json:"t1,omitempty"`
		}{rep, t1}); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		return
	}
	if len(rep.Rows) > 0 {
		rep.print(os.Stdout)
	}
	if t1 != nil {
		t1.print(os.Stdout)
	}
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown"
}

// progressTo receives the progress lines: what runs now.
var progressTo io.Writer = os.Stderr

func progress(format string, args ...any) {
	fmt.Fprintf(progressTo, format+"\n", args...)
}

// measure runs the chosen workloads o.runs times and returns their rows.
func measure(ctx context.Context, o options) ([]*row, error) {
	want := func(w string) bool { return len(o.only) == 0 || o.only[w] }
	var rows []*row
	var runs []func(context.Context) error
	if want("W1") {
		rs, run := w1(o.w1)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W2") {
		rs, run := w2(o.w2)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W3") {
		rs, run := w3(o.w3)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W4") {
		rs, run := w4(runtime.GOMAXPROCS(0))
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W5") {
		rs, run := w5(o.w5max)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W6") {
		rs, run := w6(o.w6)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if want("W7") {
		rs, run := w7(o.w7)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if wantRemote(o, "W2R") {
		rs, run := w2r(o.w2r)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if wantRemote(o, "W3R") {
		rs, run := w3r(o.w3r)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if o.only["C1"] {
		rs, run := c1(o.c1)
		rows, runs = append(rows, rs...), append(runs, run)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("-only %q names no workload", strings.Join(keys(o.only), ","))
	}
	for i := range o.runs {
		progress("run %d of %d", i+1, o.runs)
		for _, run := range runs {
			if err := run(ctx); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
