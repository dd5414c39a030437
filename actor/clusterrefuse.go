// This file holds refused grain activations: what a member gives
// protoactor's placement actor for a grain it did not activate (over a
// peer's quota, a shipped kind not shipped yet, a failed spawn), which
// answers the grain's next message with the error.

package actor

import (
	"sync"

	proto "github.com/asynkron/protoactor-go/actor"
)

// refusedActivation stands for a grain whose activation failed.
// Protoactor's placement actor wants a PID for every activation (its
// spawn cannot fail without failing the placement actor itself), so the
// member gives it this process, which answers the first message it gets
// with the error (a message that is not a request becomes a dead letter
// with the error as its reason) and ends at once: the grain's next message
// tries to activate it again.
type refusedActivation struct {
	sys       *System
	err       error
	pid       *proto.PID // the PID the placement actor has
	placement *proto.PID

	mu       sync.Mutex
	watchers []*proto.PID // guarded by mu
	ended    bool         // guarded by mu
}

var _ proto.Process = (*refusedActivation)(nil)

// refuseActivation registers a refused activation under id, the name the
// placement actor chose, and returns its PID.
func (s *System) refuseActivation(id string, placement *proto.PID, err error) *proto.PID {
	r := &refusedActivation{sys: s, err: err, placement: placement}
	r.pid, _ = s.proto.ProcessRegistry.Add(r, id)
	return r.pid
}

// refused reports whether at is a refused activation of this member.
func (s *System) refused(at Address) bool {
	p, ok := s.proto.ProcessRegistry.GetLocal(at.ID)
	if !ok {
		return false
	}
	_, ok = p.(*refusedActivation)
	return ok
}

func (r *refusedActivation) SendUserMessage(_ *proto.PID, m any) {
	_, msg, _ := proto.UnwrapEnvelope(m)
	if _, ok := msg.(*proto.PoisonPill); !ok {
		if env, sender := senderOf(m); env != nil {
			if env.request {
				r.sys.answerError(sender, r.err)
			} else {
				r.sys.deadLetter(r.sys.address(r.pid), env, r.err.Error())
			}
		}
	}
	r.end()
}

func (r *refusedActivation) SendSystemMessage(_ *proto.PID, m any) {
	switch m := m.(type) {
	case *proto.Watch:
		r.mu.Lock()
		ended := r.ended
		if !ended {
			r.watchers = append(r.watchers, m.Watcher)
		}
		r.mu.Unlock()
		if ended {
			r.tell(m.Watcher)
		}
	case *proto.Stop:
		r.end()
	}
}

func (r *refusedActivation) Stop(*proto.PID) { r.end() }

// end removes the process and tells the placement actor (which then
// forgets the grain, and has its members forget it) and any watcher.
func (r *refusedActivation) end() {
	r.mu.Lock()
	if r.ended {
		r.mu.Unlock()
		return
	}
	r.ended = true
	watchers := r.watchers
	r.watchers = nil
	r.mu.Unlock()
	r.sys.proto.ProcessRegistry.Remove(r.pid)
	for _, w := range append(watchers, r.placement) {
		r.tell(w)
	}
}

// tell sends w the end of the process, with the PID the placement actor
// has (it matches it by pointer).
func (r *refusedActivation) tell(w *proto.PID) {
	p, _ := r.sys.proto.ProcessRegistry.Get(w)
	p.SendSystemMessage(w, &proto.Terminated{Who: r.pid})
}
