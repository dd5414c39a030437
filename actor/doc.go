// Package actor runs script actors and Go actors: the System, spawning,
// messaging, requests, supervision, Run for an application's main,
// Shutdown and Close.
//
// An actor is a protoactor-go actor that owns one interp.Instance: a
// Starlark interpreter with its own globals. Messages are copied as msgpack
// bytes (package serialize), so actors share nothing, and a receiver may
// mutate what it got without the sender ever seeing it.
//
//	sys, err := actor.NewSystem(actor.Config{Root: "app"}) // embedded: no server
//	defer sys.Shutdown(ctx)                                // stops every actor, leaks no goroutine
//
//	mod, err := sys.Load("counter.star")                   // compile errors name file:line:col
//	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Args: []any{10}, Name: "counter"})
//	err = sys.Send(ctx, pid, map[string]any{"op": "add", "by": 2})
//	var n int
//	err = sys.Request(ctx, pid, map[string]any{"op": "get"}, &n)
//
// # Goroutines and parallelism
//
// While an actor processes messages its interpreter has a goroutine to
// itself (the mailbox's), never shared with another interpreter at the same
// time and never waiting on a lock another interpreter holds, so N busy
// actors use N cores. An idle actor holds no goroutine. The goroutine need
// not be new: a Starlark call needs a stack far larger than a fresh
// goroutine's 2 KB, so an actor with work borrows a warm worker goroutine
// (its stack already grown) from a pool the System owns, and gives it back
// as soon as its mailbox is empty. The pool keeps at most 256×GOMAXPROCS
// workers idle, each for one to two seconds, and the garbage collector
// shrinks their stacks while they wait; Shutdown joins every one (see
// mailbox.Group). At most one goroutine runs an actor at a time, which is
// the ownership rule that keeps script state race-free without locks.
//
// # Failures
//
// A script error (fail(), a type error, the step limit, a failed request
// the script does not catch()) fails the actor: a requester waiting on the
// message gets ErrActorFailed with the traceback at once, and protoactor's
// supervision restarts the actor with a fresh instance (init runs again
// with the spawn arguments: the old instance's state is lost), up to 10
// restarts in 10 seconds. Messages queued behind the failed one stay queued
// and are processed by the restarted instance. Stop and Shutdown cancel
// running scripts at once. A receive that returns without answering a
// request (and without calling sender(), which it may keep for a deferred
// reply) fails the request at once with ErrNoReply.
//
// A failure is logged once: at debug by the failing actor when a waiting
// requester was answered with it (the requester handles it, or fails and
// is logged in turn; Go gets it returned), at error when nobody waited, or
// when an ask's failure was never retrieved by the script. Every failure is
// published as a FailureEvent.
//
// Sending to an actor that no longer exists is not an error: the message
// goes to dead letters (counted by DeadLetters and logged), as in Erlang and
// Akka. A request to one fails at once with ErrUnknownActor or ErrStopped.
// Every request has a deadline (ctx's, or Config.RequestTimeout).
//
// # Shutting down
//
// Shutdown(ctx) stops every actor, letting each stopping() hook run for a
// second at most, then the node's transport and the protoactor system, and
// returns when that is done. If ctx is done first it
// returns an error and the shutdown goes on; Close, or another Shutdown,
// waits for its end. Close stops everything at once, cutting stopping()
// hooks short: use it after a Shutdown whose ctx ran out, or instead of
// Shutdown when there is no time to wait.
//
// # Nodes
//
// With Config.Node a System is a node: it listens (on loopback unless told
// otherwise, with TLS if given) through protoactor-go's remote package, and
// reaches other nodes' actors by their addresses, whose Node is the other
// node's "host:port". Send, Request, Stop, and in scripts send, request,
// reply, ask, watch and stop work the same on either kind of address.
//
//	sys, err := actor.NewSystem(actor.Config{Node: &actor.NodeConfig{Listen: "127.0.0.1:7001"}})
//	w, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Node: "127.0.0.1:7002"}) // runs there
//	err = sys.Request(ctx, w, "work", &answer)
//
// Between nodes an envelope travels as a protobuf message (protoactor's
// remote carries nothing else) whose body is the msgpack message; a
// transferred buffer is copied across, its sender's handle detached all the
// same. Requests waiting on a node whose connection is lost fail at once
// with ErrNodeUnreachable, and watchers of its actors are told "node
// unreachable". Spawning on another node sends the script and the
// libraries it loads by content hash; each node compiles a bundle once. A
// node refuses code from peers (ErrRemoteSpawnRefused) unless
// NodeConfig.AllowRemoteSpawn is set; NodeConfig says whom a node trusts,
// and the quotas that bound the actors and code peers make it keep
// (ErrQuotaExceeded).
//
// # Clusters and grains
//
// With Config.Cluster a node is a member of a cluster built on
// protoactor-go's cluster package: membership from its automanaged
// provider (nothing to run) or etcd, gossip, and its disthash identity
// lookup. A member hosts the grain kinds ClusterConfig.Kinds names, each a
// script. A grain (a virtual actor) is addressed by kind and identity,
// GrainAddress(kind, id), or grain(kind, id) in scripts: an Address whose
// Node is "grain", resolved to the grain's current activation at each
// send, so it may be kept and sent in messages and stays valid when the
// grain moves. The first message activates the grain, as an ordinary
// script actor with init(identity), on the member the identity lookup
// picks; after Kind.Idle without messages it runs passivating(), if
// defined, and stops. When a member is lost its grains are activated on
// the others at their next message; requests in flight to it fail with
// ErrNodeUnreachable.
//
//	sys, err := actor.NewSystem(actor.Config{Cluster: &actor.ClusterConfig{Name: "bank",
//		Kinds: map[string]actor.Kind{"account": {Script: "account.star"}}}})
//	err = sys.Grain("account", "alice").Request(ctx, map[string]any{"op": "balance"}, &n)
//
// The identity lookup gives at most one activation per identity in a
// stable membership; while members disagree about it (one joining, or
// one cut off but alive) two may each activate an identity.
//
// A member may host a kind as Kind.Shipped, without its script (it needs
// NodeConfig.AllowRemoteSpawn): a node whose ClusterConfig.Ship names the
// kind sends the script and its libraries by content hash, as a remote
// spawn does (wire.ShipKind, clustership.go), to the member owning a
// grain of the kind before its first message there, and the member
// compiles it in its code cache. Kinds themselves are fixed when a member
// joins, as protoactor's cluster announces them. A grain activated for
// another node counts against that node's quotas there, as an actor it
// spawned would (NodeConfig.MaxPeerActors, MaxGuestActors); an activation
// that cannot be made (over a quota, a shipped kind not shipped yet)
// leaves a stand-in that answers the grain's next message with the error
// (clusterrefuse.go).
//
// # How a message travels
//
// Each path below reads top to bottom through these files of package actor.
//
// A send: a script's send() (interp's messaging.go) calls host.Send (host.go), which
// hands an envelope to System.deliver (send.go): an actor of this node
// gets it in its mailbox (package mailbox), whose goroutine runs the
// protoactor actor, scriptActor.Receive (scriptactor.go; goActor in
// goactor.go), which takes it through actorRef.incoming and runs the
// script's receive(). An address on another node goes instead through the
// seam every System has (network.go: embedded refuses it, a node sends it):
// node.deliver (nodelink.go) turns it into its wire form (nodewire.go) for
// protoactor's remote, and on the other node it arrives at the same
// incoming. A message no actor takes becomes a dead letter, or an error
// for a requester (send.go, undeliverable).
//
// A request and its answer: host.Request (host.go) calls System.request
// (reply.go), which makes a reply slot (a protoactor process of its own;
// for a target on another node the node tracks it), delivers the message
// with the slot as its sender (send.go), and waits. The receiver's reply()
// is a send to the slot's address, delivered like any message (send.go;
// from another node through protoactor to the slot), and
// replySlot.SendUserMessage (reply.go) hands the answer to the waiter. A
// receiver that fails answers the slot with the error (scriptactor.go,
// fail, through reply.go's answerError); an ask() keeps its slot in a
// future (reply.go) until the script takes the answer.
//
// A spawn on this node: host.Spawn (host.go) or System.Spawn calls
// spawnUnder and spawn (spawn.go), which make the actor's record
// (actorRef, ref.go), register it, record it as its parent's child
// (family.go) and start the protoactor actor, whose Started runs the
// script's top level and init() (scriptactor.go, start). A spawn on
// another node goes from spawnUnder through the seam (network.go) to
// remotespawn.go, which sends the script by content hash, as a wire.Spawn
// (spawnwire.go), to the node's control process (node.go), where
// remotespawn.go's spawnForPeer calls the same spawn (spawn.go) and
// answers a wire.SpawnAnswer (to the reply slot, reply.go).
//
// A failure and its restart: scriptActor.fail (scriptactor.go) answers a
// waiting requester (reply.go), logs and publishes the failure (events.go)
// and panics to protoactor, whose guardian asks murmur's supervisor
// (supervision.go): it restarts the actor (scriptactor.go: Restarting
// waits for the children to stop, family.go; Started runs a fresh
// instance), restarts its siblings, escalates, or stops it for good. An
// actor that stops ends in actorRef.terminate (ref.go): queued messages
// are answered or become dead letters, a pool replaces the worker
// (poolheal.go), and watchers are told (watch.go).
//
// A node lost: protoactor publishes the end of the connection, which the
// node (node.go) hands to node.lost (nodelink.go): the reply slots it
// tracks fail with ErrNodeUnreachable, the actors that node's peers
// started here stop (ref.go), pools replace the workers they had there
// (poolheal.go), and protoactor tells the watchers of its actors through
// each watcher's relay (watch.go).
//
// # Go actors
//
// A Go actor runs a Behavior, Go code in the place of a script, with the
// same addresses, supervision, bounded mailboxes, requests, watch and
// pools: a script cannot tell it from a script actor. Its messages arrive
// decoded as DecodeGo does (map[string]any, []any, int64...), or through
// Actor.Decode into a typed value; a returned error or a panic (an
// *interp.ScriptError whose traceback is the Go stack) fails it as a
// failing script does, and a request it leaves unanswered, without asking
// for the Sender, fails with ErrNoReply.
//
//	hash := actor.Behavior{Name: "hash", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
//		s, _ := msg.(string)
//		return a.Reply(fmt.Sprintf("%x", sha256.Sum256([]byte(s))))
//	}}
//	pid, err := sys.SpawnGo(ctx, hash, actor.SpawnOptions{})
//	pool, err := sys.NewGoPool(ctx, hash, actor.PoolOptions{Size: 8})
//
// Go code cannot be sent to another node: there, SpawnGo and NewGoPool
// run what the node registered under the Behavior's Name in its
// Config.Behaviors (ErrUnknownBehavior if nothing).
//
// # Live code upgrade
//
// Reload (and ReloadChanged, which `murmur run -watch` polls) compiles a
// script again, with the libraries whose files changed, and makes it the
// version every spawn and restart uses. Each running actor of it switches
// between two messages, through its mailbox (reload.go): a fresh instance
// of the new version takes over, given the old one's globals, copied as
// messages are, by the script's upgrade(old) (interp.Module.Upgrade). An
// actor whose upgrade fails keeps the old version and state, and the
// failure is returned (*UpgradeError), logged and published (UpgradeEvent).
//
// # Crash replay
//
// An actor that records (Config.Record, SpawnOptions.Record) keeps its
// spawn arguments, its last messages and what its nondeterministic
// builtins returned, through a recording interp.Host (record.go); when it
// fails it writes them, with its script's sources, to a file in
// Config.RecordDir, named by FailureEvent.Recording. Replay (replay.go)
// runs a fresh instance through them offline, with a Host that answers
// from the recording, and Recording.Reproduces tells whether it failed the
// same way.
//
// # Errors
//
// Errors are testable with errors.Is (ErrTimeout, ErrStopped,
// ErrUnknownActor, ErrActorFailed, ErrNoReply, ErrMailboxFull, ErrNameTaken, ErrShutdown,
// ErrNodeUnreachable, ErrRemoteSpawnRefused, ErrQuotaExceeded, ErrNotNode, ErrNoWorker,
// ErrUnknownBehavior, ErrNotMember, ErrNoMember, ErrUpgradeFailed, ErrReplayDiverged,
// serialize.ErrNotSendable, interp.ErrStepLimit) and errors.As
// (*interp.ScriptError with the traceback, *interp.CompileError with the
// position, *serialize.Error with the path of a value that cannot be sent).
//
// # Extending scripts
//
// Config.Builtins adds Go functions to every script ("extension modules").
// A builtin is called from many interpreters at once, so it must be safe for
// concurrent use; murmur's own builtins are.
//
// # Observing a system
//
// System.Snapshot says what runs now (aggregates by script, the top actors,
// a search, one level of the tree, pools, peers) without listing every
// actor; Subscribe reports failures and dead letters as they happen.
// Config.MeterProvider receives metrics per script through OpenTelemetry
// (messages, processing time, failures, restarts, spawns, stops, live
// actors, mailbox depth, dead letters; a node's traffic and peers), and
// Config.TracerProvider makes each processed message a span whose parent is
// its sender's, carried in the envelope across nodes too. Both are off by
// default, at the cost of a nil check. Package observe serves them.
//
// A System and its methods are safe for concurrent use.
package actor
