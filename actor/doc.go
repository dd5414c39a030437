// Package actor runs script actors: the System, spawning, messaging,
// requests, supervision, Run for an application's main, and Shutdown.
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
// A script error (fail(), a type error, the step limit, a failed request)
// fails the actor: the error and its traceback are logged, a requester
// waiting on the message gets ErrActorFailed with the traceback at once, and
// protoactor's supervision restarts the actor with a fresh instance (init
// runs again with the spawn arguments), up to 10 restarts in 10 seconds.
// Messages queued behind the failed one stay queued and are processed by the
// restarted instance. Stop and Shutdown cancel running scripts at once.
//
// Sending to an actor that no longer exists is not an error: the message
// goes to dead letters (counted by DeadLetters and logged), as in Erlang and
// Akka. A request to one fails at once with ErrUnknownActor or ErrStopped.
// Every request has a deadline (ctx's, or Config.RequestTimeout).
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
// NodeConfig.AllowRemoteSpawn is set; NodeConfig says whom a node trusts.
//
// # Errors
//
// Errors are testable with errors.Is (ErrTimeout, ErrStopped,
// ErrUnknownActor, ErrActorFailed, ErrMailboxFull, ErrNameTaken, ErrShutdown,
// ErrNodeUnreachable, ErrRemoteSpawnRefused, ErrNotNode,
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
// A System and its methods are safe for concurrent use.
package actor
