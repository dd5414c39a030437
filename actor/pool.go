// This file holds pools: N actors of one script behind one address, with a
// routing policy, and parallel map over them.

package actor

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/serialize"
)

// Routing is how a pool picks the worker for a message sent to its address.
type Routing int

const (
	// RoundRobin sends each message to the next worker in turn (the zero value).
	RoundRobin Routing = iota
	// Random sends each message to a worker picked at random.
	Random
	// Broadcast sends every message to every worker. A request sent to a
	// broadcast pool gets the first answer.
	Broadcast
	// ConsistentHash sends messages with the same value under PoolOptions.Key
	// to the same worker (rendezvous hashing), so per-key state can live in
	// one worker.
	ConsistentHash
	// Balanced sends each message to the worker with the fewest messages
	// waiting or running, so a slow task does not hold up cheap ones queued
	// behind it while other workers are idle.
	Balanced
)

var routingNames = []string{"round_robin", "random", "broadcast", "consistent_hash", "balanced"}

func (r Routing) String() string {
	if int(r) < len(routingNames) {
		return routingNames[r]
	}
	return "Routing(" + strconv.Itoa(int(r)) + ")"
}

// ParseRouting returns the Routing named as in scripts: "round_robin",
// "random", "broadcast", "consistent_hash" or "balanced".
func ParseRouting(name string) (Routing, error) {
	for i, n := range routingNames {
		if n == name {
			return Routing(i), nil
		}
	}
	return 0, fmt.Errorf("unknown routing %q; want one of round_robin, random, broadcast, consistent_hash, balanced", name)
}

// PoolOptions configures a pool. The zero value is a round-robin pool with
// one worker per core (GOMAXPROCS).
type PoolOptions struct {
	// Size is the number of workers. Zero means runtime.GOMAXPROCS(0).
	Size int
	// Routing picks the worker for each message. Zero means RoundRobin.
	Routing Routing
	// Key is the message key ConsistentHash routes by: messages must be
	// dicts (Go maps) holding it.
	Key string
	// Name names the pool; workers are Name/0, Name/1... Empty means a
	// generated name.
	Name string
	// Worker configures every worker (Args, Supervision, Mailbox...); its
	// Name and Node are ignored.
	Worker SpawnOptions
	// Nodes, if set, spreads the workers over these nodes in turn (this
	// system's own address, Node(), may be one of them), and Size zero
	// means one worker per core of this machine for each. Workers on other
	// nodes are spawned there as with SpawnOptions.Node. Balanced routing
	// sees the load of local workers only and treats remote ones as idle.
	Nodes []string
}

// worker is one of a pool's actors: ref is nil for a worker on another node.
type worker struct {
	addr Address
	ref  *actorRef
}

// Pool is a set of actors running one script behind one address. Its
// methods are safe for concurrent use.
type Pool struct {
	sys     *System
	addr    Address
	workers []worker
	routing Routing
	key     string
	next    atomic.Uint64
}

// NewPool spawns a pool of mod's actors, supervised like any actor Go spawns.
func (s *System) NewPool(ctx context.Context, mod *Module, opts PoolOptions) (*Pool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var args serialize.Envelope
	if len(opts.Worker.Args) > 0 {
		var err error
		if args, err = s.encode(opts.Worker.Args); err != nil {
			return nil, fmt.Errorf("actor: pool of %s: args: %w", mod.Name(), err)
		}
	}
	return s.newPool(ctx, nil, mod, args, opts)
}

func (s *System) newPool(ctx context.Context, parent *actorRef, mod *Module, args serialize.Envelope, opts PoolOptions) (*Pool, error) {
	if opts.Size <= 0 {
		opts.Size = runtime.GOMAXPROCS(0) * max(len(opts.Nodes), 1)
	}
	if opts.Routing == ConsistentHash && opts.Key == "" {
		return nil, errors.New("actor: a consistent_hash pool needs the message key to route by")
	}
	if opts.Name == "" {
		opts.Name = "pool" + s.proto.ProcessRegistry.NextId()
	}
	id := opts.Name
	if parent != nil {
		id = parent.pid.Id + "/" + opts.Name
	}
	p := &Pool{sys: s, addr: Address{Node: s.node, ID: id}, routing: opts.Routing, key: opts.Key}
	if _, loaded := s.pools.LoadOrStore(id, p); loaded {
		return nil, fmt.Errorf("%w: %q", ErrNameTaken, id)
	}
	for i := 0; i < opts.Size; i++ {
		w := opts.Worker
		w.Args, w.Node = nil, ""
		w.Name = opts.Name + "/" + strconv.Itoa(i)
		var addr Address
		var err error
		if len(opts.Nodes) > 0 && s.remoteNode(Address{Node: opts.Nodes[i%len(opts.Nodes)]}) {
			w.Name = "" // the node names it: names are unique per node, not across nodes
			addr, err = s.spawnRemote(ctx, parent, opts.Nodes[i%len(opts.Nodes)], mod, args, w)
		} else {
			addr, err = s.spawn(parent, mod, args, w, false)
		}
		if err != nil {
			p.stop("pool failed to start")
			return nil, err
		}
		p.workers = append(p.workers, worker{addr: addr, ref: s.local(addr)})
	}
	if s.n != nil { // reachable from other nodes too
		s.proto.ProcessRegistry.Add(&poolProcess{p}, id)
	}
	return p, nil
}

// poolProcess routes the messages other nodes send to a pool.
type poolProcess struct{ p *Pool }

func (pp *poolProcess) SendUserMessage(_ *proto.PID, message any) {
	if env, sender := senderOf(message); env != nil {
		_ = pp.p.route(context.Background(), env, sender)
	}
}
func (pp *poolProcess) SendSystemMessage(*proto.PID, any) {}
func (pp *poolProcess) Stop(*proto.PID)                   {}

// Address returns the pool's address: messages sent to it are routed.
func (p *Pool) Address() Address { return p.addr }

// Workers returns the workers' addresses.
func (p *Pool) Workers() []Address {
	out := make([]Address, len(p.workers))
	for i, w := range p.workers {
		out[i] = w.addr
	}
	return out
}

// stop stops the pool's workers without waiting.
func (p *Pool) stop(reason string) {
	if p.sys.pools.CompareAndDelete(p.addr.ID, p) && p.sys.n != nil {
		p.sys.proto.ProcessRegistry.Remove(proto.NewPID(p.sys.node, p.addr.ID))
	}
	for _, w := range p.workers {
		if w.ref == nil {
			_ = p.sys.stopRemote(w.addr, p.addr.String()+" ("+reason+")")
			continue
		}
		w.ref.cancel(reason)
		p.sys.proto.Root.Stop(w.ref.pid)
	}
}

// Stop stops the pool's workers and waits for those of this node, or for
// ctx; those on other nodes are told to stop.
func (p *Pool) Stop(ctx context.Context) error {
	p.stop("pool stopped")
	var errs []error
	for _, w := range p.workers {
		if w.ref == nil {
			continue
		}
		select {
		case <-w.ref.stoppedChan():
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("actor: stopping %s: %w", w.addr, ctx.Err()))
			return errors.Join(errs...)
		}
	}
	return nil
}

// route delivers env to the worker(s) the routing picks.
func (p *Pool) route(ctx context.Context, env *envelope, sender *proto.PID) error {
	if len(p.workers) == 0 {
		return p.sys.undeliverable(p.addr, env, sender, "no such actor")
	}
	if p.routing == Broadcast {
		var errs []error
		for _, w := range p.workers {
			errs = append(errs, p.sys.deliver(ctx, w.addr, env, sender))
		}
		return errors.Join(errs...)
	}
	w, err := p.pick(env)
	if err != nil {
		return err
	}
	return p.sys.deliver(ctx, w.addr, env, sender)
}

func (p *Pool) pick(env *envelope) (worker, error) {
	ws := p.workers
	switch p.routing {
	case Random:
		return ws[rand.IntN(len(ws))], nil
	case ConsistentHash:
		key, err := p.hashKey(env)
		if err != nil {
			return worker{}, err
		}
		return ws[rendezvous(key, len(ws))], nil
	case Balanced:
		best, load := ws[0], int64(-1)
		for _, w := range ws {
			l := int64(0)
			if w.ref != nil {
				st := w.ref.mb.Stats()
				l = int64(st.Posted - st.Processed)
			}
			if load < 0 || l < load {
				best, load = w, l
			}
		}
		return best, nil
	}
	return ws[int((p.next.Add(1)-1)%uint64(len(ws)))], nil
}

// hashKey extracts the routing key from a message for ConsistentHash.
func (p *Pool) hashKey(env *envelope) (string, error) {
	v, err := p.sys.cfg.Limits.DecodeGoTransfer(env.msg.Body, nil)
	if err != nil {
		return "", err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("actor: consistent_hash pool %s routes dicts by key %q, got a %T", p.addr, p.key, v)
	}
	k, ok := m[p.key]
	if !ok {
		return "", fmt.Errorf("actor: consistent_hash pool %s: message has no key %q", p.addr, p.key)
	}
	return fmt.Sprint(k), nil
}

// rendezvous picks one of n workers for key: the one with the highest hash
// of (key, worker), which moves few keys when n changes.
func rendezvous(key string, n int) int {
	best, bestHash := 0, uint64(0)
	for i := 0; i < n; i++ {
		h := fnv.New64a()
		h.Write([]byte(key))
		h.Write([]byte{0, byte(i), byte(i >> 8)})
		if v := h.Sum64(); i == 0 || v > bestHash {
			best, bestHash = i, v
		}
	}
	return best
}

// ItemError is the failure of one item of a Map: its index and the error
// (for a script failure, ErrActorFailed with the traceback).
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// Map sends each item to the pool's workers as a request and returns the
// answers in input order. Work is handed out as workers become free, so
// uneven items keep every worker busy. Failed items are reported together
// as an error joining one *ItemError per item (use errors.As); their slots
// in the result are nil. Cancelling ctx stops handing out items.
func (p *Pool) Map(ctx context.Context, items []any) ([]any, error) {
	results := make([]any, len(items))
	err := p.Stream(ctx, items, func(i int, v any, err error) error {
		results[i] = v
		return nil
	})
	return results, err
}

// Stream is Map that hands each answer to fn in input order as soon as it
// and those before it are in. fn runs on the caller's goroutine; an error
// from it stops the stream.
func (p *Pool) Stream(ctx context.Context, items []any, fn func(i int, v any, err error) error) error {
	bodies := make([]serialize.Envelope, len(items))
	for i, it := range items {
		env, err := p.sys.encode(it)
		if err != nil {
			return &ItemError{Index: i, Err: err}
		}
		bodies[i] = env
	}
	var errs []error
	err := p.mapEnvelopes(ctx, bodies, 0, func(i int, answer serialize.Envelope, err error) error {
		var v any
		if err == nil {
			err = p.sys.decodeInto(answer, &v)
		}
		if err != nil {
			err = &ItemError{Index: i, Err: err}
			errs = append(errs, err)
		}
		return fn(i, v, err)
	})
	return errors.Join(append(errs, err)...)
}

type mapResult struct {
	i   int
	msg serialize.Envelope
	err error
}

// mapEnvelopes runs the requests on one goroutine per worker, each taking
// the next item when its last answer is in, and calls fn in input order.
// Every goroutine it starts has returned when it returns.
func (p *Pool) mapEnvelopes(ctx context.Context, items []serialize.Envelope, timeout time.Duration,
	fn func(i int, answer serialize.Envelope, err error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	out := make(chan mapResult, len(p.workers))
	var wg sync.WaitGroup
	for _, w := range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				answer, err := p.sys.request(ctx, w.addr, items[i], timeout)
				select {
				case out <- mapResult{i, answer, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	defer func() {
		cancel()
		for range out { // let every worker goroutine finish
		}
	}()
	pending := make(map[int]mapResult)
	emitted := 0
	for r := range out {
		pending[r.i] = r
		for {
			r, ok := pending[emitted]
			if !ok {
				break
			}
			delete(pending, emitted)
			if err := fn(r.i, r.msg, r.err); err != nil {
				return err
			}
			emitted++
		}
		if emitted == len(items) {
			return nil
		}
	}
	if emitted < len(items) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("actor: map over %s stopped after %d of %d items", p.addr, emitted, len(items))
	}
	return nil
}
