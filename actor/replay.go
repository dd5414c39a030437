// This file holds crash replay: the Recording a recording actor writes when
// it fails (record.go), and Replay, which runs a fresh instance of the
// recorded script through the recorded inputs, offline.

package actor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing/fstest"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// ErrReplayDiverged is wrapped by the error of a replay whose script made a
// call other than the one recorded at that point (its code or its host
// builtins are not what they were), or made fewer or more calls.
var ErrReplayDiverged = errors.New("actor: replay diverged from the recording")

// recordingVersion is the version of the recording format written.
const recordingVersion = 1

// Recording is what a recording actor (Config.Record, SpawnOptions.Record,
// spawn(record=N)) wrote when it failed: everything Replay needs to run its
// script again without the system, as JSON. See ReadRecording.
type Recording struct {
	Version      int               `json:"version"`
	Script       string            `json:"script"`        // the script, relative to the application root
	Sources      map[string]string `json:"sources"`       // the script's and its libraries' sources, by path
	ShowRoot     string            `json:"show_root"`     // Config.ShowRoot, so that tracebacks read the same
	Strict       bool              `json:"strict"`        // Config.Strict
	Clock        bool              `json:"clock"`         // Config.Clock: the script had the time module
	Limits       serialize.Limits  `json:"limits"`        // Config.Limits
	MaxSteps     uint64            `json:"max_steps"`     // the actor's step limit
	HostBuiltins []string          `json:"host_builtins"` // the names of Config.Builtins, which are not recorded
	Actor        Address           `json:"actor"`         // the actor's address: what self() returns
	Seed         [2]uint64         `json:"seed"`          // the seed of its random module
	Args         *recPayload       `json:"args,omitempty"`
	// Upgrade is the state a live upgrade handed the recorded incarnation
	// (its upgrade(old) ran in place of init), if one did.
	Upgrade  *recPayload `json:"upgrade,omitempty"`
	Main     bool        `json:"main,omitempty"` // an application's main: Messages[0] is main(MainArgs)
	MainArgs []string    `json:"main_args,omitempty"`
	Init     recStep     `json:"init"` // what the top level and init called
	// Dropped counts the messages handled before Messages, which the
	// recording did not keep: a replay starts from init all the same, so
	// state those messages made is missing.
	Dropped   int       `json:"dropped"`
	Messages  []recStep `json:"messages"`
	Error     string    `json:"error"`     // the failure
	Position  string    `json:"position"`  // where it happened, file:line:col
	Traceback string    `json:"traceback"` // its Starlark traceback
	Written   time.Time `json:"written"`
}

// recStep is one message and what its handling called.
type recStep struct {
	Message *recPayload `json:"message,omitempty"`
	Sender  *Address    `json:"sender,omitempty"`
	Results []recResult `json:"results,omitempty"`
}

// recPayload is a recorded message: its msgpack bytes, the buffers it
// moved, and, for people reading the file, its text.
type recPayload struct {
	Body    []byte   `json:"body"`
	Buffers [][]byte `json:"buffers,omitempty"`
	Text    string   `json:"text,omitempty"`
}

func (e *recPayload) envelope() serialize.Payload {
	if e == nil {
		return serialize.Payload{}
	}
	return serialize.Payload{Body: e.Body, Buffers: e.Buffers}
}

// recResult is what one call of a script to its host returned.
type recResult struct {
	Call    string        `json:"call"` // now, send, request, ask, result, recv, spawn, pool, stop, watch, after, cancel, map, nodes
	Answer  *recPayload   `json:"answer,omitempty"`
	Answers []*recPayload `json:"answers,omitempty"` // map's, by item
	Errors  []*recError   `json:"errors,omitempty"`  // map's, by item
	Err     *recError     `json:"error,omitempty"`
	Address *Address      `json:"address,omitempty"` // spawn's and pool's; recv's sender
	Time    *time.Time    `json:"time,omitempty"`
	OK      bool          `json:"ok,omitempty"`
	Nodes   []string      `json:"nodes,omitempty"`
}

// recError is a recorded error: its text, and what a script can test of it.
type recError struct {
	Msg    string `json:"message"`
	Kind   string `json:"kind,omitempty"`   // e.kind, from an *interp.KindError
	Ending bool   `json:"ending,omitempty"` // it ended the actor (interp.ErrCancelled)
}

func (e *recError) err() error {
	if e == nil {
		return nil
	}
	var err error = errors.New(e.Msg)
	if e.Kind != "" {
		err = &interp.KindError{Kind: e.Kind, Msg: e.Msg}
	}
	if e.Ending {
		err = &endingError{err}
	}
	return err
}

// describe sets the Text of the recording's messages and answers.
func (r *Recording) describe(limits serialize.Limits) {
	text := func(e *recPayload) {
		if e == nil || len(e.Buffers) > 0 {
			return
		}
		if v, err := limits.DecodeStarlark(e.Body); err == nil {
			e.Text = v.String()
			if rs := []rune(e.Text); len(rs) > 200 {
				e.Text = string(rs[:197]) + "..."
			}
		}
	}
	text(r.Args)
	for _, st := range append([]recStep{r.Init}, r.Messages...) {
		text(st.Message)
		for _, res := range st.Results {
			text(res.Answer)
			for _, a := range res.Answers {
				text(a)
			}
		}
	}
}

// ReadRecording reads a recording file.
func ReadRecording(path string) (*Recording, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Recording
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not a murmur recording: %w", path, err)
	}
	if r.Version != recordingVersion || r.Script == "" || r.Sources[r.Script] == "" {
		return nil, fmt.Errorf("%s: not a murmur recording of version %d with its script's source", path, recordingVersion)
	}
	return &r, nil
}

// ReplayOptions configures Replay. The zero value is the default.
type ReplayOptions struct {
	// Print receives what the script prints and logs. Nil discards it.
	Print func(msg string)
	// Builtins are the recorded system's host builtins (HostBuiltins). Nil
	// means each of those names is a builtin that fails when called: what
	// host builtins return is not recorded.
	Builtins starlark.StringDict
}

// Replay runs a fresh instance of the recorded script, compiled from the
// recorded sources, through the recorded inputs: its spawn arguments, then
// the messages kept, in order, each with its sender. The nondeterministic
// builtins get what they returned when recorded: time.now(), request(),
// ask() answers, recv(), spawn() and pool() addresses, pmap() answers,
// nodes(), a timer's cancel(), and the errors of send, stop, watch and
// after; random draws what it drew (its seed is recorded). Nothing is sent
// and no actor is started. Replay returns the error the script fails with
// (a *interp.ScriptError; Reproduces says whether it is the recorded one),
// an error wrapping ErrReplayDiverged if the script's calls differ from
// the recording, or nil if it ran through every message. ctx stops the
// replay between messages and cancels a message being handled (a failure
// that message_timeout caused would otherwise run on).
func Replay(ctx context.Context, r *Recording, opts ReplayOptions) error {
	fsys := fstest.MapFS{}
	for name, src := range r.Sources {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	builtins := starlark.StringDict{}
	for _, name := range r.HostBuiltins {
		if b, ok := opts.Builtins[name]; ok {
			builtins[name] = b
			continue
		}
		builtins[name] = starlark.NewBuiltin(name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return nil, fmt.Errorf("%s: a host builtin, which a replay cannot call (what it returned is not recorded)", name)
		})
	}
	eng, err := interp.NewEngine(interp.Options{FS: fsys, ShowRoot: r.ShowRoot, Strict: r.Strict, Clock: r.Clock,
		Limits: r.Limits, Builtins: builtins})
	if err != nil {
		return err
	}
	defer eng.Close()
	mod, err := eng.Load(r.Script)
	if err != nil {
		return err
	}
	h := &replayHost{r: r, print: opts.Print, step: &r.Init, where: "the top level"}
	iopts := interp.InstanceOptions{MaxSteps: r.MaxSteps, Seed: r.Seed, Now: h.now}
	var running atomic.Pointer[interp.Instance]
	stop := context.AfterFunc(ctx, func() {
		if in := running.Load(); in != nil {
			in.Cancel("replay: " + ctx.Err().Error())
		}
	})
	defer stop()
	var in *interp.Instance
	if r.Upgrade != nil {
		in, err = mod.Resume(h, r.Upgrade.envelope(), r.Args.envelope(), iopts)
	} else if in, err = mod.Instantiate(h, iopts); err == nil && !r.Main {
		err = in.Init(r.Args.envelope())
	}
	if err = h.check(err); err != nil {
		return err
	}
	running.Store(in)
	for i := range r.Messages {
		if err := ctx.Err(); err != nil {
			return err
		}
		h.begin(&r.Messages[i], fmt.Sprintf("message %d of %d", r.Dropped+i+1, r.Dropped+len(r.Messages)))
		if r.Main {
			err = in.Main(r.MainArgs)
		} else {
			err = in.Receive(r.Messages[i].Message.envelope())
		}
		if err = h.check(err); err != nil {
			return err
		}
	}
	return nil
}

// Reproduces reports whether err, from Replay, is the recorded failure: the
// same message at the same position.
func (r *Recording) Reproduces(err error) bool {
	var se *interp.ScriptError
	return err != nil && errors.As(err, &se) && !errors.Is(err, ErrReplayDiverged) &&
		se.Position() == r.Position && err.Error() == r.Error
}

// replayHost is the Host of a replayed instance: what the script's calls
// return comes from the recording.
type replayHost struct {
	r        *Recording
	print    func(string)
	step     *recStep
	where    string // the step, for errors: "message 3 of 5"
	next     int    // the next result of step to hand out
	sender   *Address
	diverged error
}

var _ interp.Host = (*replayHost)(nil)

func (h *replayHost) begin(st *recStep, where string) {
	h.step, h.where, h.next, h.sender = st, where, 0, st.Sender
}

// check returns the divergence, if any, in place of err; and one if the
// step ended without the calls recorded after err's point.
func (h *replayHost) check(err error) error {
	if h.diverged != nil {
		return h.diverged
	}
	if err == nil && h.next < len(h.step.Results) {
		return fmt.Errorf("%w: in %s the script made %d calls; the recording has %d (the next: %s)",
			ErrReplayDiverged, h.where, h.next, len(h.step.Results), h.step.Results[h.next].Call)
	}
	return err
}

// take returns the next recorded result, which must be of call.
func (h *replayHost) take(call string) (recResult, error) {
	if h.diverged != nil {
		return recResult{}, h.diverged
	}
	if h.next >= len(h.step.Results) {
		h.diverged = &endingError{fmt.Errorf("%w: in %s the script called %s, after the %d calls recorded",
			ErrReplayDiverged, h.where, call, len(h.step.Results))}
		return recResult{}, h.diverged
	}
	res := h.step.Results[h.next]
	if res.Call != call {
		h.diverged = &endingError{fmt.Errorf("%w: in %s, call %d is %s; the recording has %s",
			ErrReplayDiverged, h.where, h.next+1, call, res.Call)}
		return recResult{}, h.diverged
	}
	h.next++
	return res, nil
}

func (h *replayHost) now() (time.Time, error) {
	res, err := h.take("now")
	if err != nil || res.Time == nil {
		return time.Time{}, err
	}
	return *res.Time, nil
}

func (h *replayHost) Self() Address { return h.r.Actor }

func (h *replayHost) Sender() (Address, bool) {
	if h.sender == nil {
		return Address{}, false
	}
	return *h.sender, true
}

func (h *replayHost) Send(Address, serialize.Payload) error {
	res, err := h.take("send")
	if err != nil {
		return err
	}
	return res.Err.err()
}

func (h *replayHost) Request(Address, serialize.Payload, time.Duration) (serialize.Payload, error) {
	res, err := h.take("request")
	if err != nil {
		return serialize.Payload{}, err
	}
	return res.Answer.envelope(), res.Err.err()
}

func (h *replayHost) Ask(Address, serialize.Payload, time.Duration) (interp.Future, error) {
	res, err := h.take("ask")
	if err == nil {
		err = res.Err.err()
	}
	if err != nil {
		return nil, err
	}
	return &replayFuture{h: h}, nil
}

// replayFuture takes its answer from the recording when the script asks for it.
type replayFuture struct {
	h      *replayHost
	done   bool
	answer serialize.Payload
	err    error
}

func (f *replayFuture) Result() (serialize.Payload, error) {
	if !f.done {
		f.done = true
		res, err := f.h.take("result")
		if f.err = err; err == nil {
			f.answer, f.err = res.Answer.envelope(), res.Err.err()
		}
	}
	return f.answer, f.err
}

func (h *replayHost) Recv(time.Duration) (serialize.Payload, error) {
	res, err := h.take("recv")
	if err != nil {
		return serialize.Payload{}, err
	}
	if res.Err == nil {
		h.sender = res.Address
	}
	return res.Answer.envelope(), res.Err.err()
}

func (h *replayHost) Spawn(string, serialize.Payload, interp.SpawnOptions) (Address, error) {
	return h.address("spawn")
}

func (h *replayHost) Pool(string, serialize.Payload, interp.PoolOptions) (Address, error) {
	return h.address("pool")
}

func (h *replayHost) address(call string) (Address, error) {
	res, err := h.take(call)
	if err != nil {
		return Address{}, err
	}
	var a Address
	if res.Address != nil {
		a = *res.Address
	}
	return a, res.Err.err()
}

func (h *replayHost) Stop(Address) error  { return h.errOf("stop") }
func (h *replayHost) Watch(Address) error { return h.errOf("watch") }

func (h *replayHost) errOf(call string) error {
	res, err := h.take(call)
	if err != nil {
		return err
	}
	return res.Err.err()
}

func (h *replayHost) After(time.Duration, serialize.Payload) (func() bool, error) {
	if err := h.errOf("after"); err != nil {
		return nil, err
	}
	return func() bool {
		res, _ := h.take("cancel")
		return res.OK
	}, nil
}

func (h *replayHost) Map(_ Address, items []serialize.Payload, _ time.Duration) ([]serialize.Payload, []error, error) {
	res, err := h.take("map")
	if err != nil {
		return nil, nil, err
	}
	if err := res.Err.err(); err != nil {
		return nil, nil, err
	}
	if len(res.Answers) != len(items) {
		h.diverged = &endingError{fmt.Errorf("%w: in %s, pmap of %d items; the recording has %d",
			ErrReplayDiverged, h.where, len(items), len(res.Answers))}
		return nil, nil, h.diverged
	}
	answers := make([]serialize.Payload, len(items))
	errs := make([]error, len(items))
	for i := range items {
		answers[i] = res.Answers[i].envelope()
		if i < len(res.Errors) {
			errs[i] = res.Errors[i].err()
		}
	}
	return answers, errs, nil
}

func (h *replayHost) Nodes() []string {
	res, _ := h.take("nodes")
	return res.Nodes
}

func (h *replayHost) Log(level slog.Level, msg string) {
	if h.print != nil {
		h.print(level.String() + " " + msg)
	}
}

func (h *replayHost) Print(msg string) {
	if h.print != nil {
		h.print(msg)
	}
}
