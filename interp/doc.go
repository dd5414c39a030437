// Package interp is murmur's Starlark engine: it compiles actor scripts once
// and gives every actor an interpreter of its own.
//
// The central types are:
//
//   - [Engine]: one per actor system. It owns the application's root folder,
//     compiles scripts into [Module]s, and executes each library file reached
//     through load() exactly once, freezing its globals so that every actor
//     can share them safely. An Engine is safe for concurrent use.
//   - [Module]: a compiled script (an immutable *starlark.Program plus its
//     resolved, frozen libraries). A Module is shared by every actor that runs
//     the script and is safe for concurrent use.
//   - [Instance]: one actor's interpreter: a Starlark thread and the fresh,
//     unfrozen globals produced by running the module's top level. Module-level
//     containers are that actor's private state.
//
// # Concurrency
//
// An Instance must not be used by more than one goroutine at a time. The actor
// layer calls it only from the goroutine that is processing the actor's
// mailbox, so an interpreter always has a goroutine to itself while it runs
// and never waits on a lock another interpreter holds; no state is shared
// between instances except frozen (immutable) library values. That
// goroutine is borrowed from a pool of warm workers and may have run other
// instances before (one after the other, never at once): a Starlark call
// needs a stack several times a new goroutine's 2 KB, which a reused
// goroutine has already grown. The one method
// that may be called from any goroutine is [Instance.Cancel], which stops a
// running script promptly (Starlark's Thread.Cancel).
//
// # What a script sees
//
// A script reaches its actor only through the builtins of this package, which
// call the [Host] interface that the actor layer implements:
//
//	self()                         this actor's address
//	sender()                       who sent the current message (a reply address for requests), or None
//	send(to, msg, transfer=[])     fire and forget
//	reply(value, transfer=[])      answer the current message: send(sender(), value)
//	request(to, msg, timeout=s, transfer=[])   wait for the answer; fails on timeout, a dead target or a failed one
//	ask(to, msg, timeout=s, transfer=[])       the same without waiting: a future; f.result() waits for it,
//	                               f.exception() returns the failure (an error value) or None
//	gather(futures, return_exceptions=False)   wait for all futures, results in order
//	catch(fn, *args, **kwargs)     call fn: (value, None), or (None, error) when it fails
//	recv(timeout=s)                in main only: the next message sent to the application's address
//	spawn(script, *args, name=, max_steps=, strategy=, max_restarts=, within=, backoff=, escalate=,
//	      receive_timeout=, message_timeout=, mailbox_size=, mailbox_policy=, node=, record=, transfer=[])
//	                               a child actor running script with init(*args), on another node with node=
//	nodes()                        the other nodes this system knows ("host:port"), for spawn(node=) and pool(nodes=)
//	pool(script, *args, size=, routing=, key=, name=, nodes=[], and spawn's options but name=, node=, transfer=)
//	                               actors of one script behind one address (spread over nodes= if given);
//	                               a worker that stops for good after failures is replaced
//	pmap(pool_or_script, items, timeout=, return_exceptions=False)
//	                               every item as a request to the pool; the answers in input order
//	stop(pid=None)                 stop an actor (this one, after the current message, when pid is None)
//	watch(pid)                     a {"event": "terminated", "who": pid, "reason": ...} message when pid ends
//	after(seconds, msg)            msg to this actor later; returns a timer with t.cancel()
//	buffer(n | bytes | ints)       a mutable byte buffer that can move between actors (see Buffer)
//	counter(iterable | dict)       Python's Counter on a Go map (package lib/counter)
//	array(dtype, n | numbers)      a typed numeric array that can move between actors (package lib/array)
//	log(*args, level="info")       write to the system's logger
//	print(*args)                   routed to the host (the logger, or stdout for `murmur run`)
//
// Values listed in transfer= must be buffers or arrays in the message: they move to
// the receiver without a copy, and every handle to them here is detached
// (see Buffer). A script may define hooks: init(*args) when it starts,
// receive(msg) per message, stopping() when it stops, upgrade(old) in
// place of init when it takes over from an earlier version (Module.Upgrade),
// main(args) for an application.
//
// Scripts also see the modules of murmur's lib folder (re, hashlib, base64, csv and
// random, whose generator lives in each instance's thread), Starlark's
// json and math modules, time when [Options.Clock] grants a clock, and the
// Python builtins Starlark lacks or narrows, with Python 3's semantics:
// sum, divmod, round, map and filter (returning lists), min and max with
// key= and default=, enumerate with start=, sorted with key=.
// Scripts use a Python-like dialect (while loops, recursion, sets,
// top-level control flow and global reassignment) unless [Options.Strict] is
// set. A script sees no file, network, environment or clock unless the host
// adds a builtin that provides it ([Options.Builtins]); such builtins are
// called from many interpreters at once and must be safe for concurrent use.
//
// Messages cross between interpreters as msgpack bytes (package serialize), so
// a received value is always a fresh copy the receiver owns.
//
// # Errors
//
// Compile errors are [*CompileError] values with file, line and column. Run
// time errors are [*ScriptError] values carrying the Starlark traceback
// (file:line:col of each frame); they unwrap to the error a builtin returned,
// so callers can test them with errors.Is.
//
// Scripts have no try/except: catch(), f.exception(), and gather or pmap
// with return_exceptions=True hand them a failure as a value of type
// "error", truthy, with e.message, e.kind (the Kind of the first
// [*KindError] in the error's chain, "error" if none), e.traceback (the
// failing script's, or "") and e.index (a pmap item's index, or None).
// catch never catches the step limit or a cancelled instance, nor a host
// error wrapping [ErrCancelled]: those end the actor, not a call.
//
// A minimal use, as the actor layer does it:
//
//	eng, err := interp.NewEngine(interp.Options{Root: "app"})
//	mod, err := eng.Load("counter.star")
//	inst, err := mod.Instantiate(host, interp.InstanceOptions{}) // runs the top level with fresh globals
//	err = inst.Init(args)   // init(*args), if the script defines it; args a serialize.Payload
//	err = inst.Receive(msg) // receive(msg) for one message, a serialize.Payload
package interp
