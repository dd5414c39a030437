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
// The packages, lowest layer first. Imports run one way only, down this
// list: each package imports only those above it (and the standard library,
// and the modules named), which deps_test.go enforces:
//
//   - serialize: the wire format — Starlark and Go values to and from
//     msgpack, actor addresses as an ext type, decoding limits. Imports
//     go.starlark.net and msgpack.
//   - interp: the Starlark engine — compile once (Module), one Instance per
//     actor, the builtins a script sees, step limits, cancellation,
//     tracebacks, load() and the frozen library cache. Imports serialize
//     and go.starlark.net; it reaches the actor layer only through the Host
//     interface it defines.
//   - mailbox: an actor's queue — bounded by count and bytes with a policy
//     when full, system messages first, a goroutine only while there is work.
//     Imports serialize and protoactor's actor package.
//   - actor: the System — spawn, send, request, stop, supervision, Run for
//     an application's main, Shutdown, pools, and nodes over protoactor's
//     remote (gRPC). Imports interp, mailbox, serialize, go.starlark.net and
//     protoactor.
//   - cmd/murmur: the command line (murmur run, murmur node, murmur check).
//     Imports actor and the packages below it.
//
// Examples (the examples folder) use the public API only; bench measures
// murmur beside raw protoactor.
//
// The contracts between the layers: an interpreter (interp.Instance) is
// used by one goroutine at a time, the one processing its actor's mailbox;
// a script is compiled once and instantiated per actor with fresh globals;
// libraries reached through load() are executed once and frozen, the only
// values actors share; messages are msgpack copies, and only buffers listed
// in transfer= move, detaching the sender's handle; Go builtins are called
// from many interpreters at once and must be safe for concurrent use.
//
// Start with package actor's documentation, the examples folder, and
// README.md.
package murmur
