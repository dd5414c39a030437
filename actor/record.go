// This file holds crash recording: what a recording script actor keeps (its
// spawn arguments, its last messages, what its nondeterministic builtins
// returned) through a recording interp.Host, and the file it writes when
// it fails, which Replay runs again (replay.go).

package actor

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// recorder keeps one incarnation's recording. Only the actor's goroutine uses it.
type recorder struct {
	max     int
	seed    [2]uint64
	upgrade *recPayload // the state an upgrade handed this incarnation, if one did
	mod     *Module     // the version the incarnation runs
	init    recStep     // the top level and init (or upgrade)
	steps   []*recStep  // the last max messages
	dropped int         // messages dropped before steps
	cur     *recStep    // the step being recorded
}

// newRecorder returns the recorder of a new incarnation of r running mod,
// or nil when r does not record.
func (r *actorRef) newRecorder(mod *Module) *recorder {
	n := r.opts.Record
	if n == 0 {
		n = r.sys.cfg.Record
	}
	if n <= 0 || mod.Engine() != r.sys.engine {
		return nil
	}
	rec := &recorder{max: n, mod: mod, seed: [2]uint64{rand.Uint64(), rand.Uint64()}}
	rec.cur = &rec.init
	return rec
}

// begin starts recording the handling of a message; m is nil for a main's run.
func (rec *recorder) begin(m *envelope, sender Address, hasSender bool) {
	s := &recStep{}
	if m != nil {
		s.Message = recordPayload(m.msg)
	}
	if hasSender {
		s.Sender = &sender
	}
	if len(rec.steps) == rec.max {
		copy(rec.steps, rec.steps[1:])
		rec.steps[len(rec.steps)-1] = nil
		rec.steps = rec.steps[:len(rec.steps)-1]
		rec.dropped++
	}
	rec.steps = append(rec.steps, s)
	rec.cur = s
}

func (rec *recorder) add(r recResult) { rec.cur.Results = append(rec.cur.Results, r) }

// options returns the instance options that record the clock and seed random.
func (rec *recorder) options(opts interp.InstanceOptions) interp.InstanceOptions {
	opts.Seed = rec.seed
	opts.Now = func() (time.Time, error) {
		t := time.Now()
		rec.add(recResult{Call: "now", Time: &t})
		return t, nil
	}
	return opts
}

// instanceHost returns the Host and options of the actor's next instance
// of mod: its host, or a recording one when it records.
func (a *scriptActor) instanceHost(mod *Module) (interp.Host, interp.InstanceOptions) {
	opts := interp.InstanceOptions{MaxSteps: a.ref.opts.MaxSteps}
	if a.rec = a.ref.newRecorder(mod); a.rec == nil {
		return &a.host, opts
	}
	return &recHost{host: &a.host, rec: a.rec}, a.rec.options(opts)
}

// recordMessage starts recording message m, if the actor records.
func (a *scriptActor) recordMessage(m *envelope) {
	if a.rec == nil {
		return
	}
	var from Address
	if m != nil && m.sender != nil {
		from = a.ref.sys.address(m.sender)
	}
	a.rec.begin(m, from, m != nil && m.sender != nil)
}

// saveRecording writes the actor's recording beside its failure err and
// returns the file's path, or "" when it does not record (or could not
// write, which it logs).
func (a *scriptActor) saveRecording(err error, main []string) string {
	rec := a.rec
	if rec == nil {
		return ""
	}
	a.rec = nil // once per incarnation
	path, werr := a.ref.writeRecording(rec, err, main)
	if werr != nil {
		a.ref.sys.logger.Error("crash recording not written", "actor", a.ref.addr, "error", werr.Error())
		return ""
	}
	a.ref.sys.logger.Error("crash recording written: replay it with murmur replay", "actor", a.ref.addr, "file", path)
	return path
}

// writeRecording writes rec with the failure err to a new file in the
// system's RecordDir.
func (r *actorRef) writeRecording(rec *recorder, err error, main []string) (string, error) {
	s := r.sys
	limit := int64(cmp.Or(s.cfg.RecordFiles, defaultRecordFiles))
	if n := s.records.Add(1); n > limit {
		return "", fmt.Errorf("the system wrote its %d recordings (Config.RecordFiles)", limit)
	}
	out := Recording{
		Version: recordingVersion, Script: rec.mod.Name(), Sources: map[string]string{},
		ShowRoot: s.cfg.ShowRoot, Strict: s.cfg.Strict, Clock: s.cfg.Clock, Limits: s.cfg.Limits,
		MaxSteps: r.opts.MaxSteps, Actor: r.addr, Seed: rec.seed, Upgrade: rec.upgrade,
		Main: r.main, MainArgs: main, Init: rec.init, Dropped: rec.dropped, Error: err.Error(), Written: time.Now(),
	}
	if out.MaxSteps == 0 {
		out.MaxSteps = s.cfg.MaxSteps
	}
	for name := range s.cfg.Builtins {
		out.HostBuiltins = append(out.HostBuiltins, name)
	}
	slices.Sort(out.HostBuiltins)
	if len(r.args.Body) > 0 {
		out.Args = recordPayload(r.args)
	}
	for _, st := range rec.steps {
		out.Messages = append(out.Messages, *st)
	}
	for name, src := range rec.mod.Sources() {
		if !utf8.Valid(src) {
			return "", fmt.Errorf("%s is not UTF-8 text", name)
		}
		out.Sources[name] = string(src)
	}
	var se *interp.ScriptError
	if errors.As(err, &se) {
		out.Position, out.Traceback = se.Position(), se.Backtrace
	}
	out.describe(s.cfg.Limits)
	data, jerr := json.MarshalIndent(&out, "", " ")
	if jerr != nil {
		return "", jerr
	}
	dir := s.cfg.RecordDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := strings.TrimSuffix(filepath.Base(rec.mod.Name()), ".star") + "-" +
		strings.Map(func(c rune) rune {
			if c == '/' || c == '\\' || c == ':' || c == '$' {
				return '_'
			}
			return c
		}, r.addr.ID) + "-*.replay.json"
	f, err := os.CreateTemp(dir, name)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	return f.Name(), f.Close()
}

// defaultRecordFiles is Config.RecordFiles's default.
const defaultRecordFiles = 1000

// recordPayload returns a copy of env for a recording (the receiver may
// write into the buffers it got).
func recordPayload(env serialize.Payload) *recPayload {
	e := &recPayload{Body: slices.Clone(env.Body)}
	for _, b := range env.Buffers {
		e.Buffers = append(e.Buffers, slices.Clone(b))
	}
	return e
}

func recordError(err error) *recError {
	if err == nil {
		return nil
	}
	e := &recError{Msg: err.Error()}
	var ke *interp.KindError
	if errors.As(err, &ke) {
		e.Kind = ke.Kind
	}
	e.Ending = errors.Is(err, interp.ErrCancelled)
	return e
}

// recHost is a script actor's Host that records what the calls whose
// results the script cannot foresee returned. It names every method of
// interp.Host (no embedding), so that a new one is a decision to make here.
type recHost struct {
	host *host
	rec  *recorder
}

var _ interp.Host = (*recHost)(nil)

func (h *recHost) Self() Address                    { return h.host.Self() }
func (h *recHost) Sender() (Address, bool)          { return h.host.Sender() }
func (h *recHost) Log(level slog.Level, msg string) { h.host.Log(level, msg) }
func (h *recHost) Print(msg string)                 { h.host.Print(msg) }

func (h *recHost) Send(to Address, msg serialize.Payload) error {
	err := h.host.Send(to, msg)
	h.rec.add(recResult{Call: "send", Err: recordError(err)})
	return err
}

func (h *recHost) Request(to Address, msg serialize.Payload, timeout time.Duration) (serialize.Payload, error) {
	answer, err := h.host.Request(to, msg, timeout)
	r := recResult{Call: "request", Err: recordError(err)}
	if err == nil {
		r.Answer = recordPayload(answer)
	}
	h.rec.add(r)
	return answer, err
}

func (h *recHost) Ask(to Address, msg serialize.Payload, timeout time.Duration) (interp.Future, error) {
	f, err := h.host.Ask(to, msg, timeout)
	h.rec.add(recResult{Call: "ask", Err: recordError(err)})
	if err != nil {
		return nil, err
	}
	return &recFuture{f: f, rec: h.rec}, nil
}

// recFuture records the answer of an ask when the script takes it.
type recFuture struct {
	f    interp.Future
	rec  *recorder
	done bool
}

func (f *recFuture) Result() (serialize.Payload, error) {
	answer, err := f.f.Result()
	if !f.done { // later calls return the same at once: nothing to record
		f.done = true
		r := recResult{Call: "result", Err: recordError(err)}
		if err == nil {
			r.Answer = recordPayload(answer)
		}
		f.rec.add(r)
	}
	return answer, err
}

func (h *recHost) Recv(timeout time.Duration) (serialize.Payload, error) {
	msg, err := h.host.Recv(timeout)
	r := recResult{Call: "recv", Err: recordError(err)}
	if err == nil {
		r.Answer = recordPayload(msg)
		if from, ok := h.host.Sender(); ok {
			r.Address = &from
		}
		h.host.tookSender = false // Sender() here is the recording's, not the script's
	}
	h.rec.add(r)
	return msg, err
}

func (h *recHost) Spawn(path string, args serialize.Payload, opts interp.SpawnOptions) (Address, error) {
	addr, err := h.host.Spawn(path, args, opts)
	h.rec.add(recResult{Call: "spawn", Address: &addr, Err: recordError(err)})
	return addr, err
}

func (h *recHost) Pool(path string, args serialize.Payload, opts interp.PoolOptions) (Address, error) {
	addr, err := h.host.Pool(path, args, opts)
	h.rec.add(recResult{Call: "pool", Address: &addr, Err: recordError(err)})
	return addr, err
}

func (h *recHost) Stop(pid Address) error {
	err := h.host.Stop(pid)
	h.rec.add(recResult{Call: "stop", Err: recordError(err)})
	return err
}

func (h *recHost) Watch(pid Address) error {
	err := h.host.Watch(pid)
	h.rec.add(recResult{Call: "watch", Err: recordError(err)})
	return err
}

func (h *recHost) After(d time.Duration, msg serialize.Payload) (func() bool, error) {
	cancel, err := h.host.After(d, msg)
	h.rec.add(recResult{Call: "after", Err: recordError(err)})
	if err != nil {
		return nil, err
	}
	return func() bool {
		ok := cancel()
		h.rec.add(recResult{Call: "cancel", OK: ok})
		return ok
	}, nil
}

func (h *recHost) Map(pool Address, items []serialize.Payload, timeout time.Duration) ([]serialize.Payload, []error, error) {
	answers, errs, err := h.host.Map(pool, items, timeout)
	r := recResult{Call: "map", Err: recordError(err)}
	for i := range answers {
		r.Answers = append(r.Answers, recordPayload(answers[i]))
		r.Errors = append(r.Errors, recordError(errs[i]))
	}
	h.rec.add(r)
	return answers, errs, err
}

func (h *recHost) Nodes() []string {
	nodes := h.host.Nodes()
	h.rec.add(recResult{Call: "nodes", Nodes: nodes, OK: true})
	return nodes
}
