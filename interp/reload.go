// This file holds what a live code upgrade needs of the interpreter:
// finding changed files (Engine.Refresh, Module.Changed) and starting a new
// version's instance from an old one's state (Module.Upgrade).

package interp

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// Refresh drops from the engine's cache the libraries whose files changed
// since they were loaded (or are gone, or failed to load), and those that
// load one of them, directly or not, so that the next Load or Compile runs
// them again from the files. Modules compiled before keep the libraries
// they were linked with. It returns the paths dropped.
func (e *Engine) Refresh() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	stale := map[string]bool{}
	for p, lib := range e.libs {
		if lib.loading {
			continue
		}
		src, err := e.readFile(p)
		if err != nil || lib.err != nil || !bytes.Equal(src, lib.src) {
			stale[p] = true
		}
	}
	for grew := len(stale) > 0; grew; { // and what loads them
		grew = false
		for p, lib := range e.libs {
			if stale[p] {
				continue
			}
			for _, name := range lib.loads {
				if q, err := cleanPath(name); err == nil && stale[q] {
					stale[p], grew = true, true
					break
				}
			}
		}
	}
	dropped := make([]string, 0, len(stale))
	for p := range stale {
		delete(e.libs, p)
		dropped = append(dropped, p)
	}
	slices.Sort(dropped)
	return dropped
}

// Changed reports whether the files of the module's script or of a library
// it loads now differ from the sources it was compiled from (or are gone),
// naming the first that does.
func (m *Module) Changed() (changed bool, file string) {
	names := make([]string, 0, len(m.sources))
	for p := range m.sources {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		src, err := m.engine.readFile(p)
		if err != nil || !bytes.Equal(src, m.sources[p]) {
			return true, p
		}
	}
	return false, ""
}

// ErrNotCarried is wrapped by the error of an upgrade whose old globals
// hold a value that cannot be sent, and so cannot be carried.
var ErrNotCarried = errors.New("interp: state cannot be carried to the new version")

// Upgrade makes an instance of m, bound to host, to take over from old (an
// instance of an earlier version of the script) between two messages. m's
// top level runs in it; then, if m defines upgrade(old), that is called
// with a dict of old's globals copied as a message is (functions and
// modules left out: they are code, and the new version has its own), and
// init is not called; without upgrade, init(*args) runs as at a restart,
// and old's state is not carried. A global that cannot be sent (a future,
// a timer, a value of a host's own type) fails the upgrade with
// ErrNotCarried and its path, old["t"]. old is only read: on an error, it
// runs on unchanged. Only the goroutine that uses old may call Upgrade.
// It is old.State followed by m.Resume.
func (m *Module) Upgrade(host Host, old *Instance, args serialize.Payload, opts InstanceOptions) (*Instance, error) {
	state, err := old.State()
	return m.resume(host, state, err, args, opts)
}

// State returns what an upgrade carries of the instance: a dict of its
// globals by name, functions and modules left out, encoded as a message.
// A value that cannot be sent fails it with ErrNotCarried and its path.
func (in *Instance) State() (serialize.Payload, error) {
	state, err := in.carried()
	if err != nil {
		return state, fmt.Errorf("%w: %w", ErrNotCarried, err)
	}
	return state, nil
}

// Resume makes an instance of m bound to host and hands it state (from
// State) as Upgrade does: its top level runs, then upgrade(old) with state
// decoded, or init(*args) when m defines no upgrade.
func (m *Module) Resume(host Host, state, args serialize.Payload, opts InstanceOptions) (*Instance, error) {
	return m.resume(host, state, nil, args, opts)
}

// resume is Resume where stateErr, if set, is why the state could not be
// had: it fails the upgrade only if there is an upgrade(old) to call.
func (m *Module) resume(host Host, state serialize.Payload, stateErr error, args serialize.Payload, opts InstanceOptions) (*Instance, error) {
	in, err := m.Instantiate(host, opts)
	if err != nil {
		return nil, err
	}
	f, ok := in.Globals()["upgrade"].(starlark.Callable)
	if !ok {
		return in, in.Init(args)
	}
	if stateErr != nil {
		return nil, fmt.Errorf("%s: upgrade: %w", m.name, stateErr)
	}
	v, err := in.decode(state)
	if err != nil {
		return nil, fmt.Errorf("%s: upgrade: old state: %w", m.name, err)
	}
	if err := in.Call("upgrade", f, starlark.Tuple{v}); err != nil {
		return nil, err
	}
	return in, nil
}

// carried returns the instance's globals that an upgrade carries, encoded
// as a message: a dict by name, in name order.
func (in *Instance) carried() (serialize.Payload, error) {
	globals := in.Globals()
	names := make([]string, 0, len(globals))
	for name, v := range globals {
		if _, code := v.(starlark.Callable); code || v.Type() == "module" {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	d := starlark.NewDict(len(names))
	for _, name := range names {
		if err := d.SetKey(starlark.String(name), globals[name]); err != nil {
			return serialize.Payload{}, err
		}
	}
	out, err := in.encode("old", d, nil)
	return out.env, err
}
