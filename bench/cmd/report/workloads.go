// The workloads as rows of the table: each wN returns its rows and a
// function that runs it once, murmur then raw protoactor, adding one
// measurement of each side to every row.

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/murmur-go/murmur/bench"
)

func w1(n int) ([]*row, func(context.Context) error) {
	rate := &row{ID: "W1", Figure: fmt.Sprintf("spawn %s actors", count(n)), Unit: "/s",
		Target: "≥ 250,000/s", Meets: atLeast(250_000)}
	heap := &row{ID: "W1", Figure: "heap per idle actor", Unit: "B",
		Target: "≤ 3 KB", Meets: atMost(3000)}
	rss := &row{ID: "W1", Figure: "RSS per idle actor", Unit: "B",
		Target: "≤ 3 KB", Meets: atMost(3000)}
	return []*row{rate, heap, rss}, func(ctx context.Context) error {
		progress("  W1 spawn, %d actors", n)
		m, err := bench.SpawnMurmur(ctx, n)
		if err != nil {
			return fmt.Errorf("W1 murmur: %w", err)
		}
		p, err := bench.SpawnProto(ctx, n)
		if err != nil {
			return fmt.Errorf("W1 protoactor: %w", err)
		}
		rate.add(m.Rate(), p.Rate())
		heap.add(m.HeapPerActor, p.HeapPerActor)
		rss.add(m.RSSPerActor, p.RSSPerActor)
		return nil
	}
}

func w2(rounds int) ([]*row, func(context.Context) error) {
	r := &row{ID: "W2", Figure: fmt.Sprintf("ping-pong, %s round trips", count(rounds)), Unit: "/s",
		Target: "≥ 300,000/s, ≥ 1.3× raw", Meets: atLeast(300_000), MinRatio: 1.3}
	return []*row{r}, func(ctx context.Context) error {
		progress("  W2 ping-pong, %d round trips", rounds)
		m, err := bench.PingPongMurmur(ctx, rounds)
		if err != nil {
			return fmt.Errorf("W2 murmur: %w", err)
		}
		p, err := bench.PingPongProto(ctx, rounds)
		if err != nil {
			return fmt.Errorf("W2 protoactor: %w", err)
		}
		r.add(perSecond(rounds, m), perSecond(rounds, p))
		return nil
	}
}

func w3(n int) ([]*row, func(context.Context) error) {
	var rows []*row
	var froms []bench.Producer
	for _, from := range []bench.Producer{bench.FromActor, bench.FromGo} {
		figure := fmt.Sprintf("fan-in %s msgs, producer a script", count(n))
		if from == bench.FromGo {
			figure = fmt.Sprintf("fan-in %s msgs, producer Go", count(n))
		}
		rows = append(rows, &row{ID: "W3", Figure: figure, Unit: "/s",
			Target: "≥ 1,500,000/s", Meets: atLeast(1_500_000)})
		froms = append(froms, from)
	}
	return rows, func(ctx context.Context) error {
		for i, from := range froms {
			progress("  W3 fan-in, %d messages from %s", n, from)
			m, err := bench.FanInMurmur(ctx, n, from)
			if err != nil {
				return fmt.Errorf("W3 murmur: %w", err)
			}
			p, err := bench.FanInProto(ctx, n, from)
			if err != nil {
				return fmt.Errorf("W3 protoactor: %w", err)
			}
			rows[i].add(perSecond(n, m), perSecond(n, p))
		}
		return nil
	}
}

func w4(cores int) ([]*row, func(context.Context) error) {
	single := &row{ID: "W4", Figure: fmt.Sprintf("count_primes(%s), one actor", count(bench.PrimesLimit)),
		Unit: "ms", Target: "report it"}
	rows := []*row{single}
	var atOnce, speedup []*row
	for k := 2; k <= cores; k++ {
		a := &row{ID: "W4", Figure: fmt.Sprintf("%d at once in %d actors", k, k), Unit: "ms", Target: "report it"}
		s := &row{ID: "W4", Figure: fmt.Sprintf("speedup, %d at once", k), Unit: "×",
			Target: fmt.Sprintf("ideal %d", k)}
		if k == 2 {
			s.Target, s.Meets = "≥ 1.9", atLeast(1.9)
		}
		atOnce, speedup = append(atOnce, a), append(speedup, s)
		rows = append(rows, a, s)
	}
	run := func(ctx context.Context, setup func(context.Context, int) (bench.Primes, error)) (one float64, many []float64, err error) {
		p, err := setup(ctx, cores)
		if err != nil {
			return 0, nil, err
		}
		defer p.Close()
		d, err := p.Run(ctx, 1, bench.PrimesLimit)
		if err != nil {
			return 0, nil, err
		}
		for k := 2; k <= cores; k++ {
			dk, err := p.Run(ctx, k, bench.PrimesLimit)
			if err != nil {
				return 0, nil, err
			}
			many = append(many, ms(dk))
		}
		return ms(d), many, nil
	}
	return rows, func(ctx context.Context) error {
		progress("  W4 count_primes(%d), 1 to %d at once", bench.PrimesLimit, cores)
		m1, mk, err := run(ctx, bench.NewPrimesMurmur)
		if err != nil {
			return fmt.Errorf("W4 murmur: %w", err)
		}
		p1, pk, err := run(ctx, bench.NewPrimesProto)
		if err != nil {
			return fmt.Errorf("W4 protoactor: %w", err)
		}
		single.add(m1, p1)
		for i := range atOnce {
			k := float64(i + 2)
			atOnce[i].add(mk[i], pk[i])
			speedup[i].add(k*m1/mk[i], k*p1/pk[i])
		}
		return nil
	}
}

func w6(hops int) ([]*row, func(context.Context) error) {
	r := &row{ID: "W6", Figure: fmt.Sprintf("ring of %d, %s hops, per hop", bench.RingSize, count(hops)), Unit: "µs",
		Target: "≤ 1.5 µs", Meets: atMost(1.5)}
	return []*row{r}, func(ctx context.Context) error {
		progress("  W6 ring, %d actors, %d hops", bench.RingSize, hops)
		m, err := bench.RingMurmur(ctx, bench.RingSize, hops)
		if err != nil {
			return fmt.Errorf("W6 murmur: %w", err)
		}
		p, err := bench.RingProto(ctx, bench.RingSize, hops)
		if err != nil {
			return fmt.Errorf("W6 protoactor: %w", err)
		}
		r.add(us(m)/float64(hops), us(p)/float64(hops))
		return nil
	}
}

func w7(n int) ([]*row, func(context.Context) error) {
	actors := bench.TreeActors(n)
	per := &row{ID: "W7", Figure: fmt.Sprintf("fib(%d) tree, %s actors, per actor", n, count(actors)), Unit: "µs",
		Target: "≤ 8 µs", Meets: atMost(8)}
	peak := &row{ID: "W7", Figure: "peak actors alive", Unit: "", Target: "report it"}
	return []*row{per, peak}, func(ctx context.Context) error {
		progress("  W7 fib(%d) tree, %d actors", n, actors)
		m, err := bench.TreeMurmur(ctx, n)
		if err != nil {
			return fmt.Errorf("W7 murmur: %w", err)
		}
		p, err := bench.TreeProto(ctx, n)
		if err != nil {
			return fmt.Errorf("W7 protoactor: %w", err)
		}
		per.add(us(m.PerActor()), us(p.PerActor()))
		peak.add(float64(m.Peak), float64(p.Peak))
		return nil
	}
}

// w5Rounds are the round trips timed per payload size: enough for a tenth
// of a second or so, and no more.
var w5Rounds = map[int]struct{ transfer, copy int }{
	1:   {500, 50},
	64:  {500, 10},
	256: {500, 3},
}

func w5(maxMiB int) ([]*row, func(context.Context) error) {
	var sizes []int
	for _, mib := range []int{1, 64, 256} {
		if mib <= maxMiB {
			sizes = append(sizes, mib)
		}
	}
	var transfer, copies []*row
	for _, mib := range sizes {
		transfer = append(transfer, &row{ID: "W5", Figure: fmt.Sprintf("transfer %d MiB, one-way move", mib),
			Unit: "µs", Target: "≤ 50 µs", Meets: atMost(50)})
	}
	// flat compares the largest transfer with the smallest, when there are two.
	flat := &row{ID: "W5", Figure: fmt.Sprintf("transfer %d MiB ÷ transfer 1 MiB", sizes[len(sizes)-1]),
		Unit: "×", Target: "flat: ≤ 2", Meets: atMost(2)}
	for _, mib := range sizes {
		copies = append(copies, &row{ID: "W5", Figure: fmt.Sprintf("copy %d MiB, one-way move", mib),
			Unit: "ms", Target: "report it"})
	}
	rows := transfer
	if len(sizes) > 1 {
		rows = append(rows, flat)
	}
	rows = append(rows, copies...)
	return rows, func(ctx context.Context) error {
		var first, last [2]float64
		for i, mib := range sizes {
			progress("  W5 %d MiB", mib)
			size, rounds := mib<<20, w5Rounds[mib]
			m, p, err := move(ctx, size, rounds.transfer, true)
			if err != nil {
				return err
			}
			transfer[i].add(m.Seconds()*1e6, p.Seconds()*1e6)
			if i == 0 {
				first = [2]float64{m.Seconds(), p.Seconds()}
			}
			last = [2]float64{m.Seconds(), p.Seconds()}
			if m, p, err = move(ctx, size, rounds.copy, false); err != nil {
				return err
			}
			copies[i].add(ms(m), ms(p))
		}
		flat.add(last[0]/first[0], last[1]/first[1])
		return nil
	}
}

// move runs W5 once on each side.
func move(ctx context.Context, size, rounds int, transfer bool) (m, p time.Duration, err error) {
	if m, err = bench.MoveMurmur(ctx, size, rounds, transfer); err != nil {
		return 0, 0, fmt.Errorf("W5 murmur: %w", err)
	}
	if p, err = bench.MoveProto(ctx, size, rounds, transfer); err != nil {
		return 0, 0, fmt.Errorf("W5 protoactor: %w", err)
	}
	return m, p, nil
}

func perSecond(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }

func us(d time.Duration) float64 { return d.Seconds() * 1e6 }

func atLeast(t float64) func(float64) bool { return func(v float64) bool { return v >= t } }
func atMost(t float64) func(float64) bool  { return func(v float64) bool { return v <= t } }
