// This file holds how a pool stays whole: replacing the workers that stop
// for good or are lost with their node, and finding the replacement of a
// worker that a request did not reach.

package actor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// workerStopped runs as the pool's local worker r stops, on r's goroutine,
// before the messages still queued for r are dropped. A worker that
// supervision gave up on (its script kept failing) is replaced by a new one
// in its place, which is returned to take over those messages; any other
// leaves the pool (see PoolOptions).
func (p *Pool) workerStopped(r *actorRef) *actorRef {
	s := p.sys
	failure, _ := r.exitReason.Load().(string) // set only when supervision gave up on r
	failure = strings.TrimPrefix(failure, "failed: ")
	p.mu.Lock()
	defer p.unlock()
	ws := p.ws()
	k := slices.IndexFunc(ws, func(w worker) bool { return w.ref == r })
	if p.stopped || k < 0 {
		return nil
	}
	switch {
	case failure == "":
		p.leave(k, "it was stopped", slog.LevelDebug)
	case r.opts.Supervision.Escalate && r.parent != nil:
		p.leave(k, "it escalated its failure to its parent: "+failure, slog.LevelInfo)
	case !r.started.Load():
		p.leave(k, "its init never succeeded, and a replacement would run the same init: "+failure, slog.LevelWarn)
	default:
		why := gaveUp(r.opts.Supervision, failure)
		nw, err := p.spawnWorker(context.Background(), ws[k].slot, s.node, p.name())
		if err != nil {
			level := slog.LevelWarn
			if errors.Is(err, ErrShutdown) || errors.Is(err, ErrStopped) {
				level = slog.LevelDebug // the system or the pool's parent is stopping
			}
			p.leave(k, fmt.Sprintf("%s; it could not be replaced: %v", why, err), level)
			return nil
		}
		ws = slices.Clone(ws)
		ws[k] = nw
		p.setWorkers(ws)
		p.replaced(r.addr, nw.addr, why)
		return nw.ref
	}
	return nil
}

// gaveUp says why supervision stopped an actor for good after failure.
func gaveUp(sup Supervision, failure string) string {
	if sup.Strategy == Temporary {
		return "it failed and its supervision is temporary (never restarted); the failure: " + failure
	}
	sup = sup.resolved()
	return fmt.Sprintf("it failed more than max_restarts (%d) times within %v; the last failure: %s",
		sup.MaxRestarts, sup.Within, failure)
}

// replaced records that the worker at lost was replaced by nw, to be
// reported by unlock. p.mu must be held.
func (p *Pool) replaced(lost, nw Address, why string) {
	s := p.sys
	p.reports = append(p.reports, func() {
		s.logger.Warn("pool: replaced a worker", "pool", p.addr, "worker", lost, "script", p.scriptName(),
			"reason", why, "replacement", nw)
		s.publish(&PoolWorkerReplacedEvent{Pool: p.addr, Worker: lost, Replacement: nw, Script: p.scriptName(), Reason: why})
	})
}

// leave takes the worker at k out of the pool, leaving its slot empty, and
// records it to be reported by unlock. p.mu must be held.
func (p *Pool) leave(k int, why string, level slog.Level) {
	s := p.sys
	ws := p.ws()
	w := ws[k]
	p.left[w.slot] = fmt.Sprintf("its worker %s left the pool: %s", w.addr, why)
	p.lastLeft = w.slot
	p.setWorkers(slices.Delete(slices.Clone(ws), k, k+1))
	p.reports = append(p.reports, func() {
		s.logger.Log(context.Background(), level, "pool: a worker left, with no replacement", "pool", p.addr,
			"worker", w.addr, "script", p.scriptName(), "reason", why, "workers", len(ws)-1)
		if level >= slog.LevelInfo {
			s.publish(&PoolWorkerReplacedEvent{Pool: p.addr, Worker: w.addr, Script: p.scriptName(), Reason: why})
		}
	})
}

// unlock releases p.mu, then logs and publishes the changes made under it,
// so that a subscriber may use the pool.
func (p *Pool) unlock() {
	reports := p.reports
	p.reports = nil
	p.mu.Unlock()
	for _, r := range reports {
		r()
	}
}

// noWorkers is the error for a message sent to a pool that has no worker.
func (p *Pool) noWorkers() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return fmt.Errorf("%w: %s (pool stopped)", ErrNoWorker, p.addr)
	}
	why, ok := p.left[p.lastLeft]
	if !ok {
		why = "it has none"
	}
	return fmt.Errorf("%w: %s: %s", ErrNoWorker, p.addr, why)
}

// onNode reports whether one of the pool's workers is on node.
func (p *Pool) onNode(node string) bool {
	for _, w := range p.ws() {
		if w.addr.Node == node {
			return true
		}
	}
	return false
}

// replaceLost replaces the workers the pool lost with node by new ones on
// the pool's other nodes that are still reachable (this one if none is), in
// the same places, so that routing and maps in progress find them.
func (p *Pool) replaceLost(node string) {
	p.mu.Lock()
	var lost []worker
	for _, w := range p.ws() {
		if !p.stopped && w.addr.Node == node && !p.replacing[w.slot] {
			p.replacing[w.slot] = true
			lost = append(lost, w)
		}
	}
	p.mu.Unlock()
	for _, w := range lost {
		p.replace(w, "it was lost with its node "+node)
	}
}

// replace starts a worker on the first of the pool's reachable nodes that
// takes it and puts it in lost's place; a worker that cannot be started
// anywhere leaves the pool. The caller has marked lost's slot as being
// replaced. It waits for nodes' answers: it runs on a goroutine of its own.
func (p *Pool) replace(lost worker, why string) {
	s := p.sys
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	var nw worker
	var err error
	locked := false
	for _, node := range p.nodesFor(lost) {
		if s.remoteNode(Address{Node: node}) {
			if nw, err = p.spawnWorker(ctx, lost.slot, node, ""); err == nil {
				break
			}
			continue
		}
		// mu is held from the spawn on, so that the new worker cannot stop
		// before it is in the pool, where workerStopped looks for it.
		p.mu.Lock()
		if nw, err = p.spawnWorker(ctx, lost.slot, node, p.name()); err == nil {
			locked = true
			break
		}
		p.mu.Unlock()
	}
	if !locked {
		p.mu.Lock()
	}
	defer p.unlock()
	delete(p.replacing, lost.slot)
	ws := p.ws()
	k := slices.IndexFunc(ws, func(w worker) bool { return w.slot == lost.slot })
	switch {
	case p.stopped || k < 0 || ws[k].addr != lost.addr:
		if err == nil {
			p.stopWorker(nw, "pool stopped")
		}
		p.wake()
	case err != nil:
		p.leave(k, fmt.Sprintf("%s; it could not be replaced: %v", why, err), slog.LevelWarn)
	default:
		ws = slices.Clone(ws)
		ws[k] = nw
		p.setWorkers(ws)
		p.replaced(lost.addr, nw.addr, why)
	}
}

// nodesFor returns the nodes on which to replace lost, in order: lost's
// own node first if it is still reachable, else the pool's other reachable
// nodes, starting from one that depends on the slot so that the workers of
// a lost node spread over the others; this node if none is left.
func (p *Pool) nodesFor(lost worker) []string {
	s := p.sys
	var alive []string
	for _, n := range p.opts.Nodes {
		if !slices.Contains(alive, n) && !(s.remoteNode(Address{Node: n}) && s.net.unreachable(n)) {
			alive = append(alive, n)
		}
	}
	if len(alive) == 0 {
		return []string{s.node}
	}
	j := lost.slot % len(alive)
	if i := slices.Index(alive, lost.addr.Node); i >= 0 {
		j = i
	}
	return slices.Concat(alive[j:], alive[:j])
}

// replacement returns the worker that took lost's place in the pool, for a
// request that did not reach lost (see undelivered). A local worker is
// replaced, or leaves the pool, as it stops. One on another node, lost with
// its node or gone from it, is replaced here, unless fresh (lost was itself
// a replacement that never answered) and its node is still there: then it
// leaves the pool, so that a script that cannot start is not started again
// for every item. The error is ErrNoWorker when lost left the pool with no
// replacement, or why no replacement came before the request timeout.
func (p *Pool) replacement(ctx context.Context, lost worker, fresh bool) (worker, error) {
	s := p.sys
	timer := time.NewTimer(s.cfg.RequestTimeout)
	defer timer.Stop()
	for {
		w, changed, err := p.replacementNow(lost, fresh)
		if err != nil || w.addr != lost.addr {
			return w, err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return worker{}, ctx.Err()
		case <-timer.C:
			return worker{}, fmt.Errorf("%w: no replacement for %s of pool %s", ErrTimeout, lost.addr, p.addr)
		}
	}
}

// replacementNow is one look of replacement: the worker now in lost's slot
// (lost itself if it is not replaced yet, with a channel that closes at the
// next change), starting the replacement of a worker on another node.
func (p *Pool) replacementNow(lost worker, fresh bool) (worker, <-chan struct{}, error) {
	s := p.sys
	p.mu.Lock()
	defer p.unlock()
	if p.stopped {
		return worker{}, nil, fmt.Errorf("%w: pool %s", ErrStopped, p.addr)
	}
	ws := p.ws()
	k := slices.IndexFunc(ws, func(w worker) bool { return w.slot == lost.slot })
	switch {
	case k < 0:
		return worker{}, nil, fmt.Errorf("%w: %s: %s", ErrNoWorker, p.addr, p.left[lost.slot])
	case ws[k].addr != lost.addr:
		return ws[k], nil, nil
	case lost.ref != nil || p.replacing[lost.slot]: // replaced as it stops, or being replaced
		return lost, p.changed, nil
	case fresh && !s.net.unreachable(lost.addr.Node):
		p.leave(k, "it was a replacement, and it is gone from its node before it answered", slog.LevelWarn)
		return worker{}, nil, fmt.Errorf("%w: %s: %s", ErrNoWorker, p.addr, p.left[lost.slot])
	}
	why := "it is gone from its node " + lost.addr.Node
	if s.net.unreachable(lost.addr.Node) {
		why = "it was lost with its node " + lost.addr.Node
	}
	p.replacing[lost.slot] = true
	if !s.net.goTracked(func() { p.replace(lost, why) }) {
		delete(p.replacing, lost.slot)
		return worker{}, nil, ErrShutdown
	}
	return lost, p.changed, nil
}
