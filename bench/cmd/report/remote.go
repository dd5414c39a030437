// The remote workloads, W2R and W3R: W2 and W3 between two processes over
// loopback, murmur nodes beside raw protoactor remote (bench/remote.go).
// They run only when -only names them (or "R", both): they start
// processes and take about a minute at the default sizes.

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/murmur-go/murmur/bench"
)

// init serves as one of the remote workloads' processes when this binary
// (or its test binary) was started as one; it must run before main.
func init() { bench.ServeNodeIfAsked() }

// wantRemote reports whether -only asks for the remote workload w.
func wantRemote(o options, w string) bool { return o.only[w] || o.only["R"] }

// withNode runs f with a fresh pair of server processes, and stops them.
func withNode(ctx context.Context, f func(*bench.Node) error) (err error) {
	node, err := bench.StartNode(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := node.Close(); err == nil {
			err = cerr
		}
	}()
	return f(node)
}

func w2r(rounds int) ([]*row, func(context.Context) error) {
	r := &row{ID: "W2R", Figure: fmt.Sprintf("ping-pong over loopback, %s round trips", count(rounds)), Unit: "/s",
		Target: "report it"}
	return []*row{r}, func(ctx context.Context) error {
		progress("  W2R ping-pong between two processes, %d round trips", rounds)
		return withNode(ctx, func(node *bench.Node) error {
			m, err := bench.PingPongRemoteMurmur(ctx, node, rounds)
			if err != nil {
				return fmt.Errorf("W2R murmur: %w", err)
			}
			p, err := bench.PingPongRemoteProto(ctx, node, rounds)
			if err != nil {
				return fmt.Errorf("W2R protoactor: %w", err)
			}
			r.add(perSecond(rounds, m), perSecond(rounds, p))
			return nil
		})
	}
}

func w3r(n int) ([]*row, func(context.Context) error) {
	var rows []*row
	froms := []bench.Producer{bench.FromActor, bench.FromGo}
	for _, from := range froms {
		who := "a script"
		if from == bench.FromGo {
			who = "Go"
		}
		rows = append(rows, &row{ID: "W3R", Figure: fmt.Sprintf("fan-in over loopback, %s msgs, producer %s", count(n), who),
			Unit: "/s", Target: "report it"})
	}
	return rows, func(ctx context.Context) error {
		return withNode(ctx, func(node *bench.Node) error {
			for i, from := range froms {
				progress("  W3R fan-in between two processes, %d messages from %s", n, from)
				m, err := bench.FanInRemoteMurmur(ctx, node, n, from)
				if err != nil {
					return fmt.Errorf("W3R murmur: %w", err)
				}
				p, err := bench.FanInRemoteProto(ctx, node, n, from)
				if err != nil {
					return fmt.Errorf("W3R protoactor: %w", err)
				}
				rows[i].add(perSecond(n, m), perSecond(n, p))
			}
			return nil
		})
	}
}

// c1 is C1 (bench/cluster.go): grain request round trips from a client
// process to grains on three cluster member processes, murmur's script
// grains beside raw protoactor cluster grains. It runs only when -only
// names it.
func c1(n int) ([]*row, func(context.Context) error) {
	r := &row{ID: "C1", Figure: fmt.Sprintf("grain requests, 3 member processes, %s round trips", count(n)), Unit: "/s",
		Target: "report it"}
	return []*row{r}, func(ctx context.Context) error {
		progress("  C1 grain requests across three member processes, %d round trips", n)
		cl, err := bench.StartCluster(ctx)
		if err != nil {
			return err
		}
		m, err := bench.GrainsRemoteMurmur(ctx, cl, n)
		if err != nil {
			err = fmt.Errorf("C1 murmur: %w", err)
		}
		var p time.Duration
		if err == nil {
			if p, err = bench.GrainsRemoteProto(ctx, cl, n); err != nil {
				err = fmt.Errorf("C1 protoactor: %w", err)
			}
		}
		if cerr := cl.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			r.add(perSecond(n, m), perSecond(n, p))
		}
		return err
	}
}
