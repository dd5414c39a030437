// Tests of the remote workloads in the report: a tiny run, and that they
// run only when named.

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRemoteRun(t *testing.T) {
	if wantRemote(options{only: map[string]bool{}}, "W2R") || wantRemote(options{only: map[string]bool{"W2": true}}, "W3R") {
		t.Error("a remote workload runs without being named")
	}
	o := options{runs: 1, w2r: 30, w3r: 300, only: map[string]bool{"R": true}}
	rows, err := measure(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 (W2R, and W3R from a script and from Go)", len(rows))
	}
	rep := report{Runs: o.runs}
	for _, r := range rows {
		if len(r.murmur) != 1 || len(r.proto) != 1 || r.murmur[0] <= 0 || r.proto[0] <= 0 {
			t.Errorf("%s %s: %v and %v", r.ID, r.Figure, r.murmur, r.proto)
		}
		rep.Rows = append(rep.Rows, r.summary())
	}
	var table bytes.Buffer
	rep.print(&table)
	for _, want := range []string{"| W2R | ping-pong over loopback, 30 round trips", "| W3R | fan-in over loopback, 300 msgs, producer Go"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}
