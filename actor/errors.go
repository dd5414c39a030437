// This file holds the errors callers of package actor test with errors.Is.

package actor

import "errors"

var (
	// ErrTimeout is returned when a request's deadline passed before the answer came.
	ErrTimeout = errors.New("actor: request timed out")
	// ErrStopped is returned when the target actor stopped before it could answer.
	ErrStopped = errors.New("actor: actor stopped")
	// ErrUnknownActor is returned when no actor has the address a request was sent to.
	ErrUnknownActor = errors.New("actor: no such actor")
	// ErrActorFailed is returned to a requester when the target's script failed
	// while handling the request; the error text carries the script's traceback.
	ErrActorFailed = errors.New("actor: actor failed handling the request")
	// ErrMailboxFull is returned by a send to a bounded mailbox whose policy is to fail.
	ErrMailboxFull = errors.New("actor: mailbox full")
	// ErrNameTaken is returned when a spawn asks for a name another actor has.
	ErrNameTaken = errors.New("actor: name already taken")
	// ErrShutdown is returned by calls made while or after the system shuts down.
	ErrShutdown = errors.New("actor: system shut down")
	// ErrNoWorker is returned for a message or a Map item sent to a pool
	// whose worker for it left the pool with no replacement (see
	// PoolOptions); the error says which worker and why.
	ErrNoWorker = errors.New("actor: no pool worker for the message")
	// ErrNotMain is returned by recv() outside an application's main.
	ErrNotMain = errors.New("actor: recv is only available in main")
)
