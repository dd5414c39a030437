// This file holds Module and Instance: a compiled script and one actor's
// interpreter running it.

package interp

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	startime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/random"

	"github.com/murmur-go/murmur/serialize"
)

var (
	// ErrStepLimit is wrapped by a ScriptError when one message (or init, or
	// main) ran past the instance's execution step limit.
	ErrStepLimit = errors.New("interp: step limit exceeded")
	// ErrCancelled is wrapped by a ScriptError when the instance was cancelled
	// (its actor stopped, or its system shut down) while running.
	ErrCancelled = errors.New("interp: cancelled")
	// ErrNoFunction is returned when a script lacks the function the caller
	// needs (receive, main).
	ErrNoFunction = errors.New("interp: script defines no such function")
)

// Module is a compiled script with its libraries linked. It is immutable and
// safe for concurrent use: every actor running the script shares it.
type Module struct {
	engine *Engine
	name   string
	src    []byte   // for Sources
	loads  []string // the libraries it loads, as given to load()
	// sources holds the script's and its libraries' sources by path, as
	// they were compiled (see Sources).
	sources map[string][]byte
	prog    *starlark.Program
	load    func(*starlark.Thread, string) (starlark.StringDict, error)
}

func newModule(e *Engine, name string, src []byte, prog *starlark.Program, loads map[string]starlark.StringDict) *Module {
	return &Module{engine: e, name: name, src: src, loads: loadNames(prog), prog: prog, load: loader(loads)}
}

// Name returns the script's file name, relative to the application root.
func (m *Module) Name() string { return m.name }

// Engine returns the engine that compiled the module.
func (m *Module) Engine() *Engine { return m.engine }

// InstanceOptions configures one instance. The zero value is the default.
type InstanceOptions struct {
	// MaxSteps is the per-message execution step limit. Zero means the
	// engine's Options.MaxSteps.
	MaxSteps uint64
	// Name names the Starlark thread (shown in nothing but debuggers). Empty
	// means the module's name.
	Name string
	// Now, if set, is the clock the time module's now() reads (crash
	// recording and replay). Nil means the system's clock.
	Now func() (time.Time, error)
	// Seed, if not zero, seeds the random module's generator, as
	// random.seed would. Zero means a seed from the system's source.
	Seed [2]uint64
}

// Instance is one actor's interpreter: a Starlark thread and the fresh,
// unfrozen globals of one run of the module's top level.
//
// An Instance must not be used by more than one goroutine at a time, except
// for Cancel, which any goroutine may call.
type Instance struct {
	// thread must stay the first field: a builtin finds its Instance from
	// the thread it is called on (see threadInstance).
	thread starlark.Thread
	mod    *Module
	host   Host
	// The hooks the actor calls. The globals map itself is not kept (a
	// tenth of an idle actor): the script's functions reach their globals
	// through their module, and Globals rebuilds the map from one of them.
	receive, init, main, stopping starlark.Callable
	fn                            *starlark.Function  // a function of this module, for Globals
	globals                       starlark.StringDict // kept only when the module defines no function
	maxSteps                      uint64
	// Starlark reports a cancelled thread by an error message alone, so the
	// instance records itself why it cancelled its thread, before doing so.
	overrun atomic.Bool // set when the step limit cancelled the thread
	halted  atomic.Bool // set by Cancel, cleared by Uncancel
	// arg holds receive's argument during a call, so that a message needs
	// no new argument tuple: a Starlark function copies its arguments on
	// entry and never keeps the tuple.
	arg [1]starlark.Value
}

// Instantiate creates an instance bound to host and runs the module's top
// level in it, with the step limit applied to the top level as to a message.
func (m *Module) Instantiate(host Host, opts InstanceOptions) (*Instance, error) {
	in := &Instance{mod: m, host: host, maxSteps: opts.MaxSteps}
	if in.maxSteps == 0 {
		in.maxSteps = m.engine.opts.MaxSteps
	}
	name := opts.Name
	if name == "" {
		name = m.name
	}
	in.thread.Name = name
	in.thread.Load = m.load
	in.thread.Print = printer
	in.thread.OnMaxSteps = onMaxSteps
	if opts.Now != nil {
		startime.SetNow(&in.thread, opts.Now)
	}
	if opts.Seed != [2]uint64{} {
		random.SetSeed(&in.thread, opts.Seed)
	}
	in.arm()
	globals, err := m.prog.Init(&in.thread, m.engine.predeclared)
	if err != nil {
		return nil, in.scriptError("<toplevel>", err)
	}
	in.receive, _ = globals["receive"].(starlark.Callable)
	in.init, _ = globals["init"].(starlark.Callable)
	in.main, _ = globals["main"].(starlark.Callable)
	in.stopping, _ = globals["stopping"].(starlark.Callable)
	for _, v := range globals {
		if f, ok := v.(*starlark.Function); ok && f.Position().Filename() == m.prog.Filename() {
			in.fn = f
			break
		}
	}
	if in.fn == nil {
		in.globals = globals
	}
	return in, nil
}

// printer is the Print of every instance's thread, and only of those: it
// marks them for threadInstance.
func printer(thread *starlark.Thread, msg string) {
	if in := threadInstance(thread); in != nil {
		in.host.Print(msg)
	}
}

// printerPC identifies printer among functions.
var printerPC uintptr

func init() { printerPC = reflect.ValueOf(printer).Pointer() }

// threadInstance returns the Instance whose thread is thread, or nil for
// any other thread (a library's top level, a host's own). An Instance is
// found from its thread, its first field, without a thread-local map,
// which would cost every actor a Go map: a tenth of an idle actor. The
// conversion is checked by the thread's Print, which only Instantiate sets
// to printer, on an Instance's own thread.
func threadInstance(thread *starlark.Thread) *Instance {
	if thread == nil || thread.Print == nil || reflect.ValueOf(thread.Print).Pointer() != printerPC {
		return nil
	}
	return (*Instance)(unsafe.Pointer(thread))
}

func onMaxSteps(thread *starlark.Thread) {
	if in := threadInstance(thread); in != nil {
		in.overrun.Store(true)
		thread.Cancel(fmt.Sprintf("exceeded the step limit of %d steps", in.maxSteps))
	}
}

// arm resets the step budget for one unit of work.
func (in *Instance) arm() {
	if in.overrun.Swap(false) {
		in.thread.Uncancel()
	}
	if in.maxSteps > 0 {
		in.thread.SetMaxExecutionSteps(in.thread.ExecutionSteps() + in.maxSteps)
	}
}

// Module returns the module the instance runs.
func (in *Instance) Module() *Module { return in.mod }

// Globals returns the instance's global variables (its private state). The
// map is built on each call; the values are the instance's own.
func (in *Instance) Globals() starlark.StringDict {
	if in.fn != nil {
		return in.fn.Globals()
	}
	return in.globals
}

// Has reports whether the script defines a callable global called name.
func (in *Instance) Has(name string) bool {
	switch name {
	case "receive":
		return in.receive != nil
	case "init":
		return in.init != nil
	case "main":
		return in.main != nil
	case "stopping":
		return in.stopping != nil
	}
	_, ok := in.Globals()[name].(starlark.Callable)
	return ok
}

// Cancel makes the running script fail promptly with reason; later calls on
// the instance fail at once. It is safe to call from any goroutine.
func (in *Instance) Cancel(reason string) {
	in.halted.Store(true)
	in.thread.Cancel(reason)
}

// Uncancel clears a cancellation so that the instance can run again (a
// hook after its message was cancelled). Only the goroutine that uses the
// instance may call it, between calls.
func (in *Instance) Uncancel() {
	in.halted.Store(false)
	in.thread.Uncancel()
}

// Steps returns the execution steps the instance has run so far.
func (in *Instance) Steps() uint64 { return in.thread.ExecutionSteps() }

// Init calls init(*args) where args holds a msgpack array (an empty
// envelope for none). A script without init accepts no arguments.
func (in *Instance) Init(args serialize.Payload) error {
	var tuple starlark.Tuple
	if len(args.Body) > 0 && len(args.Buffers) == 0 {
		// The common case, straight into the tuple (no list in between).
		var err error
		if tuple, err = in.mod.engine.opts.Limits.DecodeStarlarkArray(args.Body); err != nil {
			return fmt.Errorf("%s: spawn arguments: %w", in.mod.name, err)
		}
	} else if len(args.Body) > 0 {
		v, err := in.decode(args)
		if err != nil {
			return fmt.Errorf("%s: spawn arguments: %w", in.mod.name, err)
		}
		list, ok := v.(*starlark.List)
		if !ok {
			return fmt.Errorf("%s: spawn arguments are a %s, not a list", in.mod.name, v.Type())
		}
		tuple = make(starlark.Tuple, list.Len())
		for i := range tuple {
			tuple[i] = list.Index(i)
		}
	}
	f := in.init
	if f == nil {
		if len(tuple) > 0 {
			return fmt.Errorf("%s: spawned with %d arguments but the script defines no init(): %w",
				in.mod.name, len(tuple), ErrNoFunction)
		}
		return nil
	}
	return in.Call("init", f, tuple)
}

// Receive decodes one message and calls receive(msg).
func (in *Instance) Receive(msg serialize.Payload) error {
	if in.receive == nil {
		return fmt.Errorf("%s: a message arrived but the script defines no receive(msg): %w", in.mod.name, ErrNoFunction)
	}
	v, err := in.decode(msg)
	if err != nil {
		return fmt.Errorf("%s: received message: %w", in.mod.name, err)
	}
	if _, ok := in.receive.(*starlark.Function); !ok || in.arg[0] != nil {
		// Some other callable might keep its arguments; and a receive
		// running already (a nested call) owns in.arg.
		return in.Call("receive", in.receive, starlark.Tuple{v})
	}
	in.arg[0] = v
	err = in.Call("receive", in.receive, in.arg[:])
	in.arg[0] = nil // the message is the script's now, not the instance's
	return err
}

// Stopping calls the script's stopping() hook, if it defines one.
func (in *Instance) Stopping() error {
	if in.stopping == nil {
		return nil
	}
	return in.Call("stopping", in.stopping, nil)
}

// Main calls main(args) with args as a list of strings.
func (in *Instance) Main(args []string) error {
	f := in.main
	if f == nil {
		return fmt.Errorf("%s: the script defines no main(args): %w", in.mod.name, ErrNoFunction)
	}
	list := make([]starlark.Value, len(args))
	for i, a := range args {
		list[i] = starlark.String(a)
	}
	return in.Call("main", f, starlark.Tuple{starlark.NewList(list)})
}

// Call calls f(*args) under the step limit; entry names it in errors.
func (in *Instance) Call(entry string, f starlark.Callable, args starlark.Tuple) error {
	in.arm()
	if _, err := starlark.Call(&in.thread, f, args, nil); err != nil {
		return in.scriptError(entry, err)
	}
	return nil
}

// scriptError makes err, the failure of entry, a *ScriptError. A failure
// while the instance had cancelled its thread wraps ErrStepLimit or
// ErrCancelled, unless it already matches it (a host error that says the
// actor is ending, which keeps its own chain).
func (in *Instance) scriptError(entry string, err error) error {
	se := newScriptError(in.mod.name, entry, err)
	if why := in.cancellation(); why != nil && !errors.Is(se.err, why) {
		se.err = why
	}
	return se
}

// cancellation returns why the instance cancelled its thread: ErrStepLimit
// when the step limit did, ErrCancelled when Cancel did, nil when neither.
func (in *Instance) cancellation() error {
	switch {
	case in.overrun.Load():
		return ErrStepLimit
	case in.halted.Load():
		return ErrCancelled
	}
	return nil
}
