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
	// Name names the pool; workers are Name/0, Name/1..., and their
	// replacements Name/Size, Name/Size+1... Empty means a generated name.
	Name string
	// Worker configures every worker (Args, Supervision, Mailbox...); its
	// Name and Node are ignored.
	Worker SpawnOptions
	// Nodes, if set, spreads the workers over these nodes in turn (this
	// system's own address, Node(), may be one of them), and Size zero
	// means one worker per core of this machine for each. Workers on other
	// nodes are spawned there as with SpawnOptions.Node; those of a node
	// that cannot be reached go to the others. When a node is lost, its
	// workers are replaced on the pool's other nodes (this one if none is
	// left), and Map re-sends the items they held: an item may run twice.
	// A worker that stops for good on another node (which supervises it)
	// is replaced, on that node if it can be, when a Map finds it gone; a
	// replacement found gone before it answered an item leaves the pool.
	// Balanced routing sees the load of local workers only and treats
	// remote ones as idle.
	Nodes []string
}

// worker is one of a pool's actors: ref is nil for a worker on another
// node. slot is its place in the pool, which its replacements take.
type worker struct {
	addr Address
	ref  *actorRef
	slot int
}

// Pool is a set of actors running one script behind one address. Its
// methods are safe for concurrent use.
//
// A pool stays whole: a worker that stops for good because its script kept
// failing (its supervision gave up on it: by default after 10 restarts in
// 10 seconds) is replaced by a new one in its place, which also takes the
// messages that were queued for it; a warning is logged and a
// *PoolWorkerReplacedEvent published. Only the message it failed on fails,
// with the script's error, as any failed message does.
//
// So that replacing cannot go on forever, a worker whose init never
// succeeded is not replaced (its replacement would run the same init and
// fail the same way): it leaves the pool, with a warning and an event, and
// a message or Map item no worker is left for fails with ErrNoWorker,
// which says why. Retry failing inits with the worker's supervision
// (MaxRestarts, Within, the Backoff strategy) instead. A worker stopped on
// purpose, or one that escalated its failure to its parent, leaves the
// pool too.
type Pool struct {
	sys     *System
	addr    Address
	workers atomic.Pointer[[]worker] // replaced as a whole, under mu, when workers change
	routing Routing
	key     string
	next    atomic.Uint64

	// What starting a worker takes.
	parent *actorRef
	mod    *Module
	args   serialize.Payload
	opts   PoolOptions

	mu        sync.Mutex // serializes changes of workers, and Stop; guards what follows
	stopped   bool
	changed   chan struct{}  // closed when the workers change or the pool stops
	spawned   int            // workers started so far: numbers the next one's name
	replacing map[int]bool   // slots whose worker is being replaced on another node
	left      map[int]string // slots whose worker left without a replacement: why
	lastLeft  int            // the slot that was left last
	reports   []func()       // changes to log and publish once mu is released (see unlock)
}

// ws returns the current workers.
func (p *Pool) ws() []worker {
	if w := p.workers.Load(); w != nil {
		return *w
	}
	return nil
}

// setWorkers makes ws the pool's workers and wakes whoever waits for a
// change. p.mu must be held.
func (p *Pool) setWorkers(ws []worker) {
	p.workers.Store(&ws)
	p.wake()
}

// wake closes the channel of those waiting for a change. p.mu must be held.
func (p *Pool) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// NewPool spawns a pool of mod's actors, supervised like any actor Go spawns.
func (s *System) NewPool(ctx context.Context, mod *Module, opts PoolOptions) (*Pool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var args serialize.Payload
	if len(opts.Worker.Args) > 0 {
		var err error
		if args, err = s.encode(opts.Worker.Args); err != nil {
			return nil, fmt.Errorf("actor: pool of %s: args: %w", mod.Name(), err)
		}
	}
	return s.newPool(ctx, nil, mod, args, opts)
}

func (s *System) newPool(ctx context.Context, parent *actorRef, mod *Module, args serialize.Payload, opts PoolOptions) (*Pool, error) {
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
		parent: parent, mod: mod, args: args, opts: opts,
		changed: make(chan struct{}), replacing: map[int]bool{}, left: map[int]string{}}
	if _, loaded := s.pools.LoadOrStore(id, p); loaded {
		return nil, fmt.Errorf("%w: %q", ErrNameTaken, id)
	}
	if parent != nil && !parent.ownPool(p) {
		s.pools.CompareAndDelete(id, p)
		return nil, fmt.Errorf("%w: %s is stopping", ErrStopped, parent.addr)
	}
	// A worker that stops while the others start waits for them in
	// workerStopped, so that it finds itself among the workers.
	p.mu.Lock()
	defer p.mu.Unlock()
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
			if w, err = p.spawnWorker(ctx, i, node, p.opts.Name+"/"+strconv.Itoa(i)); !errors.Is(err, ErrNodeUnreachable) {
				break
			}
			s.logger.Warn("pool: node unreachable, its workers go to the others", "pool", p.addr, "node", node)
			down[node] = true
		}
		if err != nil {
			p.stopLocked("pool failed to start")
			return nil, err
		}
		p.setWorkers(append(slices.Clone(p.ws()), w))
	}
	p.spawned = opts.Size
	s.proto.ProcessRegistry.Add(&poolProcess{p}, id) // for messages from other nodes
	return p, nil
}

// name returns the name of the pool's next worker. p.mu must be held.
func (p *Pool) name() string {
	n := p.opts.Name + "/" + strconv.Itoa(p.spawned)
	p.spawned++
	return n
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

// spawnWorker starts a worker for slot on node, named name if it is local.
func (p *Pool) spawnWorker(ctx context.Context, slot int, node, name string) (worker, error) {
	s := p.sys
	w := p.opts.Worker
	w.Args, w.Node, w.Name = nil, "", name
	var addr Address
	var err error
	if s.remoteNode(Address{Node: node}) {
		w.Name = "" // the node names it: names are unique per node, not across nodes
		addr, err = s.net.spawn(ctx, p.parent, node, s.current(p.mod), p.args, w)
	} else {
		w.pool = p
		addr, err = s.spawn(p.parent, s.current(p.mod), p.args, w, false)
	}
	return worker{addr: addr, ref: s.local(addr), slot: slot}, err
}

// Address returns the pool's address: messages sent to it are routed.
func (p *Pool) Address() Address { return p.addr }

// Workers returns the addresses of the current workers, replacements in
// the places of those they replaced; fewer than Size once some have left
// the pool with no replacement.
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
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked(reason)
}

// stopLocked is stop with p.mu held.
func (p *Pool) stopLocked(reason string) {
	if p.sys.pools.CompareAndDelete(p.addr.ID, p) {
		p.sys.proto.ProcessRegistry.Remove(proto.NewPID(p.sys.node, p.addr.ID))
	}
	if p.parent != nil {
		p.parent.disownPool(p)
	}
	if !p.stopped {
		p.stopped = true
		p.wake()
	}
	for _, w := range p.ws() {
		p.stopWorker(w, reason)
	}
}

// stopWorker stops w without waiting.
func (p *Pool) stopWorker(w worker, reason string) {
	if w.ref == nil {
		_ = p.sys.net.stop(w.addr, p.addr.String()+" ("+reason+")")
		return
	}
	w.ref.stop(reason)
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
		if env.request {
			err := p.noWorkers()
			p.sys.answerError(sender, err)
			return err
		}
		p.sys.deadLetter(p.addr, env, "pool has no workers")
		return nil
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
	if len(ws) == 0 { // the last worker left since route looked
		return worker{}, p.noWorkers()
	}
	switch p.routing {
	case Random:
		return ws[rand.IntN(len(ws))], nil
	case ConsistentHash:
		key, err := p.hashKey(env)
		if err != nil {
			return worker{}, err
		}
		return rendezvous(key, ws), nil
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
	v, err := p.sys.cfg.Limits.DecodeGoTransfer(env.msg.Body, env.msg.Buffers) // reads the key; moves nothing
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

// rendezvous picks the worker for key: the one with the highest hash of
// (key, its slot), which moves only the keys of a worker that leaves.
func rendezvous(key string, ws []worker) worker {
	best, bestHash := ws[0], uint64(0)
	for i, w := range ws {
		h := fnv.New64a()
		h.Write([]byte(key))
		h.Write([]byte{0, byte(w.slot), byte(w.slot >> 8), byte(w.slot >> 16)})
		if v := h.Sum64(); i == 0 || v > bestHash {
			best, bestHash = w, v
		}
	}
	return best
}
