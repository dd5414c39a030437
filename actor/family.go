// This file holds an actor's family: the children it spawned here and on
// other nodes and the pools it started, which stop with it, and waiting
// for them as it restarts.

package actor

import (
	"slices"
	"time"
)

// adopt records child as r's; false if r is already stopping.
func (r *actorRef) adopt(child *actorRef) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated || r.cancelled() {
		return false
	}
	r.ext().children = append(r.ext().children, child)
	return true
}

func (r *actorRef) disown(child *actorRef) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, c := range r.ext().children {
		if c == child {
			r.ext().children = append(r.ext().children[:i], r.ext().children[i+1:]...)
			return
		}
	}
}

// family returns r's children.
func (r *actorRef) family() []*actorRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*actorRef(nil), r.ext().children...)
}

// stopChildren stops r's children (and so theirs), cancelling what they run.
func (r *actorRef) stopChildren(reason string) []*actorRef {
	r.mu.Lock()
	kids, far, pools := r.ext().children, r.ext().remote, r.ext().pools
	r.ext().children, r.ext().remote, r.ext().pools = nil, nil, nil
	r.mu.Unlock()
	for _, p := range pools {
		p.stop(reason)
	}
	for _, c := range kids {
		c.stop(reason)
	}
	for _, a := range far {
		_ = r.sys.net.stop(a, r.addr.String()+" ("+reason+")")
	}
	return kids
}

// restartWait bounds how long a restarting parent waits for its children
// to stop: their scripts are cancelled and their stopping() hooks are
// bounded, so this is only reached when a child cannot even report its
// end (a watcher's full blocking mailbox).
const restartWait = 5 * time.Second

// awaitStopped waits until the actors have stopped, or restartWait.
func (r *actorRef) awaitStopped(kids []*actorRef) {
	if len(kids) == 0 {
		return
	}
	t := time.NewTimer(restartWait)
	defer t.Stop()
	for _, k := range kids {
		select {
		case <-k.stoppedChan():
		case <-t.C:
			r.sys.logger.Warn("restart goes on before a child stopped", "actor", r.addr, "child", k.addr)
			return
		}
	}
}

// ownPool records p as one of r's pools, which stop with r; false if r is
// already stopping.
func (r *actorRef) ownPool(p *Pool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated || r.cancelled() {
		return false
	}
	r.ext().pools = append(r.ext().pools, p)
	return true
}

// disownPool forgets p, which stopped, as one of r's pools.
func (r *actorRef) disownPool(p *Pool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.ext(); slices.Contains(e.pools, p) {
		e.pools = slices.DeleteFunc(e.pools, func(q *Pool) bool { return q == p })
	}
}

// adoptRemote records a child spawned on another node; false if r is
// already stopping.
func (r *actorRef) adoptRemote(child Address) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated || r.cancelled() {
		return false
	}
	r.ext().remote = append(r.ext().remote, child)
	return true
}
