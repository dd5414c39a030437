// Tests of compiling, loading, instantiating and running scripts.

package interp_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// fakeHost records what a script asks of its actor.
type fakeHost struct {
	mu      sync.Mutex
	sent    []sent
	logs    []string
	printed []string
	sender  *serialize.Address
	spawned []string
	answer  func(msg serialize.Payload) (serialize.Payload, error)
	mapped  func(items []serialize.Payload) ([]serialize.Payload, []error, error)
}

type sent struct {
	to  serialize.Address
	msg any
}

var selfAddr = serialize.Address{Node: "nonhost", ID: "$self"}

func (h *fakeHost) Self() serialize.Address { return selfAddr }
func (h *fakeHost) Sender() (serialize.Address, bool) {
	if h.sender == nil {
		return serialize.Address{}, false
	}
	return *h.sender, true
}
func (h *fakeHost) Send(to serialize.Address, msg serialize.Payload) error {
	v, err := serialize.Limits{}.DecodeGoTransfer(msg.Body, msg.Buffers)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sent = append(h.sent, sent{to, v})
	return nil
}
func (h *fakeHost) Request(to serialize.Address, msg serialize.Payload, _ time.Duration) (serialize.Payload, error) {
	if h.answer != nil {
		return h.answer(msg)
	}
	return msg, nil
}

type fakeFuture struct {
	msg serialize.Payload
	err error
}

func (f fakeFuture) Result() (serialize.Payload, error) { return f.msg, f.err }

func (h *fakeHost) Ask(to serialize.Address, msg serialize.Payload, d time.Duration) (interp.Future, error) {
	m, err := h.Request(to, msg, d)
	return fakeFuture{m, err}, nil
}
func (h *fakeHost) Recv(time.Duration) (serialize.Payload, error) {
	return serialize.Payload{}, errors.New("no messages")
}
func (h *fakeHost) Spawn(path string, args serialize.Payload, opts interp.SpawnOptions) (serialize.Address, error) {
	v, err := serialize.Limits{}.DecodeGoTransfer(args.Body, args.Buffers)
	if err != nil {
		return serialize.Address{}, err
	}
	h.spawned = append(h.spawned, fmt.Sprintf("%s %v name=%q", path, v, opts.Name))
	return serialize.Address{Node: "nonhost", ID: "$child"}, nil
}
func (h *fakeHost) Stop(serialize.Address) error  { return nil }
func (h *fakeHost) Watch(serialize.Address) error { return nil }
func (h *fakeHost) Pool(string, serialize.Payload, interp.PoolOptions) (serialize.Address, error) {
	return serialize.Address{}, errors.New("no pools here")
}
func (h *fakeHost) Nodes() []string { return nil }

func (h *fakeHost) Map(_ serialize.Address, items []serialize.Payload, _ time.Duration) ([]serialize.Payload, []error, error) {
	if h.mapped != nil {
		return h.mapped(items)
	}
	return nil, nil, errors.New("no pools here")
}
func (h *fakeHost) After(time.Duration, serialize.Payload) (func() bool, error) {
	return func() bool { return true }, nil
}
func (h *fakeHost) Log(level slog.Level, msg string) {
	h.logs = append(h.logs, level.String()+" "+msg)
}
func (h *fakeHost) Print(msg string) { h.printed = append(h.printed, msg) }

func newEngine(t *testing.T, files map[string]string, opts interp.Options) *interp.Engine {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	opts.FS = fsys
	e, err := interp.NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func instantiate(t *testing.T, e *interp.Engine, name string, h interp.Host) *interp.Instance {
	t.Helper()
	mod, err := e.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := mod.Instantiate(h, interp.InstanceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func encode(t *testing.T, v any) serialize.Payload {
	t.Helper()
	b, err := serialize.Limits{}.EncodeGo(v)
	if err != nil {
		t.Fatal(err)
	}
	return serialize.Payload{Body: b}
}

func TestCompileErrors(t *testing.T) {
	files := map[string]string{
		"syntax.star":  "def f(:\n  pass\n",
		"resolve.star": "x = 1\ny = undefined_name + 1\n",
		"lib/bad.star": "z = (\n",
		"loadbad.star": "load(\"lib/bad.star\", \"z\")\n",
		"missing.star": "load(\"nope.star\", \"z\")\n",
		"escape.star":  "load(\"../secret.star\", \"s\")\n",
		"abs.star":     "load(\"/etc/passwd.star\", \"s\")\n",
		"cyc/a.star":   "load(\"cyc/b.star\", \"b\")\na = 1\n",
		"cyc/b.star":   "load(\"cyc/a.star\", \"a\")\nb = 1\n",
		"cycmain.star": "load(\"cyc/a.star\", \"a\")\n",
	}
	tests := []struct {
		file, want string
	}{
		{"syntax.star", "syntax.star:1:8: got ':', want ')'"},
		{"resolve.star", "resolve.star:2:5: undefined: undefined_name"},
		{"loadbad.star", "lib/bad.star:2:1: got end of file"},
		{"missing.star", `missing.star:1:6: load("nope.star"): nope.star: no such file`},
		{"escape.star", `escape.star:1:6: load("../secret.star"): "../secret.star": path escapes the application root`},
		{"abs.star", `abs.star:1:6: load("/etc/passwd.star"): "/etc/passwd.star": absolute paths are not allowed`},
		{"cycmain.star", "load cycle: cyc/a.star -> cyc/b.star -> cyc/a.star"},
		{"nothere.star", "nothere.star: no such file"},
		{"../up.star", `"../up.star": path escapes the application root`},
	}
	e := newEngine(t, files, interp.Options{})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := e.Load(tt.file)
			var ce *interp.CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Load(%q) = %v, want a *CompileError", tt.file, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%q) error:\n%v\nwant it to contain:\n%s", tt.file, err, tt.want)
			}
		})
	}
}

func TestDialect(t *testing.T) {
	src := "n = 0\nwhile n < 3:\n  n += 1\ns = set([1, 2])\ndef fact(k):\n  return 1 if k < 2 else k * fact(k - 1)\nf = fact(5)\n"
	e := newEngine(t, map[string]string{"a.star": src}, interp.Options{})
	in := instantiate(t, e, "a.star", &fakeHost{})
	if got := in.Globals()["f"].String(); got != "120" {
		t.Errorf("fact(5) = %s", got)
	}
	strict := newEngine(t, map[string]string{"a.star": src}, interp.Options{Strict: true})
	if _, err := strict.Load("a.star"); err == nil || !strings.Contains(err.Error(), "does not support while loops") {
		t.Errorf("strict dialect accepted while: %v", err)
	}
}

func TestLibrariesAreSharedAndFrozen(t *testing.T) {
	files := map[string]string{
		"lib/util.star": "calls = []\ndef double(x):\n  return 2 * x\nprint('loaded')\n",
		"a.star":        "load(\"lib/util.star\", \"double\", \"calls\")\ndef receive(msg):\n  calls.append(msg)\n",
		"b.star":        "load(\"lib/util.star\", \"double\")\nv = double(21)\n",
	}
	e := newEngine(t, files, interp.Options{})
	h := &fakeHost{}
	b := instantiate(t, e, "b.star", h)
	if got := b.Globals()["v"].String(); got != "42" {
		t.Errorf("double(21) = %s", got)
	}
	a := instantiate(t, e, "a.star", h)
	err := a.Receive(encode(t, 1))
	if err == nil || !strings.Contains(err.Error(), "frozen") {
		t.Fatalf("appending to a library's list: %v, want a frozen-value error", err)
	}
}

func TestInstancesHaveOwnState(t *testing.T) {
	src := "state = {\"n\": 0}\ndef init(start = 0):\n  state[\"n\"] = start\ndef receive(msg):\n  state[\"n\"] += msg\n"
	e := newEngine(t, map[string]string{"c.star": src}, interp.Options{})
	h := &fakeHost{}
	a, b := instantiate(t, e, "c.star", h), instantiate(t, e, "c.star", h)
	if err := a.Init(encode(t, []any{10})); err != nil {
		t.Fatal(err)
	}
	if err := b.Init(serialize.Payload{}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*interp.Instance{a, a, b} {
		if err := in.Receive(encode(t, 5)); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.Globals()["state"].String(); got != `{"n": 20}` {
		t.Errorf("a's state = %s", got)
	}
	if got := b.Globals()["state"].String(); got != `{"n": 5}` {
		t.Errorf("b's state = %s", got)
	}
}

func TestInitArguments(t *testing.T) {
	e := newEngine(t, map[string]string{
		"noinit.star": "def receive(msg):\n  pass\n",
		"two.star":    "def init(a, b):\n  pass\n",
	}, interp.Options{})
	h := &fakeHost{}
	if err := instantiate(t, e, "noinit.star", h).Init(encode(t, []any{1})); !errors.Is(err, interp.ErrNoFunction) {
		t.Errorf("args without init: %v", err)
	}
	err := instantiate(t, e, "two.star", h).Init(encode(t, []any{1}))
	if err == nil || !strings.Contains(err.Error(), "function init missing 1 argument (b)") {
		t.Errorf("init with too few args: %v", err)
	}
}

func TestScriptErrorTraceback(t *testing.T) {
	src := "def helper(x):\n  fail(\"bad input: %s\" % x)\n\ndef receive(msg):\n  helper(msg)\n"
	e := newEngine(t, map[string]string{"w.star": src}, interp.Options{})
	err := instantiate(t, e, "w.star", &fakeHost{}).Receive(encode(t, "boom"))
	var se *interp.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want *ScriptError", err)
	}
	if se.Func != "receive" || !strings.HasSuffix(se.Msg, "bad input: boom") {
		t.Errorf("Func=%q Msg=%q", se.Func, se.Msg)
	}
	if got := se.Position(); got != "w.star:2:7" {
		t.Errorf("Position() = %q", got)
	}
	for _, want := range []string{"Traceback (most recent call last):", "w.star:5:9: in receive", "w.star:2:7: in helper", "Error in fail: fail: bad input: boom"} {
		if !strings.Contains(se.Error(), want) {
			t.Errorf("traceback lacks %q:\n%s", want, se.Error())
		}
	}
}

func TestStepLimit(t *testing.T) {
	src := "def receive(msg):\n  if msg == \"spin\":\n    while True:\n      pass\n"
	e := newEngine(t, map[string]string{"spin.star": src}, interp.Options{MaxSteps: 10000})
	in := instantiate(t, e, "spin.star", &fakeHost{})
	err := in.Receive(encode(t, "spin"))
	if !errors.Is(err, interp.ErrStepLimit) || !strings.Contains(err.Error(), "exceeded the step limit of 10000 steps") {
		t.Fatalf("runaway loop: %v", err)
	}
	// The budget is per message: the instance keeps working afterwards.
	if err := in.Receive(encode(t, "ok")); err != nil {
		t.Errorf("message after a step-limit failure: %v", err)
	}
}

func TestCancel(t *testing.T) {
	src := "def receive(msg):\n  while True:\n    pass\n"
	e := newEngine(t, map[string]string{"spin.star": src}, interp.Options{})
	in := instantiate(t, e, "spin.star", &fakeHost{})
	done := make(chan error)
	go func() { done <- in.Receive(encode(t, 1)) }()
	in.Cancel("actor stopped")
	err := <-done
	if !errors.Is(err, interp.ErrCancelled) || !strings.Contains(err.Error(), "actor stopped") {
		t.Errorf("cancelled loop: %v", err)
	}
}

func TestBuiltins(t *testing.T) {
	src := `
def receive(msg):
    op = msg["op"]
    if op == "send":
        send(msg["to"], {"hello": [1, 2.5, None, True], "from": self()})
    elif op == "reply":
        reply(msg["n"] + 1)
    elif op == "request":
        r = request(msg["to"], {"q": 7}, timeout = 0.5)
        print("answer", r["q"])
    elif op == "ask":
        fs = [ask(msg["to"], i) for i in range(3)]
        print(gather(fs))
        print(fs[0].result())
    elif op == "spawn":
        spawn("worker.star", 1, "two", name = "w1")
    elif op == "log":
        log("n is", 3, level = "warn")
    elif op == "badsend":
        send(self(), {"cb": receive})
    elif op == "badto":
        send("nobody", 1)
    elif op == "noreply":
        reply(1)
`
	e := newEngine(t, map[string]string{"b.star": src}, interp.Options{})
	other := serialize.Address{Node: "nonhost", ID: "$other"}
	tests := []struct {
		msg     map[string]any
		sender  *serialize.Address
		wantErr string
		check   func(t *testing.T, h *fakeHost)
	}{
		{msg: map[string]any{"op": "send", "to": other}, check: func(t *testing.T, h *fakeHost) {
			want := fmt.Sprint([]sent{{other, map[string]any{"hello": []any{int64(1), 2.5, nil, true}, "from": selfAddr}}})
			if got := fmt.Sprint(h.sent); got != want {
				t.Errorf("sent %s, want %s", got, want)
			}
		}},
		{msg: map[string]any{"op": "reply", "n": 41}, sender: &other, check: func(t *testing.T, h *fakeHost) {
			if len(h.sent) != 1 || h.sent[0].to != other || h.sent[0].msg != int64(42) {
				t.Errorf("reply sent %v", h.sent)
			}
		}},
		{msg: map[string]any{"op": "request", "to": other}, check: func(t *testing.T, h *fakeHost) {
			if fmt.Sprint(h.printed) != "[answer 7]" {
				t.Errorf("printed %v", h.printed)
			}
		}},
		{msg: map[string]any{"op": "ask", "to": other}, check: func(t *testing.T, h *fakeHost) {
			if fmt.Sprint(h.printed) != "[[0, 1, 2] 0]" {
				t.Errorf("printed %v", h.printed)
			}
		}},
		{msg: map[string]any{"op": "spawn"}, check: func(t *testing.T, h *fakeHost) {
			if fmt.Sprint(h.spawned) != `[worker.star [1 two] name="w1"]` {
				t.Errorf("spawned %v", h.spawned)
			}
		}},
		{msg: map[string]any{"op": "log"}, check: func(t *testing.T, h *fakeHost) {
			if fmt.Sprint(h.logs) != "[WARN n is 3]" {
				t.Errorf("logged %v", h.logs)
			}
		}},
		{msg: map[string]any{"op": "badsend"}, wantErr: `send: msg["cb"]: cannot send a function`},
		{msg: map[string]any{"op": "badto"}, wantErr: "send: to must be an address, not string"},
		{msg: map[string]any{"op": "noreply"}, wantErr: "reply: the current message has no sender to answer"},
	}
	for _, tt := range tests {
		t.Run(tt.msg["op"].(string), func(t *testing.T) {
			h := &fakeHost{sender: tt.sender}
			in := instantiate(t, e, "b.star", h)
			err := in.Receive(encode(t, tt.msg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, h)
		})
	}
}

func TestHostErrorsUnwrap(t *testing.T) {
	errGone := errors.New("target gone")
	src := "def receive(msg):\n  request(self(), 1)\n"
	e := newEngine(t, map[string]string{"r.star": src}, interp.Options{})
	h := &fakeHost{answer: func(serialize.Payload) (serialize.Payload, error) { return serialize.Payload{}, errGone }}
	err := instantiate(t, e, "r.star", h).Receive(encode(t, 1))
	if !errors.Is(err, errGone) {
		t.Errorf("errors.Is(%v, errGone) = false", err)
	}
}

func TestBuiltinsNeedAnActor(t *testing.T) {
	e := newEngine(t, map[string]string{
		"lib.star":  "me = self()\n",
		"main.star": "load(\"lib.star\", \"me\")\n",
	}, interp.Options{})
	_, err := e.Load("main.star")
	if err == nil || !strings.Contains(err.Error(), "self: only an actor can call this") {
		t.Errorf("self() in a library's top level: %v", err)
	}
}

func TestHostBuiltins(t *testing.T) {
	var calls sync.Map
	hash := starlark.NewBuiltin("hash32", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var s string
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &s); err != nil {
			return nil, err
		}
		calls.Store(s, true)
		return starlark.MakeInt(len(s)), nil
	})
	e := newEngine(t, map[string]string{"h.star": "n = hash32(\"abc\")\n"},
		interp.Options{Builtins: starlark.StringDict{"hash32": hash}})
	in := instantiate(t, e, "h.star", &fakeHost{})
	if got := in.Globals()["n"].String(); got != "3" {
		t.Errorf("hash32 = %s", got)
	}
}

// TestReceiveKeepsMessages: every message a script keeps stays its own,
// whatever receive's signature; the instance reuses no argument a script
// can see.
func TestReceiveKeepsMessages(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"param", "kept = []\ndef receive(msg):\n  kept.append(msg)\n", `[{"n": 0}, {"n": 1}, {"n": 2}]`},
		{"varargs", "kept = []\ndef receive(*args):\n  kept.append(args)\n", `[({"n": 0},), ({"n": 1},), ({"n": 2},)]`},
		{"lambda", "kept = []\nreceive = lambda msg: kept.append(msg)\n", `[{"n": 0}, {"n": 1}, {"n": 2}]`},
		{"builtin", "kept = []\nreceive = kept.append\n", `[{"n": 0}, {"n": 1}, {"n": 2}]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(t, map[string]string{"k.star": c.src}, interp.Options{})
			in := instantiate(t, e, "k.star", &fakeHost{})
			for i := range 3 {
				if err := in.Receive(encode(t, map[string]any{"n": i})); err != nil {
					t.Fatal(err)
				}
			}
			if got := in.Globals()["kept"].String(); got != c.want {
				t.Errorf("kept = %s, want %s", got, c.want)
			}
		})
	}
}

// TestSendArguments: send and reply take their arguments by position or
// by keyword, and say what is wrong with a bad call.
func TestSendArguments(t *testing.T) {
	to := serialize.Address{Node: "nonhost", ID: "$to"}
	for _, c := range []struct{ call, wantErr string }{
		{"send(to, 1)", ""},
		{"send(to = to, msg = 1)", ""},
		{"send(to, msg = 1)", ""},
		{"send(to, 1, transfer = [])", ""},
		{"reply(1)", ""},
		{"reply(value = 1)", ""},
		{"reply(1, transfer = [])", ""},
		{"send(to)", "send: missing argument for msg"},
		{"send(to, 1, [], 2)", "send: got 4 arguments, want at most 3"},
		{"send(1, 1)", "send: to must be an address, not int"},
		{"reply()", "reply: missing argument for value"},
		{"reply(1, [], 3)", "reply: got 3 arguments, want at most 2"},
	} {
		t.Run(c.call, func(t *testing.T) {
			src := "def receive(to):\n  " + c.call + "\n"
			e := newEngine(t, map[string]string{"s.star": src}, interp.Options{})
			h := &fakeHost{sender: &to}
			err := instantiate(t, e, "s.star", h).Receive(encode(t, to))
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatal(err)
			case c.wantErr == "" && (len(h.sent) != 1 || h.sent[0].to != to || h.sent[0].msg != int64(1)):
				t.Errorf("sent %+v, want 1 to %s", h.sent, to)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("error %v, want %q", err, c.wantErr)
			}
		})
	}
}

// TestBuiltinsOnAHostThread: a Go host that calls a script's function on a
// thread of its own gets an error from the actor builtins, never another
// actor's host; print and the step limit stay the instance's own.
func TestBuiltinsOnAHostThread(t *testing.T) {
	src := "def receive(msg):\n  me = self()\n  print(\"got\", msg)\n  return me\n"
	e := newEngine(t, map[string]string{"h.star": src}, interp.Options{})
	h := &fakeHost{}
	in := instantiate(t, e, "h.star", h)
	if err := in.Receive(encode(t, 1)); err != nil {
		t.Fatal(err)
	}
	for _, thread := range []*starlark.Thread{
		{Name: "host"},
		{Name: "host with print", Print: func(*starlark.Thread, string) {}},
	} {
		_, err := starlark.Call(thread, in.Globals()["receive"], starlark.Tuple{starlark.MakeInt(2)}, nil)
		if err == nil || !strings.Contains(err.Error(), "self: only an actor can call this") {
			t.Errorf("%s: %v", thread.Name, err)
		}
	}
	if fmt.Sprint(h.printed) != "[got 1]" {
		t.Errorf("printed %q, want only the instance's own print", h.printed)
	}
}
