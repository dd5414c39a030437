// This file holds the two error shapes of scripts: compile errors with a
// position, and run-time errors with a traceback.

package interp

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// CompileError is a script that cannot be compiled or linked: a syntax or
// resolution error, a missing file, a load() that fails. Line and Col are
// zero when no position applies (a missing file).
type CompileError struct {
	File string
	Line int
	Col  int
	Msg  string
	// More holds further errors found in the same file, if any.
	More []*CompileError
}

func (e *CompileError) Error() string {
	var b strings.Builder
	e.write(&b)
	for _, m := range e.More {
		b.WriteByte('\n')
		m.write(&b)
	}
	return b.String()
}

func (e *CompileError) write(b *strings.Builder) {
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
}

func compileError(filename string, err error) error {
	var se syntax.Error
	if errors.As(err, &se) {
		return posError(se.Pos, se.Msg)
	}
	var list resolve.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		first := posError(list[0].Pos, list[0].Msg)
		for _, r := range list[1:] {
			first.More = append(first.More, posError(r.Pos, r.Msg))
		}
		return first
	}
	return &CompileError{File: filename, Msg: err.Error()}
}

func posError(pos syntax.Position, msg string) *CompileError {
	return &CompileError{File: pos.Filename(), Line: int(pos.Line), Col: int(pos.Col), Msg: msg}
}

// Frame is one call in a script traceback.
type Frame struct {
	Func string // function name, or "<toplevel>"
	File string
	Line int
	Col  int
}

// ScriptError is a run-time failure of a script: fail(), a type error, a
// step limit, a cancelled run, or an error from a builtin (a request that
// timed out, a value that cannot be sent). It unwraps to the builtin's error,
// or to ErrStepLimit or ErrCancelled when the instance's own cancellation
// ended the call, so errors.Is works through it.
type ScriptError struct {
	Script    string  // the module's file name
	Func      string  // the entry point that was running: "receive", "init", "main", "<toplevel>"
	Msg       string  // the error message alone
	Frames    []Frame // the call stack, outermost first
	Backtrace string  // the Starlark traceback, as Python prints it
	err       error
}

func (e *ScriptError) Error() string {
	if e.Backtrace != "" {
		return e.Backtrace
	}
	return fmt.Sprintf("%s: in %s: %s", e.Script, e.Func, e.Msg)
}

func (e *ScriptError) Unwrap() error { return e.err }

// Position returns "file:line:col" of the innermost script frame, or the script name.
func (e *ScriptError) Position() string {
	for i := len(e.Frames) - 1; i >= 0; i-- {
		if f := e.Frames[i]; f.File != "<builtin>" {
			return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
		}
	}
	return e.Script
}

func newScriptError(script, fn string, err error) *ScriptError {
	se := &ScriptError{Script: script, Func: fn, Msg: err.Error(), err: err}
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		se.Msg = ee.Msg
		se.Backtrace = ee.Backtrace()
		for _, fr := range ee.CallStack {
			se.Frames = append(se.Frames, Frame{
				Func: fr.Name, File: fr.Pos.Filename(), Line: int(fr.Pos.Line), Col: int(fr.Pos.Col),
			})
		}
		if cause := ee.Unwrap(); cause != nil {
			se.err = cause
		}
	}
	return se
}

// KindError is an error that tells scripts what kind of failure it is: an
// error value's e.kind is the Kind of the first KindError in its chain
// ("error" when there is none). The actor layer's sentinels are KindErrors
// (actor.ErrTimeout has Kind "timeout"); a host may make its own.
type KindError struct {
	Kind string // a short snake_case name: "timeout", "failed", "no_reply"...
	Msg  string // the error text
}

func (e *KindError) Error() string { return e.Msg }
