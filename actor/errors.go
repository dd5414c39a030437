// This file holds the errors callers of package actor test with errors.Is.

package actor

import "github.com/murmur-go/murmur/interp"

// Each sentinel is an *interp.KindError: a script that handles a failure as
// a value (catch(), f.exception()) reads the kind as e.kind.
var (
	// ErrTimeout is returned when a request's deadline passed before the answer came.
	ErrTimeout = kind("timeout", "actor: request timed out")
	// ErrStopped is returned when the target actor stopped before it could answer.
	ErrStopped = kind("stopped", "actor: actor stopped")
	// ErrUnknownActor is returned when no actor has the address a request was sent to.
	ErrUnknownActor = kind("no_actor", "actor: no such actor")
	// ErrActorFailed is returned to a requester when the target's script failed
	// while handling the request; the error text carries the script's traceback.
	ErrActorFailed = kind("failed", "actor: actor failed handling the request")
	// ErrMailboxFull is returned by a send to a bounded mailbox whose policy is to fail.
	ErrMailboxFull = kind("mailbox_full", "actor: mailbox full")
	// ErrNameTaken is returned when a spawn asks for a name another actor has.
	ErrNameTaken = kind("name_taken", "actor: name already taken")
	// ErrShutdown is returned by calls made while or after the system shuts down.
	ErrShutdown = kind("shutdown", "actor: system shut down")
	// ErrNoReply is returned to a requester at once when the target's
	// receive returned without answering the request and without calling
	// sender() (which it may keep to answer later).
	ErrNoReply = kind("no_reply", "actor: no reply")
	// ErrNoWorker is returned for a message or a Map item sent to a pool
	// whose worker for it left the pool with no replacement (see
	// PoolOptions); the error says which worker and why.
	ErrNoWorker = kind("no_worker", "actor: no pool worker for the message")
	// ErrNotMain is returned by recv() outside an application's main.
	ErrNotMain = kind("not_main", "actor: recv is only available in main")
)

func kind(kind, msg string) error { return &interp.KindError{Kind: kind, Msg: msg} }
