// This file holds RunFunction: a script's top-level function, called with
// no arguments, as the root actor (what `murmur test` runs each test_ in).

package actor

import (
	"context"
	"fmt"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
)

// RunFunction is Run for a top-level function of mod other than main: it
// calls name() with no arguments as the root actor, which may spawn,
// send, request, ask and recv, and returns when it returns (its error is a
// *interp.ScriptError with the traceback) or when ctx is done. Actors it
// spawned are stopped before RunFunction returns. `murmur test` runs each
// test_ function of a test script so.
func (s *System) RunFunction(ctx context.Context, mod *Module, name string) error {
	if name == "" {
		return fmt.Errorf("actor: run %s: no function named", mod.Name())
	}
	return s.runRoot(ctx, mod, &runMain{fn: name})
}

// callGlobal calls the instance's global function name().
func (a *scriptActor) callGlobal(name string) error {
	f, ok := a.inst.Globals()[name].(starlark.Callable)
	if !ok {
		return fmt.Errorf("%s: the script defines no function %s(): %w", a.ref.mod.Name(), name, interp.ErrNoFunction)
	}
	return a.inst.Call(name, f, nil)
}
