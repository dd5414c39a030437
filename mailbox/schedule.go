// Scheduling: the goroutine that processes a mailbox, its lingering, and Receive.

package mailbox

import (
	"context"
	"runtime"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// The state machine. Every change of Mailbox.state happens under Mailbox.mu,
// together with the queue operation that motivates it, so that no post is
// ever stranded:
//
//   - idle → running: a poster finds work for an idle mailbox; it counts the
//     goroutine in the Group and starts it after unlocking.
//   - running → lingering: the goroutine finds no work; it parks on wake and
//     its timer after unlocking.
//   - lingering → running: a poster brings work; after unlocking it sends one
//     token on wake. A lingering goroutine whose timer fires first finds the
//     state running under the lock, so it takes the token (already sent, or
//     about to be) and goes on.
//   - lingering → idle: the timer fired and the state is still lingering, so
//     the queues have no work; the goroutine exits.
//   - running → receiving → running: the same with Receive, which waits only
//     for user messages (and Close).
//
// Invariant: a token is in flight on wake exactly when a poster has moved the
// state from lingering or receiving to running and the goroutine has not yet
// taken it, so the goroutine never exits or returns with a token pending.

// userReadyLocked reports whether a user message may be processed now.
func (m *Mailbox) userReadyLocked() bool {
	return m.user.n > 0 && !m.suspended && !m.closed
}

// hasWorkLocked reports whether the goroutine has something to process.
func (m *Mailbox) hasWorkLocked() bool {
	return m.sys.n > 0 || m.userReadyLocked()
}

// postUserAndUnlock queues a user message of sz bytes, then signals.
func (m *Mailbox) postUserAndUnlock(msg any, sz int64) {
	m.user.push(entry{msg: msg, size: sz}, userShape)
	m.bytes += sz
	m.posted++
	m.signalAndUnlock(false)
}

// signalAndUnlock schedules the mailbox after a post (system tells whether it
// was a system message), unlocks m.mu, and then starts or wakes the goroutine
// as needed.
func (m *Mailbox) signalAndUnlock(system bool) {
	var wake chan struct{}
	start := false
	if m.invoker != nil {
		switch m.state {
		case idle:
			if system || m.userReadyLocked() {
				m.state = running
				m.group.add()
				start = true
			}
		case lingering:
			if system || m.userReadyLocked() {
				m.state = running
				wake = m.wake
			}
		case receiving:
			if !system && !m.closed {
				m.state = running
				wake = m.wake
			}
		}
	}
	m.mu.Unlock()
	if start {
		m.group.start(m)
	} else if wake != nil {
		wake <- struct{}{}
	}
}

// run is the mailbox's goroutine, on worker w: system messages first, then
// user messages unless suspended or closed, yielding every throughput
// messages, lingering when out of work, returning when the linger passes
// with nothing to do.
func (m *Mailbox) run(w *worker) {
	exited := false
	defer func() {
		if !exited {
			// The invoker called runtime.Goexit, or EscalateFailure
			// panicked: leave the mailbox restartable.
			m.mu.Lock()
			m.exitLocked()
			m.mu.Unlock()
		}
		m.group.done()
	}()
	n := 0
	warm := false // whether this goroutine has lingered and been woken
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	m.mu.Lock()
	m.wake = w.wake
	for {
		if msg, ok := m.sys.pop(); ok {
			switch msg.(type) {
			case *actor.SuspendMailbox:
				m.suspended = true
				continue
			case *actor.ResumeMailbox:
				m.suspended = false
				continue
			}
			m.mu.Unlock()
			m.invokeSystem(msg)
		} else if m.userReadyLocked() {
			msg, _ := m.popUserLocked()
			m.mu.Unlock()
			m.invokeUser(msg)
		} else {
			if !m.park(w, warm) {
				exited = true
				return
			}
			warm = true // traffic came back while lingering: a conversation
			n = 0
			continue
		}
		if n++; n >= m.throughput {
			n = 0
			runtime.Gosched()
		}
		m.mu.Lock()
	}
}

// park waits, with m.mu held and no work queued, for a post or for the
// linger to pass. It returns true with m.mu held when there may be work, or
// false with m.mu released when the goroutine must exit.
// spinYields is how many times an empty mailbox's goroutine in a
// conversation yields the processor, checking for work, before it parks.
const spinYields = 20

func (m *Mailbox) park(w *worker, spin bool) bool {
	if m.linger < 0 {
		m.exitLocked()
		m.mu.Unlock()
		return false
	}
	// Once traffic has come back while this goroutine lingered (request and
	// reply, ping-pong), yield a few times before parking: the next message
	// usually arrives within microseconds, and finding it here saves the
	// timer and the wake-up through the channel. A goroutine that has not
	// been woken yet (a freshly spawned actor, a one-off message) parks at
	// once, so spawning many actors pays nothing for it.
	for i := 0; spin && i < spinYields; i++ {
		m.mu.Unlock()
		runtime.Gosched()
		m.mu.Lock()
		if m.hasWorkLocked() {
			return true
		}
	}
	wake := m.wake
	m.state = lingering
	m.mu.Unlock()
	if w.timer == nil {
		w.timer = time.NewTimer(m.linger)
	} else {
		w.timer.Reset(m.linger)
	}
	select {
	case <-wake:
		m.mu.Lock()
		return true
	case <-w.timer.C:
	}
	m.mu.Lock()
	if m.state == running { // a poster won the race with the timer
		m.mu.Unlock()
		<-wake
		m.mu.Lock()
		return true
	}
	m.exitLocked()
	m.mu.Unlock()
	return false
}

// exitLocked returns the mailbox to idle, releasing what an idle mailbox
// does not need.
func (m *Mailbox) exitLocked() {
	m.state = idle
	m.wake = nil
	m.user.trim(userShape)
	m.sys.trim(sysShape)
}

// invokeUser hands msg to the invoker; a panic becomes EscalateFailure, as
// in protoactor (which then suspends the mailbox with a system message).
func (m *Mailbox) invokeUser(msg any) {
	defer func() {
		if r := recover(); r != nil {
			m.invoker.EscalateFailure(r, msg)
		}
	}()
	m.invoker.InvokeUserMessage(msg)
}

// invokeSystem is invokeUser for system messages.
func (m *Mailbox) invokeSystem(msg any) {
	defer func() {
		if r := recover(); r != nil {
			m.invoker.EscalateFailure(r, msg)
		}
	}()
	m.invoker.InvokeSystemMessage(msg)
}

// Receive removes and returns the next user message, waiting for one until
// ctx is done (it then returns ctx.Err()) or the mailbox is closed (ErrClosed).
// It is for the goroutine processing the mailbox only, called from inside the
// invoker: a handler that pulls further messages itself, like a script's
// main calling recv(). System messages stay queued for the processing loop,
// which takes them when the handler returns; a handler blocked in Receive
// does not see them, so its owner should cancel ctx (or Close the mailbox)
// to stop it. Receive ignores suspension: its caller is already running.
// Called while no goroutine processes the mailbox, it returns
// ErrNotProcessing.
func (m *Mailbox) Receive(ctx context.Context) (any, error) {
	m.mu.Lock()
	if m.state != running {
		m.mu.Unlock()
		return nil, ErrNotProcessing
	}
	for {
		if m.closed {
			m.mu.Unlock()
			return nil, ErrClosed
		}
		if msg, ok := m.popUserLocked(); ok {
			m.mu.Unlock()
			return msg, nil
		}
		if err := ctx.Err(); err != nil {
			m.mu.Unlock()
			return nil, err
		}
		wake := m.wake
		m.state = receiving
		m.mu.Unlock()
		select {
		case <-wake:
			m.mu.Lock()
		case <-ctx.Done():
			m.mu.Lock()
			if m.state == receiving {
				m.state = running
			} else { // a poster or Close won the race: take its token
				m.mu.Unlock()
				<-wake
				m.mu.Lock()
			}
		}
	}
}
