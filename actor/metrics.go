// This file holds the system's metrics through OpenTelemetry (Config.MeterProvider):
// counters kept per script with atomics, read by observable instruments at
// collection time, and the processing-time histogram.

package actor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// meterName is the instrumentation scope of the system's metrics.
const meterName = "github.com/murmur-go/murmur/actor"

// meters holds a system's instruments; nil when Config.MeterProvider is nil,
// and then every hook is one nil check.
type meters struct {
	sys      *System
	duration metric.Float64Histogram
	reg      metric.Registration
	mu       sync.Mutex
	scripts  map[string]*scriptStats // by script name; guarded by mu
	// node traffic, counted when the system is a node
	msgsIn, msgsOut, bytesIn, bytesOut atomic.Uint64
}

// scriptStats are the counters of every actor that runs one script (or Go
// behaviour): metrics are per script, not per actor, so that a million
// actors make one series each.
type scriptStats struct {
	m         *meters
	name      string
	attrs     metric.MeasurementOption // script=name, made once
	processed atomic.Uint64
	failures  atomic.Uint64
	restarts  atomic.Uint64
	spawns    atomic.Uint64
	stops     atomic.Uint64
}

// newMeters registers the system's instruments with mp.
func newMeters(s *System, mp metric.MeterProvider) (*meters, error) {
	m := &meters{sys: s, scripts: map[string]*scriptStats{}}
	meter := mp.Meter(meterName)
	var err error
	m.duration, err = meter.Float64Histogram("murmur.actor.processing.duration", metric.WithUnit("s"),
		metric.WithDescription("Time an actor took to process one message, per script: one message in 16 is timed."),
		metric.WithExplicitBucketBoundaries(1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1, 5))
	if err != nil {
		return nil, err
	}
	counter := func(name, desc string) metric.Int64ObservableCounter {
		if err != nil {
			return nil
		}
		var c metric.Int64ObservableCounter
		c, err = meter.Int64ObservableCounter(name, metric.WithDescription(desc))
		return c
	}
	gauge := func(name, desc string) metric.Int64ObservableGauge {
		if err != nil {
			return nil
		}
		var g metric.Int64ObservableGauge
		g, err = meter.Int64ObservableGauge(name, metric.WithDescription(desc))
		return g
	}
	processed := counter("murmur.actor.messages", "Messages actors processed (or began to), per script.")
	failures := counter("murmur.actor.failures", "Failures of actors (a script error, a failed Go behaviour), per script.")
	restarts := counter("murmur.actor.restarts", "Restarts supervision ordered, per script.")
	spawns := counter("murmur.actor.spawns", "Actors spawned, per script.")
	stops := counter("murmur.actor.stops", "Actors stopped, per script.")
	dead := counter("murmur.dead_letters", "Messages that reached no actor.")
	live := gauge("murmur.actor.live", "Actors alive now, per script.")
	depth := gauge("murmur.actor.mailbox.depth", "Messages queued in mailboxes now, summed per script.")
	msgsIn := counter("murmur.node.messages.in", "Messages received from other nodes.")
	msgsOut := counter("murmur.node.messages.out", "Messages sent to other nodes.")
	bytesIn := counter("murmur.node.bytes.in", "Message bytes received from other nodes.")
	bytesOut := counter("murmur.node.bytes.out", "Message bytes sent to other nodes.")
	peers := gauge("murmur.node.peer.up", "1 for a peer node reachable as far as this node knows, 0 for one lost a moment ago.")
	if err != nil {
		return nil, err
	}
	m.reg, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		queued := map[*scriptStats]int64{}
		s.actors.Range(func(_, v any) bool {
			if r := v.(*actorRef); r.stats != nil {
				queued[r.stats] += int64(r.mb.UserMessageCount())
			}
			return true
		})
		for _, st := range m.all() {
			o.ObserveInt64(processed, int64(st.processed.Load()), st.attrs)
			o.ObserveInt64(failures, int64(st.failures.Load()), st.attrs)
			o.ObserveInt64(restarts, int64(st.restarts.Load()), st.attrs)
			sp, sd := st.spawns.Load(), st.stops.Load()
			o.ObserveInt64(spawns, int64(sp), st.attrs)
			o.ObserveInt64(stops, int64(sd), st.attrs)
			o.ObserveInt64(live, int64(sp)-int64(sd), st.attrs)
			o.ObserveInt64(depth, queued[st], st.attrs)
		}
		o.ObserveInt64(dead, int64(s.DeadLetters()))
		if s.Node() != "" {
			o.ObserveInt64(msgsIn, int64(m.msgsIn.Load()))
			o.ObserveInt64(msgsOut, int64(m.msgsOut.Load()))
			o.ObserveInt64(bytesIn, int64(m.bytesIn.Load()))
			o.ObserveInt64(bytesOut, int64(m.bytesOut.Load()))
			for _, p := range s.Peers() {
				up := int64(1)
				if s.net.unreachable(p) {
					up = 0
				}
				o.ObserveInt64(peers, up, metric.WithAttributes(attribute.String("peer", p)))
			}
		}
		return nil
	}, processed, failures, restarts, spawns, stops, dead, live, depth, msgsIn, msgsOut, bytesIn, bytesOut, peers)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// all returns the scripts' counters.
func (m *meters) all() []*scriptStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*scriptStats, 0, len(m.scripts))
	for _, st := range m.scripts {
		out = append(out, st)
	}
	return out
}

// script returns the counters of the script named name, made on first use;
// nil when metrics are off.
func (m *meters) script(name string) *scriptStats {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.scripts[name]
	if st == nil {
		st = &scriptStats{m: m, name: name, attrs: metric.WithAttributeSet(attribute.NewSet(attribute.String("script", name)))}
		m.scripts[name] = st
	}
	return st
}

// close unregisters the callbacks, so that a provider that outlives the
// system no longer reads it.
func (m *meters) close() {
	if m != nil {
		_ = m.reg.Unregister()
	}
}

// durationSample is how many messages of a script one is timed for the
// processing-time histogram: two clock reads and a histogram record cost
// a tenth of a small message's processing, more than metrics may (5%),
// while a sample of one in 16 gives the same distribution.
const durationSample = 16

// epoch is what processing times are measured from (monotonic).
var epoch = time.Now()

// begin counts a message whose processing starts, and returns when it
// starts (since epoch) when it is one of those timed (see
// durationSample); zero when it is not or metrics are off. Off, it costs a
// nil check (it is inlined).
func (st *scriptStats) begin() time.Duration {
	if st == nil {
		return 0
	}
	return st.started()
}

//go:noinline
func (st *scriptStats) started() time.Duration {
	if st.processed.Add(1)%durationSample != 1 {
		return 0
	}
	return time.Since(epoch)
}

// done records the processing time of a timed message that began at t.
func (st *scriptStats) done(t time.Duration) {
	if st != nil && t != 0 {
		st.record(t)
	}
}

func (st *scriptStats) record(t time.Duration) {
	st.m.duration.Record(context.Background(), (time.Since(epoch) - t).Seconds(), st.attrs)
}

// count adds one to the counter c picks, when metrics are on.
func (st *scriptStats) count(c func(*scriptStats) *atomic.Uint64) {
	if st != nil {
		c(st).Add(1)
	}
}

func failuresOf(st *scriptStats) *atomic.Uint64 { return &st.failures }
func restartsOf(st *scriptStats) *atomic.Uint64 { return &st.restarts }
func spawnsOf(st *scriptStats) *atomic.Uint64   { return &st.spawns }
func stopsOf(st *scriptStats) *atomic.Uint64    { return &st.stops }

// traffic counts one message of size bytes to (out) or from another node.
func (m *meters) traffic(out bool, size int) {
	switch {
	case m == nil:
	case out:
		m.msgsOut.Add(1)
		m.bytesOut.Add(uint64(size))
	default:
		m.msgsIn.Add(1)
		m.bytesIn.Add(uint64(size))
	}
}
