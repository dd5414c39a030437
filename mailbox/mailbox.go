// Mailbox: configuration, admission (bounds and policies), posting, Close and Stats.

package mailbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Policy says what Offer does when a bounded mailbox is full. A value other
// than the three below acts as Block.
type Policy int

const (
	Block Policy = iota // wait for room until the sender's ctx is done (the zero value)
	Fail                // return ErrFull at once
	Drop                // return ErrDropped at once (the caller routes the message to dead letters) and count it
)

// String returns the policy's name: "block", "fail" or "drop".
func (p Policy) String() string {
	switch p {
	case Block:
		return "block"
	case Fail:
		return "fail"
	case Drop:
		return "drop"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// Config sets up a mailbox. The zero value is an unbounded mailbox with the
// default scheduling. Config is comparable, so a caller can test it against
// Config{}.
type Config struct {
	MaxMessages int           // most user messages queued at once; zero means no limit
	MaxBytes    int64         // most bytes of user messages queued at once (sizes as given to Offer); zero means no limit
	Policy      Policy        // what Offer does when full; zero means Block
	Throughput  int           // messages processed before yielding the processor (runtime.Gosched); zero means 300
	Linger      time.Duration // how long the goroutine waits for more messages after the queue empties before it exits (or goes back to its Group's pool); zero means 200µs, or none with a pool; negative means none
	Group       *Group        // if set, counts this mailbox's goroutine so an owner can wait for all of them; nil means not counted
}

// Defaults applied by New to the zero fields of Config. DefaultLinger
// applies to mailboxes without a pool (see Group): a pooled mailbox gives
// its worker back as soon as its queue empties, since waking a parked
// worker costs no more than waking a lingering goroutine, and a worker
// held by one idle mailbox is one more that another must start.
const (
	DefaultThroughput = 300
	DefaultLinger     = 200 * time.Microsecond
)

// Sizer is implemented by messages that know their size in bytes. A message
// posted through PostUserMessage (which has no size argument) counts its
// MailboxSize toward Config.MaxBytes, or that of the message inside an
// *actor.MessageEnvelope; other messages count zero bytes.
type Sizer interface {
	MailboxSize() int
}

var (
	// ErrFull is returned by Offer on a full mailbox under the Fail policy.
	ErrFull = errors.New("mailbox: full")
	// ErrDropped is returned by Offer on a full mailbox under the Drop
	// policy; errors.Is(ErrDropped, ErrFull) is true.
	ErrDropped = fmt.Errorf("%w, message dropped to dead letters", ErrFull)
	// ErrClosed is returned by Offer and Receive after Close.
	ErrClosed = errors.New("mailbox: closed")
	// ErrNotProcessing is returned by Receive when it is called while no
	// goroutine is processing the mailbox, which shows that the caller is not
	// that goroutine.
	ErrNotProcessing = errors.New("mailbox: Receive called outside the processing goroutine")
)

// Stats is a snapshot of a mailbox's counters.
type Stats struct {
	Queued      int    // user messages waiting now
	QueuedBytes int64  // their bytes
	Posted      uint64 // user messages accepted since creation (by Offer or PostUserMessage)
	Processed   uint64 // user messages handed to the invoker or returned by Receive
	Rejected    uint64 // Offers refused with ErrFull (Fail policy)
	Dropped     uint64 // Offers refused with ErrDropped (Drop policy)
	Running     bool   // a goroutine processes the mailbox now, or is about to
}

// Scheduling states of a mailbox (see schedule.go). They change only under
// Mailbox.mu.
const (
	idle      uint8 = iota // no goroutine
	running                // a goroutine processes messages, or is about to start
	lingering              // the goroutine waits for work on wake, with a timer
	receiving              // the goroutine is inside the invoker, blocked in Receive
)

// Chunk sizes of the queues (see queue.go): the first chunk and the largest.
const (
	userMin = 8
	userMax = 1024
	sysMin  = 4
	sysMax  = 64
)

// entry is a queued user message and the bytes it counts.
type entry struct {
	msg  any
	size int64
}

// Mailbox is the queue of one actor: user messages, bounded by count and by
// bytes, and system messages, unbounded and processed first. It implements
// protoactor's actor.Mailbox and runs its own goroutine while it has work
// (see the package documentation).
//
// Offer, PostUserMessage, PostSystemMessage, Close, Stats and
// UserMessageCount may be called from any goroutine. Receive may be called
// only by the goroutine processing the mailbox, from inside the invoker.
// RegisterHandlers and Start are for protoactor's spawn.
type Mailbox struct {
	mu        sync.Mutex
	state     uint8
	suspended bool // between SuspendMailbox and ResumeMailbox: user messages wait
	closed    bool

	user  queue[entry]
	sys   queue[any]
	bytes int64 // bytes of the queued user messages

	wake chan struct{} // token from a poster to the lingering or receiving goroutine; the goroutine's own, nil while idle
	room chan struct{} // closed when a user message leaves the queue; nil unless an Offer waits

	invoker actor.MessageInvoker

	maxMessages int
	maxBytes    int64
	linger      time.Duration
	throughput  int
	policy      Policy
	group       *Group
	refused     func(msg any) // see OnRefused; nil: PostUserMessage never refuses

	posted, processed, rejected, dropped uint64
}

var _ actor.Mailbox = (*Mailbox)(nil)

// New returns an empty mailbox set up by cfg. It allocates only the Mailbox
// itself (about 200 bytes); queues are created when messages arrive and let
// go when the goroutine exits, and the wake channel and the linger timer
// belong to the goroutine, so an idle mailbox holds nothing more.
func New(cfg Config) *Mailbox {
	m := &Mailbox{
		maxMessages: max(cfg.MaxMessages, 0),
		maxBytes:    max(cfg.MaxBytes, 0),
		linger:      cfg.Linger,
		throughput:  cfg.Throughput,
		policy:      cfg.Policy,
		group:       cfg.Group,
	}
	if cfg.Throughput <= 0 {
		m.throughput = DefaultThroughput
	}
	if cfg.Linger == 0 {
		m.linger = DefaultLinger
		if cfg.Group != nil && cfg.Group.Pool {
			m.linger = -1
		}
	}
	return m
}

// Offer queues msg, a user message counting size bytes (a negative size
// counts zero), and schedules the mailbox. If the mailbox is bounded and
// full, Offer acts by the Config's Policy: Block waits for room until ctx is
// done (and then returns ctx.Err()), Fail returns ErrFull, Drop returns
// ErrDropped. Admission and queueing are one atomic step, so concurrent
// Offers never take the queue past its limits.
//
// A message larger than MaxBytes is admitted only into an empty queue (it
// could never be sent otherwise); QueuedBytes exceeds MaxBytes only then, by
// that one message. Blocked senders are not served in any particular order.
//
// After Close, Offer returns ErrClosed.
func (m *Mailbox) Offer(ctx context.Context, msg any, size int) error {
	sz := int64(max(size, 0))
	m.mu.Lock()
	for !m.fitsLocked(sz) {
		if m.closed {
			break
		}
		switch m.policy {
		case Fail:
			m.rejected++
			m.mu.Unlock()
			return ErrFull
		case Drop:
			m.dropped++
			m.mu.Unlock()
			return ErrDropped
		}
		if err := ctx.Err(); err != nil {
			m.mu.Unlock()
			return err
		}
		if m.room == nil {
			m.room = make(chan struct{})
		}
		room := m.room
		m.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
		}
		m.mu.Lock()
	}
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.postUserAndUnlock(msg, sz)
	return nil
}

// fitsLocked reports whether a user message of sz bytes fits now.
func (m *Mailbox) fitsLocked(sz int64) bool {
	if m.maxMessages > 0 && m.user.n >= m.maxMessages {
		return false
	}
	return m.maxBytes == 0 || m.bytes+sz <= m.maxBytes || m.user.n == 0
}

// PostUserMessage queues msg without admission: it is protoactor's path
// (protoactor's sends, receive timeouts) and has no way to refuse, so it may
// take the queue past the limits (Offers then find it full). The message
// counts the bytes of its Sizer, if it has one. The exception is a message
// from another process (a Peer) to a full bounded mailbox that has a
// handler set by OnRefused: whatever the policy, it is counted as dropped
// and handed to that handler instead, since its sender cannot be made to
// wait here.
//
// After Close a posted user message is neither processed nor lost: it stays
// queued and the next call to Close returns it.
func (m *Mailbox) PostUserMessage(msg any) {
	sz := sizeOf(msg)
	m.mu.Lock()
	if m.refused != nil && !m.closed && !m.fitsLocked(sz) && fromPeer(msg) {
		m.dropped++
		refused := m.refused
		m.mu.Unlock()
		refused(msg)
		return
	}
	m.postUserAndUnlock(msg, sz)
}

// Peer is implemented by messages that come from another process, which a
// full bounded mailbox refuses in PostUserMessage (see OnRefused).
type Peer interface {
	FromPeer()
}

func fromPeer(msg any) bool {
	if env, ok := msg.(*actor.MessageEnvelope); ok && env != nil {
		msg = env.Message
	}
	_, ok := msg.(Peer)
	return ok
}

// OnRefused sets what happens to a message from another process (a Peer)
// posted through PostUserMessage while the mailbox is bounded and full: fn
// gets it, on the poster's goroutine, and it is not queued. Without a
// handler such messages are queued past the bounds.
func (m *Mailbox) OnRefused(fn func(msg any)) {
	m.mu.Lock()
	m.refused = fn
	m.mu.Unlock()
}

// sizeOf returns the bytes msg counts when posted through PostUserMessage.
func sizeOf(msg any) int64 {
	if env, ok := msg.(*actor.MessageEnvelope); ok && env != nil {
		msg = env.Message
	}
	if s, ok := msg.(Sizer); ok {
		return int64(max(s.MailboxSize(), 0))
	}
	return 0
}

// PostSystemMessage queues a protoactor system message; system messages are
// processed before user messages, also while the mailbox is suspended or
// closed. *actor.SuspendMailbox and *actor.ResumeMailbox are handled by the
// mailbox itself and never reach the invoker.
func (m *Mailbox) PostSystemMessage(msg any) {
	m.mu.Lock()
	m.sys.push(msg, sysShape)
	m.signalAndUnlock(true)
}

// RegisterHandlers sets the invoker that processes this mailbox's messages.
// The dispatcher is ignored: the mailbox schedules its own goroutine. Messages
// posted before RegisterHandlers wait for it.
func (m *Mailbox) RegisterHandlers(invoker actor.MessageInvoker, _ actor.Dispatcher) {
	m.mu.Lock()
	m.invoker = invoker
	if m.state == idle && m.hasWorkLocked() {
		m.signalAndUnlock(true)
		return
	}
	m.mu.Unlock()
}

// Start is part of protoactor's contract; it does nothing.
func (m *Mailbox) Start() {}

// UserMessageCount returns the number of user messages queued now.
func (m *Mailbox) UserMessageCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.user.n
}

// Stats returns a snapshot of the mailbox's counters.
func (m *Mailbox) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{
		Queued:      m.user.n,
		QueuedBytes: m.bytes,
		Posted:      m.posted,
		Processed:   m.processed,
		Rejected:    m.rejected,
		Dropped:     m.dropped,
		Running:     m.state == running || m.state == receiving,
	}
}

// Close refuses further Offers (ErrClosed) and user-message processing, and
// returns the user messages still queued, oldest first, removing them and
// their bytes. Offers blocked for room return ErrClosed, and a Receive in
// progress returns ErrClosed. System messages are still processed, so that
// protoactor can finish stopping the actor. Close is idempotent: a later call
// returns only the user messages PostUserMessage has queued since.
func (m *Mailbox) Close() []any {
	m.mu.Lock()
	m.closed = true
	var out []any
	if m.user.n > 0 {
		out = make([]any, 0, m.user.n)
		for {
			e, ok := m.user.pop()
			if !ok {
				break
			}
			out = append(out, e.msg)
		}
	}
	m.bytes = 0
	m.user.reset(userShape)
	m.roomLocked()
	var wake chan struct{}
	if m.state == receiving {
		m.state = running
		wake = m.wake
	}
	m.mu.Unlock()
	if wake != nil {
		wake <- struct{}{}
	}
	return out
}

// popUserLocked removes the oldest user message for delivery.
func (m *Mailbox) popUserLocked() (any, bool) {
	e, ok := m.user.pop()
	if !ok {
		return nil, false
	}
	m.bytes -= e.size
	m.processed++
	m.roomLocked()
	return e.msg, true
}

// roomLocked wakes the Offers waiting for room.
func (m *Mailbox) roomLocked() {
	if m.room != nil {
		close(m.room)
		m.room = nil
	}
}
