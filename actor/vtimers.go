// This file holds the virtual-clock side of timerSet: after() timers of an
// actor whose system runs on a VirtualClock.

package actor

import "time"

// afterVirtual is after on ts.vc; ts.mu is held.
func (ts *timerSet) afterVirtual(d time.Duration, f func()) (cancel func() bool) {
	if ts.virtual == nil {
		ts.virtual = make(map[*vtimer]struct{})
	}
	var t *vtimer
	t = ts.vc.afterFunc(d, func() {
		ts.mu.Lock()
		_, live := ts.virtual[t]
		delete(ts.virtual, t)
		ts.mu.Unlock()
		if live {
			f()
		}
	})
	ts.virtual[t] = struct{}{}
	return func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		_, live := ts.virtual[t]
		delete(ts.virtual, t)
		return live && ts.vc.stopTimer(t)
	}
}

// stopVirtual cancels the virtual timers; ts.mu is held.
func (ts *timerSet) stopVirtual() {
	for t := range ts.virtual {
		ts.vc.stopTimer(t)
	}
	clear(ts.virtual)
}
