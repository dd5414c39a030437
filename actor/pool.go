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
	"slices"
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
	// nodes are spawned there as with SpawnOptions.Node; those of a node
	// that cannot be reached go to the others. When a node is lost, its workers are replaced on the pool's other nodes (this one if
	// none is left), and Map re-sends the items they held: an item may run
	// twice. Balanced routing sees the load of local workers only and
	// treats remote ones as idle.
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
	workers atomic.Pointer[[]worker] // replaced as a whole when workers are
	routing Routing
	key     string
	next    atomic.Uint64

	// What replacing a worker lost with its node takes; mu serializes
	// replacements and Stop.
	mu      sync.Mutex
	stopped bool
	parent  *actorRef
	mod     *Module
	args    serialize.Envelope
	opts    PoolOptions
}

// ws returns the current workers.
func (p *Pool) ws() []worker {
	if w := p.workers.Load(); w != nil {
		return *w
	}
	return nil
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
	p := &Pool{sys: s, addr: Address{Node: s.node, ID: id}, routing: opts.Routing, key: opts.Key,
		parent: parent, mod: mod, args: args, opts: opts}
	if _, loaded := s.pools.LoadOrStore(id, p); loaded {
		return nil, fmt.Errorf("%w: %q", ErrNameTaken, id)
	}
	var ws []worker
	down := map[string]bool{} // nodes found unreachable: the workers go to the others
	for i := 0; i < opts.Size; i++ {
		var w worker
		err := fmt.Errorf("%w: every node of the pool", ErrNodeUnreachable)
		for try := 0; try < max(len(opts.Nodes), 1); try++ {
			node := s.node
			if len(opts.Nodes) > 0 {
				node = opts.Nodes[(i+try)%len(opts.Nodes)]
			}
			if down[node] {
				continue
			}
			if w, err = p.spawnWorker(ctx, i, node); !errors.Is(err, ErrNodeUnreachable) {
				break
			}
			s.logger.Warn("pool: node unreachable, its workers go to the others", "pool", p.addr, "node", node)
			down[node] = true
		}
		if err != nil {
			p.stop("pool failed to start")
			return nil, err
		}
		ws = append(ws, w)
		p.workers.Store(&ws)
	}
	if s.n != nil { // reachable from other nodes too
		s.proto.ProcessRegistry.Add(&poolProcess{p}, id)
	}
	return p, nil
}

// poolProcess routes the messages other nodes send to a pool. It runs on
// the goroutine reading the peer's connection, which must not wait: a
// worker's full bounded mailbox refuses the message as it refuses any
// message from a peer.
type poolProcess struct{ p *Pool }

// noWait is a done context: an Offer with it takes a message only if it fits.
var noWait = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func (pp *poolProcess) SendUserMessage(_ *proto.PID, message any) {
	env, sender := senderOf(message)
	if env == nil {
		return
	}
	err := pp.p.route(noWait, env, sender)
	switch {
	case err == nil:
	case errors.Is(err, ErrMailboxFull) || errors.Is(err, context.Canceled):
		pp.p.sys.refusePeer(pp.p.addr, message)
	case env.request:
		pp.p.sys.answerError(sender, err)
	default:
		pp.p.sys.deadLetter(pp.p.addr, env, err.Error())
	}
}
func (pp *poolProcess) SendSystemMessage(*proto.PID, any) {}
func (pp *poolProcess) Stop(*proto.PID)                   {}

// spawnWorker starts worker i of the pool on node.
func (p *Pool) spawnWorker(ctx context.Context, i int, node string) (worker, error) {
	s := p.sys
	w := p.opts.Worker
	w.Args, w.Node = nil, ""
	w.Name = p.opts.Name + "/" + strconv.Itoa(i)
	var addr Address
	var err error
	if s.remoteNode(Address{Node: node}) {
		w.Name = "" // the node names it: names are unique per node, not across nodes
		addr, err = s.spawnRemote(ctx, p.parent, node, p.mod, p.args, w)
	} else {
		addr, err = s.spawn(p.parent, p.mod, p.args, w, false)
	}
	return worker{addr: addr, ref: s.local(addr)}, err
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
	s := p.sys
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	var alive []string
	for _, n := range p.opts.Nodes {
		if n != node && !(s.remoteNode(Address{Node: n}) && s.unreachable(n)) {
			alive = append(alive, n)
		}
	}
	if len(alive) == 0 {
		alive = []string{s.node}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	ws := slices.Clone(p.ws())
	j := 0
	for i, w := range ws {
		if w.addr.Node != node {
			continue
		}
		nw, err := p.spawnWorker(ctx, i, alive[j%len(alive)])
		j++
		if err != nil {
			s.logger.Warn("pool: cannot replace a worker lost with its node", "pool", p.addr, "worker", w.addr, "error", err)
			continue
		}
		ws[i] = nw
		s.logger.Info("pool: replaced a worker lost with its node", "pool", p.addr, "lost", w.addr, "new", nw.addr)
	}
	p.workers.Store(&ws)
}

// replacement waits for worker k, lost with its node, to be replaced, and
// returns the new one; false if none comes within the request timeout.
func (p *Pool) replacement(ctx context.Context, k int, lost Address) (worker, bool) {
	deadline := time.Now().Add(p.sys.cfg.RequestTimeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if ws := p.ws(); k < len(ws) && ws[k].addr != lost {
			return ws[k], true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return worker{}, false
}

// Address returns the pool's address: messages sent to it are routed.
func (p *Pool) Address() Address { return p.addr }

// Workers returns the workers' addresses.
func (p *Pool) Workers() []Address {
	ws := p.ws()
	out := make([]Address, len(ws))
	for i, w := range ws {
		out[i] = w.addr
	}
	return out
}

// stop stops the pool's workers without waiting.
func (p *Pool) stop(reason string) {
	if p.sys.pools.CompareAndDelete(p.addr.ID, p) && p.sys.n != nil {
		p.sys.proto.ProcessRegistry.Remove(proto.NewPID(p.sys.node, p.addr.ID))
	}
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	for _, w := range p.ws() {
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
	for _, w := range p.ws() {
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
	ws := p.ws()
	if len(ws) == 0 {
		return p.sys.undeliverable(p.addr, env, sender, "no such actor")
	}
	if p.routing == Broadcast {
		if env.request && len(ws) > 1 {
			cp := *env
			cp.fanout = true
			env = &cp
		}
		var errs []error
		for _, w := range ws {
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
	ws := p.ws()
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

// lostWithNode reports whether a request failed because its target's node
// went away, not because the script failed.
func lostWithNode(err error) bool {
	return err != nil && !errors.Is(err, ErrActorFailed) &&
		(errors.Is(err, ErrNodeUnreachable) || errors.Is(err, ErrStopped))
}

type mapResult struct {
	i   int
	msg serialize.Envelope
	err error
}

// mapEnvelopes runs the requests on one goroutine per worker, each taking
// the next item when its last answer is in, and calls fn in input order.
// An item whose worker's node is lost while it runs is sent again to the
// worker that replaces it (so an item may run twice: at least once, as
// map-reduce systems re-run the tasks of a lost machine).
// Every goroutine it starts has returned when it returns.
func (p *Pool) mapEnvelopes(ctx context.Context, items []serialize.Envelope, timeout time.Duration,
	fn func(i int, answer serialize.Envelope, err error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	ws := p.ws()
	out := make(chan mapResult, len(ws))
	var wg sync.WaitGroup
	for k, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				answer, err := p.sys.request(ctx, w.addr, items[i], timeout)
				for tries := 0; tries < 3 && w.ref == nil && lostWithNode(err); tries++ {
					nw, ok := p.replacement(ctx, k, w.addr)
					if !ok {
						break
					}
					w = nw
					answer, err = p.sys.request(ctx, w.addr, items[i], timeout)
				}
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
