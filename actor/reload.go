// This file holds live code upgrade: Reload and ReloadChanged, which swap a
// script for its new version, and the switch each running actor of it
// makes between two messages (scriptActor.upgrade).

package actor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/interp"
)

// ErrUpgradeFailed is wrapped by an *UpgradeError: an actor that could not
// switch to a script's new version and runs on with the old one.
var ErrUpgradeFailed = errors.New("actor: upgrade failed")

// UpgradeError reports an actor that kept the old version of its script
// because the new one's top level or upgrade(old) failed (Err, a
// *interp.ScriptError with the traceback, when the script raised it), or
// its state could not be carried (interp.ErrNotCarried).
type UpgradeError struct {
	Actor  Address
	Script string
	Err    error
}

func (e *UpgradeError) Error() string {
	return fmt.Sprintf("actor: upgrade of %s (%s) failed; it keeps the old version: %v", e.Actor, e.Script, e.Err)
}

func (e *UpgradeError) Unwrap() []error { return []error{ErrUpgradeFailed, e.Err} }

// UpgradeEvent reports an actor's switch to its script's new version; Err
// is nil when it switched, and the *UpgradeError when it kept the old one.
type UpgradeEvent struct {
	Actor  Address
	Script string
	Err    error
}

func (*UpgradeEvent) event() {}

// ReloadReport says what a Reload did.
type ReloadReport struct {
	// Module is the new version, which spawns use from now on.
	Module *Module
	// Libraries are the libraries loaded again because their files
	// changed (or one they load did), by path.
	Libraries []string
	// Upgraded counts the running actors that switched to the new version.
	Upgraded int
	// Failed holds an *UpgradeError for each actor that kept the old version.
	Failed []error
	// Gone counts the actors that stopped before they could switch.
	Gone int
}

// reloads is a System's record of the versions Reload replaced.
type reloads struct {
	mu   sync.Mutex  // serializes Reload
	any  atomic.Bool // set by the first Reload: current has something to look up
	next sync.Map    // *Module -> the *Module that replaced it
}

// current returns the latest version of mod: mod itself unless Reload
// replaced it. Actors start (and restart) on the latest version.
func (s *System) current(mod *Module) *Module {
	if !s.reload.any.Load() {
		return mod
	}
	for {
		n, ok := s.reload.next.Load(mod)
		if !ok {
			return mod
		}
		mod = n.(*Module)
	}
}

// Reload compiles the script at path (as Load names it) again from its
// file, with the libraries it loads whose files changed, and makes it the
// version Load and every spawn use from now on. Then each running actor of
// the script switches to it between two messages, on its own goroutine,
// so nothing queued is lost (a pool's workers one after another, so that
// the pool keeps serving): a fresh
// instance of the new version runs its top level, then upgrade(old) with
// the old instance's globals, copied as messages are (see
// interp.Module.Upgrade). An actor whose upgrade fails keeps the old
// version, reports an *UpgradeError (logged with the traceback and
// published as an UpgradeEvent), and moves to the new version at its next
// restart. An application's main actor is not upgraded.
//
// Reload waits until every actor has switched or failed to, or ctx is done
// (the switches still happen). It returns an error when the script does
// not compile (nothing changes then), when ctx is done first, and, wrapping
// ErrUpgradeFailed, when an actor kept the old version.
func (s *System) Reload(ctx context.Context, path string) (ReloadReport, error) {
	var rep ReloadReport
	if s.closing.Load() {
		return rep, ErrShutdown
	}
	s.reload.mu.Lock()
	defer s.reload.mu.Unlock()
	rep.Libraries = s.engine.Refresh()
	mod, err := s.engine.Load(path)
	if err != nil {
		return rep, fmt.Errorf("actor: reload %s: %w", path, err)
	}
	rep.Module = mod
	if v, ok := s.modules.Swap(path, mod); ok {
		s.reload.next.Store(v.(*Module), mod)
		s.reload.any.Store(true)
	}
	// Actors on their own switch all at once; a pool's workers one after
	// another, so that the pool goes on serving with all but one.
	var alone []*actorRef
	workers := map[*Pool][]*actorRef{}
	for _, r := range s.liveActors() {
		if r.opts.gob != nil || r.main || r.mod.Engine() != s.engine || s.current(r.mod) != mod {
			continue
		}
		if p := r.opts.pool; p != nil {
			workers[p] = append(workers[p], r)
		} else {
			alone = append(alone, r)
		}
	}
	total := len(alone)
	var mu sync.Mutex // guards rep's counts as pools report
	tally := func(err error, gone bool) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case gone:
			rep.Gone++
		case err != nil:
			rep.Failed = append(rep.Failed, err)
		default:
			rep.Upgraded++
		}
	}
	var wg sync.WaitGroup
	for _, ws := range workers {
		total += len(ws)
		slices.SortFunc(ws, func(a, b *actorRef) int { return strings.Compare(a.addr.ID, b.addr.ID) })
		wg.Go(func() {
			for _, r := range ws {
				gone, ok, err := awaitSwitch(ctx, r, postUpgrade(r))
				if !ok {
					return
				}
				tally(err, gone)
			}
		})
	}
	dones := make([]chan error, len(alone))
	for i, r := range alone {
		dones[i] = postUpgrade(r)
	}
	for i, r := range alone {
		gone, ok, err := awaitSwitch(ctx, r, dones[i])
		if !ok {
			break
		}
		tally(err, gone)
	}
	wg.Wait()
	if ctx.Err() != nil {
		return rep, fmt.Errorf("actor: reload %s: %d of %d actors had switched: %w", path, rep.Upgraded, total, ctx.Err())
	}
	s.logger.Info("script reloaded", "script", mod.Name(), "libraries", rep.Libraries,
		"upgraded", rep.Upgraded, "failed", len(rep.Failed), "gone", rep.Gone)
	if n := len(rep.Failed); n > 0 {
		return rep, fmt.Errorf("actor: reload %s: %d of %d actors kept the old version; the first: %w", path, n, total, rep.Failed[0])
	}
	return rep, nil
}

// postUpgrade asks r to switch to its script's latest version; the
// channel gets the outcome.
func postUpgrade(r *actorRef) chan error {
	done := make(chan error, 1)
	r.mb.PostUserMessage(&upgradeMsg{done: done})
	return done
}

// awaitSwitch waits for r's outcome on done: gone when it stopped first,
// else its error; ok is false when ctx ended first.
func awaitSwitch(ctx context.Context, r *actorRef, done chan error) (gone, ok bool, err error) {
	select {
	case err := <-done:
		return false, true, err
	case <-r.stoppedChan():
		return true, true, nil
	case <-ctx.Done():
		return false, false, nil
	}
}

// ReloadChanged reloads (see Reload) every script loaded by path whose
// file, or a library's, changed since it was compiled: what `murmur run
// -watch` calls as it polls. It returns a report per script reloaded and
// their errors, joined.
func (s *System) ReloadChanged(ctx context.Context) ([]ReloadReport, error) {
	var paths []string
	s.modules.Range(func(k, v any) bool {
		if changed, _ := v.(*Module).Changed(); changed {
			paths = append(paths, k.(string))
		}
		return true
	})
	var reps []ReloadReport
	var errs []error
	for _, p := range paths {
		rep, err := s.Reload(ctx, p)
		if rep.Module != nil {
			reps = append(reps, rep)
		}
		errs = append(errs, err)
	}
	return reps, errors.Join(errs...)
}

// upgradeMsg asks an actor to switch to its script's latest version; done
// gets nil, or the *UpgradeError.
type upgradeMsg struct{ done chan<- error }

func (*upgradeMsg) IgnoreDeadLetterLogging()    {}
func (*upgradeMsg) NotInfluenceReceiveTimeout() {}

// upgrade switches the actor to the latest version of its script, between
// two messages, or leaves it on the old one and reports why.
func (a *scriptActor) upgrade(c proto.Context, m *upgradeMsg) {
	ref := a.ref
	old := a.inst
	if old == nil || ref.cancelled() { // not running: it starts on the latest version
		m.done <- nil
		return
	}
	mod := ref.sys.current(ref.mod)
	if old.Module() == mod {
		m.done <- nil
		return
	}
	a.host.pc, a.host.sender, a.host.tookSender = c, nil, false
	prev := a.rec
	h, opts := a.instanceHost(mod) // a recording one records from the upgrade on
	var in *interp.Instance
	err := a.callSafely(func() (err error) {
		in, err = mod.Upgrade(h, old, ref.args, opts)
		return err
	})
	if err == nil && a.rec != nil && in.Has("upgrade") {
		state, _ := old.State() // it was carried: no error
		a.rec.upgrade = recordPayload(state)
	}
	if err != nil {
		a.rec = prev
		uerr := &UpgradeError{Actor: ref.addr, Script: mod.Name(), Err: err}
		ref.sys.logger.Error("upgrade failed; the actor keeps the old version", "actor", ref.addr, "script", mod.Name(), "error", err.Error())
		ref.sys.publish(&UpgradeEvent{Actor: ref.addr, Script: mod.Name(), Err: uerr})
		m.done <- uerr
		return
	}
	a.inst = in
	ref.inst.Store(in)
	if ref.cancelled() { // cancel raced with the upgrade
		in.Cancel(ref.reason.Load().(string))
	}
	ref.sys.logger.Debug("actor upgraded", "actor", ref.addr, "script", mod.Name())
	ref.sys.publish(&UpgradeEvent{Actor: ref.addr, Script: mod.Name()})
	m.done <- nil
}
