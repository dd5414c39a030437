// This file holds supervision: what happens when an actor's script fails,
// chosen per actor and applied by the actor's parent (or, for actors Go
// spawned, by the system's guardian) through protoactor's supervisor hooks.

package actor

import (
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
)

// Strategy is how a failed actor is handled.
type Strategy int

const (
	// OneForOne restarts the failed actor alone (the zero value).
	OneForOne Strategy = iota
	// AllForOne restarts the failed actor and its siblings (the other
	// children of its parent). For actors Go spawned, which have no script
	// parent, it acts as OneForOne.
	AllForOne
	// Backoff restarts the failed actor after a delay that doubles with
	// every failure within the window: Backoff, 2·Backoff, 4·Backoff...
	Backoff
	// Temporary never restarts: the failed actor stops.
	Temporary
)

var strategyNames = []string{"one_for_one", "all_for_one", "backoff", "temporary"}

func (s Strategy) String() string {
	if int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// ParseStrategy returns the Strategy named as in scripts: "one_for_one",
// "all_for_one", "backoff" or "temporary".
func ParseStrategy(name string) (Strategy, error) {
	for i, n := range strategyNames {
		if n == name {
			return Strategy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown supervision strategy %q; want one of one_for_one, all_for_one, backoff, temporary", name)
}

// Supervision says what happens when an actor's script fails. The zero value
// is the default: restart the actor alone, at most 10 times in 10 seconds,
// then stop it.
type Supervision struct {
	// Strategy is how a failure is handled. Zero means OneForOne.
	Strategy Strategy
	// MaxRestarts is how many restarts are allowed within Within before the
	// failure counts as persistent. Zero means 10.
	MaxRestarts int
	// Within is the window in which restarts are counted. Zero means 10 seconds.
	Within time.Duration
	// Backoff is the first delay of the Backoff strategy. Zero means 100ms.
	Backoff time.Duration
	// Escalate, when restarts are exhausted, fails the parent instead of
	// stopping the actor (Erlang's supervisor behaviour). False means stop.
	// Actors Go spawned have no parent to fail, and stop.
	Escalate bool
}

func (s Supervision) resolved() Supervision {
	if s.MaxRestarts == 0 {
		s.MaxRestarts = 10
	}
	if s.Within <= 0 {
		s.Within = 10 * time.Second
	}
	if s.Backoff <= 0 {
		s.Backoff = 100 * time.Millisecond
	}
	return s
}

// supervisor is the protoactor SupervisorStrategy of the guardian every
// murmur actor hangs under: it applies the failed actor's own Supervision.
// protoactor's guardian calls it on the failing actor's goroutine.
type supervisor struct {
	sys *System

	restarts timerSet // pending backoff restarts, stopped by Shutdown
}

var _ proto.SupervisorStrategy = (*supervisor)(nil)

func (sv *supervisor) HandleFailure(_ *proto.ActorSystem, guardian proto.Supervisor, child *proto.PID,
	_ *proto.RestartStatistics, reason, _ any) {
	ref := sv.sys.local(sv.sys.address(child))
	if ref == nil {
		guardian.StopChildren(child)
		return
	}
	sv.failed(guardian, ref, fmt.Sprint(reason))
}

// failed decides what becomes of ref after a failure; guardian sends the
// restart and stop orders. The SupervisionEvent is published once the
// order is given, so that a message sent after it reaches the restarted
// instance (the order is a system message, handled first).
func (sv *supervisor) failed(guardian proto.Supervisor, ref *actorRef, reason string) {
	s := sv.sys
	if ref.cancelled() {
		guardian.StopChildren(ref.pid)
		return
	}
	sup := ref.opts.Supervision.resolved()
	event := func(action string) {
		s.publish(&SupervisionEvent{Actor: ref.addr, Script: ref.scriptName(), Action: action, Reason: reason})
	}
	failures := ref.intensity(sup.Within, sup.MaxRestarts+1)
	if sup.Strategy == Temporary || failures > sup.MaxRestarts {
		if sup.Escalate && ref.parent != nil {
			ref.exitReason.Store("failed: " + reason)
			guardian.StopChildren(ref.pid)
			event("escalated")
			sv.failed(guardian, ref.parent, "child "+ref.addr.String()+" failed: "+reason)
			return
		}
		ref.exitReason.Store("failed: " + reason)
		if sup.Strategy == Temporary {
			s.logger.Info("actor stopped for good: its strategy is temporary", "actor", ref.addr, "script", ref.scriptName(), "reason", reason)
		} else {
			s.logger.Warn("actor stopped for good: it failed more than max_restarts times within its window",
				"actor", ref.addr, "script", ref.scriptName(), "failures", failures, "max_restarts", sup.MaxRestarts,
				"within", sup.Within, "reason", reason)
		}
		ref.cancel("restarts exhausted")
		guardian.StopChildren(ref.pid)
		event("stopped")
		return
	}
	ref.stats.count(restartsOf)
	switch {
	case sup.Strategy == AllForOne && ref.parent != nil:
		for _, sib := range ref.parent.family() {
			guardian.RestartChildren(sib.pid)
		}
		event("restarted with siblings")
	case sup.Strategy == Backoff:
		delay := sup.Backoff << min(failures-1, 20)
		event("restarting after " + delay.String())
		sv.restarts.after(delay, func() { guardian.RestartChildren(ref.pid) })
	default:
		guardian.RestartChildren(ref.pid)
		event("restarted")
	}
}

// intensity records a failure now and returns how many failures ref had
// within the window, counting at most limit of them (older ones are
// forgotten). Failures are kept in time order, so expiring them is cheap.
func (r *actorRef) intensity(within time.Duration, limit int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.ext()
	now := time.Now()
	drop := 0
	for drop < len(e.failures) && now.Sub(e.failures[drop]) >= within {
		drop++
	}
	if n := len(e.failures) - drop + 1; n > max(limit, 1) {
		drop += n - max(limit, 1)
	}
	if drop > 0 {
		e.failures = append(e.failures[:0], e.failures[drop:]...)
	}
	e.failures = append(e.failures, now)
	return len(e.failures)
}
