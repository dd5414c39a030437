// This file holds the System: configuration, start-up, loading scripts,
// the registry of local actors, and Shutdown and Close.

package actor

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// Address is an actor's address. Scripts see the same value.
type Address = serialize.Address

// Module is a compiled script, shared by every actor that runs it.
type Module = interp.Module

// DefaultRequestTimeout is the deadline of a request that names none.
const DefaultRequestTimeout = 5 * time.Second

// Config configures a System. The zero value is an embedded system with the
// defaults: scripts from the current directory, unbounded mailboxes, no step
// limit, requests timing out after DefaultRequestTimeout, logs discarded.
type Config struct {
	// Logger receives the system's logs and scripts' log() calls. Nil means discard.
	Logger *slog.Logger
	// Root is the application's root folder: Load and spawn paths and load()
	// are resolved inside it. Empty means the current directory.
	Root string
	// FS, if set, is read instead of Root (embedded applications, tests).
	FS fs.FS
	// ShowRoot is put before root-relative file names in error positions and
	// tracebacks. Empty means names relative to Root.
	ShowRoot string
	// MaxSteps is the default per-message execution step limit of every
	// actor. Zero means none.
	MaxSteps uint64
	// RequestTimeout is the deadline of requests that name none. Zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Mailbox is the default mailbox of spawned actors. Zero means unbounded.
	Mailbox mailbox.Config
	// Limits bound the size and depth of messages. Zero means serialize's defaults.
	Limits serialize.Limits
	// Builtins are host functions added to every script. They are called
	// from many actors at once and must be safe for concurrent use.
	Builtins starlark.StringDict
	// Clock grants scripts the time module. False means no clock.
	Clock bool
	// Strict turns off the Python-like dialect options. False means on.
	Strict bool
	// Print receives scripts' print() output. Nil means the Logger at info level.
	Print func(from Address, msg string)
	// Progress, if set, is called as items of a script's pmap complete
	// (done of total), from the goroutine of the script that runs pmap.
	Progress func(done, total int)
	// Node, if set, makes the system a node that other processes reach over
	// the network (see NodeConfig). Nil means embedded: no listener.
	Node *NodeConfig
	// Behaviors are Go actors' code by name: what SpawnGo and NewGoPool run
	// for a Behavior that gives only its Name, and what other nodes start
	// here by name (SpawnOptions.Node, PoolOptions.Nodes). Nil means none.
	Behaviors map[string]Behavior
	// Record, if set, makes every script actor keep its last Record
	// messages and what its nondeterministic builtins returned, and write
	// them to a file in RecordDir when it fails, for `murmur replay` (see
	// Replay). Zero means no actor records unless its SpawnOptions.Record says so.
	Record int
	// RecordDir is the folder recordings of failed actors are written to.
	// Empty means os.TempDir().
	RecordDir string
	// RecordFiles bounds the recordings the system writes, so that an
	// actor failing in a loop cannot fill the disk. Zero means 1000.
	RecordFiles int
	// Cluster, if set, makes the system a member of a cluster hosting
	// grains (see ClusterConfig); it is a node too, on loopback unless
	// Node says otherwise. Nil means no cluster.
	Cluster *ClusterConfig
	// MeterProvider, if set, receives the system's metrics (see metrics.go).
	// Nil means none, at the cost of a nil check.
	MeterProvider metric.MeterProvider
	// TracerProvider, if set, makes each message an actor processes a span
	// whose parent is the sender's span, carried in the envelope, across
	// nodes too (see tracing.go). Nil means no tracing, and nothing added
	// to envelopes.
	TracerProvider trace.TracerProvider
	// VirtualClock, if set, is the time the system's timers run on (see
	// VirtualClock), for tests; one clock serves one system. Nil means
	// the wall clock.
	VirtualClock *VirtualClock
}

// System is an actor system: the actors of one process, their scripts, and
// the protoactor system underneath. Its methods are safe for concurrent use.
// End it with Shutdown, which lets stopping() hooks run, and with Close
// when Shutdown's ctx ran out or there is no time for hooks.
type System struct {
	cfg     Config
	logger  *slog.Logger
	proto   *proto.ActorSystem
	engine  *interp.Engine
	group   *mailbox.Group
	node    string
	modules sync.Map // path -> *Module
	actors  sync.Map // process id -> *actorRef
	pools   sync.Map // pool id -> *Pool
	done    chan struct{}
	closing atomic.Bool
	shut    shutdown
	dead    deadLetters
	sup     *supervisor
	guarded *proto.RootContext // spawns Go's actors under the supervisor
	net     network            // other processes: a *node with Config.Node, else embedded
	reload  reloads            // the versions Reload replaced (reload.go)
	records atomic.Int64       // crash recordings written or tried (record.go)
	cl      *clusterState      // nil unless Config.Cluster
	meters  *meters            // nil unless Config.MeterProvider
	tracer  trace.Tracer       // nil unless Config.TracerProvider
	// baseSubscribers is how many subscribers protoactor itself keeps on
	// the event stream; more means someone wants murmur's events.
	baseSubscribers int32
}

// NewSystem starts an embedded actor system: no server, no listener.
func NewSystem(cfg Config) (*System, error) {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if err := checkBehaviors(cfg.Behaviors); err != nil {
		return nil, err
	}
	if err := cfg.clusterDefaults(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	engine, err := interp.NewEngine(interp.Options{
		Root: cfg.Root, FS: cfg.FS, ShowRoot: cfg.ShowRoot, Strict: cfg.Strict, MaxSteps: cfg.MaxSteps,
		Clock: cfg.Clock, Builtins: cfg.Builtins, Limits: cfg.Limits,
	})
	if err != nil {
		return nil, err
	}
	s := &System{cfg: cfg, logger: logger, engine: engine, group: &mailbox.Group{Pool: true}, done: make(chan struct{})}
	s.shut.ended = make(chan struct{})
	s.proto = proto.NewActorSystem(
		proto.WithLoggerFactory(func(*proto.ActorSystem) *slog.Logger {
			return slog.New(warnOnly{logger.Handler()}).With("lib", "protoactor")
		}),
		// protoactor's dead-letter log throttle runs a goroutine for one
		// interval; keep it short so Shutdown leaves nothing behind.
		proto.WithDeadLetterThrottleInterval(10*time.Millisecond),
	)
	s.net = embedded{s}
	if cfg.Node != nil {
		if err := s.startNode(*cfg.Node); err != nil {
			s.proto.Shutdown()
			return nil, err
		}
	}
	s.node = s.proto.Address()
	s.dead.logger = logger
	s.sup = &supervisor{sys: s}
	s.guarded = s.proto.Root.WithGuardian(s.sup)
	s.baseSubscribers = s.proto.EventStream.Length()
	if err := s.attachClock(); err != nil {
		return nil, err
	}
	if cfg.TracerProvider != nil {
		s.tracer = cfg.TracerProvider.Tracer(tracerName)
	}
	if cfg.MeterProvider != nil {
		if s.meters, err = newMeters(s, cfg.MeterProvider); err != nil {
			s.Close()
			return nil, fmt.Errorf("actor: metrics: %w", err)
		}
	}
	return s, nil
}

// warnOnly passes protoactor's warnings and errors to the system's logger
// and drops its chatter.
type warnOnly struct{ slog.Handler }

func (w warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

// Handle drops the errors protoactor's remote logs for connections that
// end (murmur reports a lost node itself, once, as a warning) unless debug
// logging is on.
func (w warnOnly) Handle(ctx context.Context, r slog.Record) error {
	if (strings.HasPrefix(r.Message, "Endpoint") || automanagedNoise[r.Message]) && !w.Handler.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	return w.Handler.Handle(ctx, r)
}
func (w warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{w.Handler.WithAttrs(a)} }
func (w warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{w.Handler.WithGroup(n)} }

// Load compiles the script at path (relative to Config.Root) once; later
// calls with the same path return the same Module. Errors carry file:line:col.
func (s *System) Load(path string) (*Module, error) {
	if m, ok := s.modules.Load(path); ok {
		return m.(*Module), nil
	}
	m, err := s.engine.Load(path)
	if err != nil {
		return nil, err
	}
	actual, _ := s.modules.LoadOrStore(path, m)
	return actual.(*Module), nil
}

// loadFor loads the script at path for a child of an actor running
// parent: from the application's root, or, for an actor a peer started
// here, from the files that peer sent with it.
func (s *System) loadFor(parent *Module, path string) (*Module, error) {
	if parent.Engine() == s.engine {
		return s.Load(path)
	}
	return s.net.load(parent.Engine(), path)
}

// Compile compiles a script from source under the given file name.
func (s *System) Compile(filename string, src []byte) (*Module, error) {
	return s.engine.Compile(filename, src)
}

// Logger returns the system's logger.
func (s *System) Logger() *slog.Logger { return s.logger }

// Protoactor returns the protoactor system underneath, for hosts that mix
// raw protoactor actors with script actors.
func (s *System) Protoactor() *proto.ActorSystem { return s.proto }

func (s *System) local(a Address) *actorRef {
	if a.Node != s.node && a.Node != "" {
		return nil
	}
	if r, ok := s.actors.Load(a.ID); ok {
		return r.(*actorRef)
	}
	return nil
}

// Node returns the system's node address ("host:port"), which is the Node
// of its actors' addresses, or "" for an embedded system.
func (s *System) Node() string { return s.net.address() }

// Peers returns the other nodes the system was configured with.
func (s *System) Peers() []string { return s.net.peers() }

// remoteNode reports whether a is on another node.
func (s *System) remoteNode(a Address) bool { return a.Node != "" && a.Node != s.node }

func (s *System) pid(a Address) *proto.PID {
	node := a.Node
	if node == "" {
		node = s.node
	}
	return proto.NewPID(node, a.ID)
}

func (s *System) address(pid *proto.PID) Address {
	return Address{Node: pid.Address, ID: pid.Id}
}

// Shutdown stops every actor (cancelling scripts that are still running,
// and letting their stopping() hooks run for at most a second), waits for
// them and for every goroutine the system started, stops the node's
// transport and releases the system. If ctx is done first, Shutdown returns
// an error that wraps ctx's and says what it was waiting for; the shutdown
// goes on, and a later Shutdown or Close waits for its end. Shutdown may be
// called from several goroutines at once, and again: each call returns
// when the system has ended or its ctx is done. It must not be called from
// an actor's own goroutine (a Go builtin), which it would wait for.
func (s *System) Shutdown(ctx context.Context) error {
	s.beginShutdown()
	select {
	case <-s.shut.ended:
		return s.shut.err
	default:
	}
	select {
	case <-s.shut.ended:
		return s.shut.err
	case <-ctx.Done():
		return fmt.Errorf("actor: shutdown: waiting for %s: %w", s.shut.waiting.Load(), ctx.Err())
	}
}

// Close stops the system now, as Shutdown does without waiting for
// stopping() hooks: a hook that runs is cancelled and one that has not
// started is skipped. It returns once nothing of the system is left
// running, whatever an earlier Shutdown's ctx did; only a Go builtin that
// ignores its script's cancellation can hold it up. Call Close when a
// Shutdown's ctx ran out, or instead of Shutdown when there is no time for
// hooks. Close is safe to call from several goroutines, and again, but,
// as Shutdown, not from a Go builtin.
func (s *System) Close() error {
	s.shut.hurry.Store(true)
	s.beginShutdown()
	// Hooks that have started are cancelled; scriptActor.stopping skips
	// those that start after hurry is set.
	s.actors.Range(func(_, v any) bool {
		if in := v.(*actorRef).inst.Load(); in != nil {
			in.Cancel("system closed")
		}
		return true
	})
	<-s.shut.ended
	return s.shut.err
}

// shutdown is the state of a system's shutdown: it begins once, with the
// first Shutdown or Close, and runs to its end on a goroutine of its own,
// which every later call waits for.
type shutdown struct {
	once    sync.Once
	hurry   atomic.Bool   // Close was called: stopping() hooks are cut short
	waiting atomic.Value  // string: what the shutdown waits for now
	ended   chan struct{} // closed when nothing of the system runs
	err     error         // the end's error, set before ended closes
}

// beginShutdown refuses new work, cancels every running script and stops
// the top-level actors (who stop their children), then leaves the rest to
// finishShutdown. Only the first call does anything.
func (s *System) beginShutdown() {
	s.shut.once.Do(func() {
		s.closing.Store(true)
		close(s.done)
		s.sup.restarts.stop()
		s.shut.waiting.Store("the actors")
		refs := s.liveActors()
		for _, r := range refs {
			r.cancel("system shut down") // all at once: children stop with their parents
		}
		for _, r := range refs {
			if r.parent == nil {
				r.stop("system shut down")
			}
		}
		go s.finishShutdown(refs)
	})
}

// finishShutdown waits for the actors to stop, then stops the node, the
// protoactor system and the engine, and marks the end.
func (s *System) finishShutdown(refs []*actorRef) {
	defer close(s.shut.ended)
	for len(refs) > 0 {
		for _, r := range refs {
			s.shut.waiting.Store(r.addr.String())
			<-r.stoppedChan()
		}
		// Actors whose spawn raced with the beginning of the shutdown.
		refs = s.liveActors()
		for _, r := range refs {
			r.stop("system shut down")
		}
	}
	s.shut.waiting.Store("the mailboxes' goroutines")
	_ = s.group.Wait(context.Background()) // without a deadline it cannot fail
	s.shut.waiting.Store("the node's transport")
	s.stopCluster()
	s.net.close()
	s.detachClock()
	s.proto.Shutdown()
	s.meters.close()
	s.shut.err = s.engine.Close()
}

// liveActors returns the actors in the registry.
func (s *System) liveActors() []*actorRef {
	var refs []*actorRef
	s.actors.Range(func(_, v any) bool {
		refs = append(refs, v.(*actorRef))
		return true
	})
	return refs
}
