// This file holds System.Snapshot: what is running now, aggregated by
// script, with the top actors by mailbox depth, messages and failures, a
// search by address and one level of the tree, for observers (package
// observe) that must not reach into the system.

package actor

import (
	"cmp"
	"container/heap"
	"slices"
	"strings"
	"time"
)

// SnapshotOptions says which actors a Snapshot lists. The zero value lists
// the 10 top actors of each ranking and the top-level actors.
type SnapshotOptions struct {
	// Top is how many actors each ranking, the search and Children list at
	// most. Zero means 10.
	Top int
	// Search, if set, lists in Found the actors whose address contains it.
	// Empty means no search.
	Search string
	// Under lists in Children the children of the actor with this address
	// ID. Empty means the top-level actors (those Go spawned).
	Under string
}

// Snapshot is what a system runs at one moment. It holds aggregates and
// short lists, never every actor: a system may have millions.
type Snapshot struct {
	Time        time.Time
	Node        string           // the node's address; "" for an embedded system
	Actors      int              // live actors
	Running     int              // of those, processing messages now
	Queued      int              // messages in every mailbox
	Processed   uint64           // messages processed by the live actors
	DeadLetters uint64           // messages that reached no actor, since the start
	Scripts     []ScriptSnapshot // by script name
	TopQueued   []ActorSnapshot  // the actors with the deepest mailboxes
	TopMessages []ActorSnapshot  // the actors that processed the most messages
	TopFailures []ActorSnapshot  // the actors that failed the most lately
	Found       []ActorSnapshot  // the actors SnapshotOptions.Search found
	Children    []ActorSnapshot  // one level of the tree: see SnapshotOptions.Under
	Pools       []PoolSnapshot   // by address
	Peers       []PeerSnapshot   // the nodes this one was configured with
}

// ScriptSnapshot aggregates the live actors of one script (or Go behaviour).
type ScriptSnapshot struct {
	Script     string
	Actors     int
	Running    int    // processing messages now
	Restarting int    // failed and waiting for their restart
	Queued     int    // messages in their mailboxes
	Processed  uint64 // messages they processed
	Failures   int    // their failures lately (within their supervision windows)
}

// ActorSnapshot is one actor.
type ActorSnapshot struct {
	Address   Address
	Parent    string // the parent's address ID; "" for a top-level actor
	Script    string
	State     string // "idle", "running", "restarting" or "stopped"
	Queued    int
	Processed uint64
	Children  int
	Failures  int // failures lately (within its supervision window)
}

// PoolSnapshot is one pool and how busy its workers are.
type PoolSnapshot struct {
	Address Address
	Script  string
	Routing string
	Workers int
	Busy    int // local workers processing messages now
	Queued  int // messages queued at its local workers
	Remote  int // workers on other nodes, whose load this node does not see
}

// PeerSnapshot is another node and its state as far as this node knows:
// "up", or "down" for one lost a moment ago.
type PeerSnapshot struct {
	Node  string
	State string
}

// Snapshot returns what the system runs now. It visits every actor once,
// keeping only aggregates and the lists opts asks for, so that it costs
// time in proportion to the actors but little memory. Safe to call from
// any goroutine.
func (s *System) Snapshot(opts SnapshotOptions) Snapshot {
	top := cmp.Or(opts.Top, 10)
	snap := Snapshot{Time: time.Now(), Node: s.Node(), DeadLetters: s.DeadLetters()}
	scripts := map[string]*ScriptSnapshot{}
	byQueued, byMessages, byFailures := &ranking{}, &ranking{}, &ranking{}
	s.actors.Range(func(_, v any) bool {
		a := v.(*actorRef).snapshot()
		snap.Actors++
		snap.Queued += a.Queued
		snap.Processed += a.Processed
		sc := scripts[a.Script]
		if sc == nil {
			sc = &ScriptSnapshot{Script: a.Script}
			scripts[a.Script] = sc
		}
		sc.Actors++
		sc.Queued += a.Queued
		sc.Processed += a.Processed
		sc.Failures += a.Failures
		switch a.State {
		case "running":
			sc.Running++
			snap.Running++
		case "restarting":
			sc.Restarting++
		}
		byQueued.offer(a, int64(a.Queued), top)
		byMessages.offer(a, int64(a.Processed), top)
		byFailures.offer(a, int64(a.Failures), top)
		if opts.Search != "" && len(snap.Found) < top && strings.Contains(a.Address.ID, opts.Search) {
			snap.Found = append(snap.Found, a)
		}
		if a.Parent == opts.Under && len(snap.Children) < top {
			snap.Children = append(snap.Children, a)
		}
		return true
	})
	for _, sc := range scripts {
		snap.Scripts = append(snap.Scripts, *sc)
	}
	slices.SortFunc(snap.Scripts, func(a, b ScriptSnapshot) int { return strings.Compare(a.Script, b.Script) })
	snap.TopQueued, snap.TopMessages, snap.TopFailures = byQueued.sorted(), byMessages.sorted(), byFailures.sorted()
	byAddr := func(a, b ActorSnapshot) int { return strings.Compare(a.Address.ID, b.Address.ID) }
	slices.SortFunc(snap.Found, byAddr)
	slices.SortFunc(snap.Children, byAddr)
	s.pools.Range(func(_, v any) bool {
		snap.Pools = append(snap.Pools, v.(*Pool).snapshot())
		return true
	})
	slices.SortFunc(snap.Pools, func(a, b PoolSnapshot) int { return strings.Compare(a.Address.ID, b.Address.ID) })
	for _, p := range s.Peers() {
		state := "up"
		if s.net.unreachable(p) {
			state = "down"
		}
		snap.Peers = append(snap.Peers, PeerSnapshot{Node: p, State: state})
	}
	return snap
}

// snapshot describes the actor now.
func (r *actorRef) snapshot() ActorSnapshot {
	st := r.mb.Stats()
	a := ActorSnapshot{Address: r.addr, Script: r.scriptName(), Queued: st.Queued, Processed: st.Processed, State: "idle"}
	if r.parent != nil {
		a.Parent = r.parent.addr.ID
	}
	if e := r.more.Load(); e != nil {
		r.mu.Lock()
		a.Children, a.Failures = len(e.children), len(e.failures)
		r.mu.Unlock()
	}
	switch {
	case r.cancelled():
		a.State = "stopped"
	case st.Running:
		a.State = "running"
	case a.Failures > 0 && r.opts.gob == nil && r.inst.Load() == nil:
		a.State = "restarting"
	}
	return a
}

// snapshot describes the pool now.
func (p *Pool) snapshot() PoolSnapshot {
	ps := PoolSnapshot{Address: p.addr, Script: p.scriptName(), Routing: p.routing.String()}
	for _, w := range p.ws() {
		ps.Workers++
		if w.ref == nil {
			ps.Remote++
			continue
		}
		st := w.ref.mb.Stats()
		ps.Queued += st.Queued
		if st.Running {
			ps.Busy++
		}
	}
	return ps
}

// ranking keeps the top n actors by a score: a min-heap, so that each
// offer costs O(log n) and a million actors pass through in one visit.
type ranking []scored

type scored struct {
	a     ActorSnapshot
	score int64
}

func (h ranking) Len() int           { return len(h) }
func (h ranking) Less(i, j int) bool { return h[i].score < h[j].score }
func (h ranking) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *ranking) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *ranking) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer keeps a if its score, which must be positive, is among the top n.
func (h *ranking) offer(a ActorSnapshot, score int64, n int) {
	switch {
	case score <= 0:
	case len(*h) < n:
		heap.Push(h, scored{a, score})
	case score > (*h)[0].score:
		(*h)[0] = scored{a, score}
		heap.Fix(h, 0)
	}
}

// sorted returns the kept actors, highest score first.
func (h *ranking) sorted() []ActorSnapshot {
	out := make([]ActorSnapshot, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(scored).a
	}
	return out
}
