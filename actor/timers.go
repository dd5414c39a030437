// This file holds timerSet: functions to run later, all cancellable at once
// (an actor's after() timers when it stops, delayed restarts at Shutdown).

package actor

import (
	"sync"
	"time"
)

// timerSet runs functions after a delay unless they are cancelled one by
// one or all together. The zero value is ready to use; it is safe for
// concurrent use.
type timerSet struct {
	mu      sync.Mutex
	pending map[*time.Timer]struct{}
	stopped bool
	vc      *VirtualClock // if set, the timers run on it (vtimers.go)
	virtual map[*vtimer]struct{}
}

// after runs f after d. cancel stops it and reports whether it did so
// before f started; ok is false (and f never runs) once the set is stopped.
func (ts *timerSet) after(d time.Duration, f func()) (cancel func() bool, ok bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.stopped {
		return nil, false
	}
	if ts.vc != nil {
		return ts.afterVirtual(d, f), true
	}
	if ts.pending == nil {
		ts.pending = make(map[*time.Timer]struct{})
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		ts.mu.Lock()
		_, live := ts.pending[t]
		delete(ts.pending, t)
		ts.mu.Unlock()
		if live {
			f()
		}
	})
	ts.pending[t] = struct{}{}
	return func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		_, live := ts.pending[t]
		delete(ts.pending, t)
		return live && t.Stop()
	}, true
}

// stop cancels every pending function and refuses new ones.
func (ts *timerSet) stop() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.stopped = true
	for t := range ts.pending {
		t.Stop()
	}
	clear(ts.pending)
	ts.stopVirtual()
}
