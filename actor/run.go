// This file holds Run: an application script's main(args) as the root actor.

package actor

import (
	"context"
	"fmt"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/serialize"
)

// runMain asks the main actor to call main(args), or fn() if fn is set.
type runMain struct {
	args []string
	fn   string
}

func (*runMain) IgnoreDeadLetterLogging() {}

// Run runs the application script mod: its main(args) runs as the root
// actor, which may spawn, send, request, ask and recv. Run returns when main
// returns (its error is a *interp.ScriptError with the traceback) or when ctx
// is done, in which case the running script is cancelled. Actors main
// spawned are stopped before Run returns.
func (s *System) Run(ctx context.Context, mod *Module, args []string) error {
	return s.runRoot(ctx, mod, &runMain{args: args})
}

// runRoot runs mod as the root actor and has it call what m names.
func (s *System) runRoot(ctx context.Context, mod *Module, m *runMain) error {
	addr, err := s.spawn(nil, mod, serialize.Payload{}, SpawnOptions{Supervision: Supervision{Strategy: Temporary}}, true)
	if err != nil {
		return err
	}
	ref := s.local(addr)
	if ref == nil {
		return fmt.Errorf("actor: run %s: main actor vanished", mod.Name())
	}
	defer func() {
		ref.stop("main returned")
		<-ref.stoppedChan()
	}()
	slot := &replySlot{sys: s, ch: make(chan answer, 1), to: addr} // no deadline: main runs as long as it runs
	slot.pid, _ = s.proto.ProcessRegistry.Add(slot, "main"+s.proto.ProcessRegistry.NextId())
	defer slot.drop()
	ref.mb.PostUserMessage(&proto.MessageEnvelope{Message: m, Sender: slot.pid})
	select {
	case a := <-slot.ch:
		return a.err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrShutdown
	case <-ref.stoppedChan():
		return fmt.Errorf("actor: run %s: main actor stopped", mod.Name())
	}
}

func (a *scriptActor) runMain(c proto.Context, m *runMain) {
	var err error
	if a.startErr != nil {
		err = a.startErr
	} else if a.inst == nil {
		err = fmt.Errorf("%s: %w", a.ref.mod.Name(), ErrStopped)
	} else {
		a.host.pc, a.host.sender = c, nil
		a.recordMessage(nil)
		err = a.callSafely(func() error {
			if m.fn != "" {
				return a.callGlobal(m.fn)
			}
			return a.inst.Main(m.args)
		})
		if err != nil {
			a.saveRecording(err, m.args)
		}
	}
	a.ref.sys.answer(c.Sender(), answer{err: err}) // no error: main returned
}
