// Package murmur is an actor framework in which every actor owns its own
// Starlark interpreter.
//
// Actors are written as Starlark scripts (a Python dialect) or hosted from
// Go. Each actor's interpreter runs on a goroutine of its own, so actors
// execute in parallel on every core with no global lock; they share nothing
// and talk only through mailboxes of msgpack-serialized values. It is the
// model of CPython's subinterpreters (PEP 554, PEP 734) built on
// protoactor-go.
//
// The packages, lowest layer first (imports run one way only, which
// deps_test.go enforces):
//
//   - serialize: the wire format — Starlark and Go values to and from
//     msgpack, actor addresses as an ext type, decoding limits.
//   - interp: the Starlark engine — compile once (Module), one Instance per
//     actor, the builtins a script sees, step limits, cancellation,
//     tracebacks, load() and the frozen library cache.
//   - mailbox: an actor's queue — bounded by count and bytes with a policy
//     when full, system messages first, a goroutine only while there is work.
//   - actor: the System — spawn, send, request, stop, supervision, Run for
//     an application's main, Shutdown.
//   - cmd/murmur: the command line (murmur run, murmur check).
//
// Start with package actor's documentation, the examples folder, and
// README.md.
package murmur
