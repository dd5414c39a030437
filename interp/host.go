// This file holds the Host contract between a script and its actor: what a
// script may ask of the actor layer, and the options it passes.

package interp

import (
	"log/slog"
	"time"

	"github.com/murmur-go/murmur/serialize"
)

// Host is what a script may ask of the actor that runs it. The actor layer
// implements it, one Host per actor. Its methods are called only from the
// goroutine running the instance, while the instance runs.
//
// Messages are serialize.Payloads: msgpack bytes made by package serialize,
// plus the memory of buffers moved by transfer; the host never sees a
// Starlark value. A timeout of zero means the host's default.
type Host interface {
	// Self returns the actor's own address.
	Self() serialize.Address
	// Sender returns who sent the message being handled (for a request, its
	// reply address), and false when there is none.
	Sender() (serialize.Address, bool)
	// Send delivers msg to the actor at to, fire and forget.
	Send(to serialize.Address, msg serialize.Payload) error
	// Request sends msg to the actor at to as a request and waits up to
	// timeout for the answer.
	Request(to serialize.Address, msg serialize.Payload, timeout time.Duration) (serialize.Payload, error)
	// Ask sends msg to the actor at to as a request and returns at once with
	// a Future of the answer, due within timeout.
	Ask(to serialize.Address, msg serialize.Payload, timeout time.Duration) (Future, error)
	// Recv waits up to timeout for the next message sent to this actor, for
	// a main that consumes its own mailbox.
	Recv(timeout time.Duration) (serialize.Payload, error)
	// Spawn starts a child actor running the script at path (relative to the
	// application root) with init(*args), args a msgpack array, and returns
	// its address; opts.Node names another node to start it on.
	Spawn(path string, args serialize.Payload, opts SpawnOptions) (serialize.Address, error)
	// Stop stops the actor or the pool at pid; the actor's own address
	// stops it after the current message.
	Stop(pid serialize.Address) error
	// Watch asks for a notice message when the actor at pid terminates:
	// {"event": "terminated", "who": pid, "reason": "..."}, at once if it
	// no longer exists.
	Watch(pid serialize.Address) error
	// After delivers msg to this actor after d; cancel stops it and reports
	// whether it did so before delivery.
	After(d time.Duration, msg serialize.Payload) (cancel func() bool, err error)
	// Pool starts a pool of actors running the script at path, children of
	// this actor, each with init(*args), and returns the pool's address.
	Pool(path string, args serialize.Payload, opts PoolOptions) (serialize.Address, error)
	// Map sends each item to the pool at pool as a request, spreading them
	// over its workers as they become free, and returns the answers and the
	// per-item errors in input order; err reports the map itself failing
	// (its target is not a pool, the actor stopped).
	Map(pool serialize.Address, items []serialize.Payload, timeout time.Duration) (answers []serialize.Payload, errs []error, err error)
	// Log writes msg to the system's logger.
	Log(level slog.Level, msg string)
	// Print handles the script's print().
	Print(msg string)
	// Nodes returns the addresses of the other nodes this actor's system
	// knows (its peers), for spawn(node=) and pool(nodes=); none for an
	// embedded system.
	Nodes() []string
}

// Future is the pending answer of an Ask.
type Future interface {
	// Result waits for the answer and returns it; later calls return the
	// same result at once.
	Result() (serialize.Payload, error)
}

// SpawnOptions are a script's spawn(...) keyword arguments. Zero values
// mean the system's defaults.
type SpawnOptions struct {
	Name           string        // name=: a unique name for the child
	MaxSteps       uint64        // max_steps=: per-message step limit
	Strategy       string        // strategy=: "one_for_one", "all_for_one", "backoff" or "temporary"
	MaxRestarts    int           // max_restarts=: restarts allowed within the window
	Within         time.Duration // within=: the window restarts are counted in
	Backoff        time.Duration // backoff=: first delay of the backoff strategy
	Escalate       bool          // escalate=: fail the parent when restarts are exhausted
	ReceiveTimeout time.Duration // receive_timeout=: a {"event": "timeout"} message after this long idle
	MessageTimeout time.Duration // message_timeout=: wall-clock limit on handling one message
	MailboxSize    int           // mailbox_size=: most messages queued; 0 unbounded
	MailboxPolicy  string        // mailbox_policy=: "block", "fail" or "drop" when full
	Node           string        // node=: the node ("host:port") to start it on; empty means this one
	Record         int           // record=: keep its last N messages for crash replay; 0 means the system's default
}

// PoolOptions are a script's pool(...) keyword arguments. Zero values mean
// the defaults.
type PoolOptions struct {
	Size    int      // size=: number of workers; 0 means one per core
	Routing string   // routing=: "round_robin", "random", "broadcast", "consistent_hash" or "balanced"
	Key     string   // key=: the message key consistent_hash routes by
	Name    string   // name=: the pool's name
	Nodes   []string // nodes=: spread the workers over these nodes; empty means this one

	// Worker holds the options of spawn() that every worker gets
	// (max_restarts=, mailbox_size=, ...); its Name and Node are unused.
	Worker SpawnOptions
}
