// Tests of crash recording and Replay, in process.

package actor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
)

// TestRecordAndReplay records an actor that asks, pools, maps, cancels a
// timer and reads nodes() before it fails, and replays its recording: the
// same failure. A child started with spawn(record=N) records too, and an
// actor that keeps fewer messages than it handled says so.
func TestRecordAndReplay(t *testing.T) {
	dir, recDir := t.TempDir(), t.TempDir()
	writeFiles(t, dir, map[string]string{
		"double.star": `def receive(msg):
    reply(msg * 2)
`,
		"subject.star": `state = {"n": 0}
def init(w):
    state["w"] = w
def receive(msg):
    if msg == "go":
        f = ask(state["w"], 21)
        t = after(60, "late")
        state["cancelled"] = t.cancel()
        p = pool("double.star", size = 2)
        state["mapped"] = pmap(p, [1, 2, 3])
        state["n"] += f.result() + len(nodes()) + random.randint(0, 1000)
    elif msg == "child":
        reply(spawn("double.star", record = 5))
    else:
        fail("n=%d cancelled=%s mapped=%s" % (state["n"], state["cancelled"], state["mapped"]))
`,
	})
	sys := newSystem(t, actor.Config{Root: dir, RecordDir: recDir})
	recordings := map[string]chan string{"subject.star": make(chan string, 1), "double.star": make(chan string, 1)}
	defer sys.Subscribe(func(e actor.Event) {
		if f, ok := e.(*actor.FailureEvent); ok {
			select { // the first failure of each
			case recordings[f.Script] <- f.Recording:
			default:
			}
		}
	})()
	ctx := context.Background()
	w := spawn(t, sys, "double.star", actor.SpawnOptions{})
	s := spawn(t, sys, "subject.star", actor.SpawnOptions{Args: []any{w}, Record: 10})
	var child actor.Address
	if err := sys.Request(ctx, s, "child", &child); err != nil {
		t.Fatal(err)
	}
	if err := sys.Request(ctx, child, nil, nil); !errors.Is(err, actor.ErrActorFailed) {
		t.Fatalf("child: %v", err)
	}
	for _, m := range []any{"go", "boom"} { // boom restarts s, which stops its child
		if err := sys.Send(ctx, s, m); err != nil {
			t.Fatal(err)
		}
	}
	file, childFile := <-recordings["subject.star"], <-recordings["double.star"]
	if file == "" || childFile == "" || !strings.HasPrefix(file, recDir) {
		t.Fatalf("recordings: %q, %q", file, childFile)
	}
	rec, err := actor.ReadRecording(file)
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, r := range rec.Messages[1].Results {
		calls = append(calls, r.Call)
	}
	want := "ask after cancel pool map result nodes"
	if got := strings.Join(calls, " "); len(rec.Messages) != 3 || got != want {
		t.Errorf("recorded %d messages; the second's calls: %s, want %s", len(rec.Messages), got, want)
	}
	err = actor.Replay(ctx, rec, actor.ReplayOptions{})
	if !rec.Reproduces(err) || !strings.Contains(err.Error(), "cancelled=True mapped=[2, 4, 6]") {
		t.Fatalf("replay: %v\nrecorded: %s at %s", err, rec.Error, rec.Position)
	}
	crec, err := actor.ReadRecording(childFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := actor.Replay(ctx, crec, actor.ReplayOptions{}); !crec.Reproduces(err) {
		t.Errorf("child's replay: %v", err)
	}

	// Another script in the recording's place: the calls differ.
	rec.Sources["subject.star"] = strings.Replace(rec.Sources["subject.star"], "t.cancel()", "True", 1)
	if err := actor.Replay(ctx, rec, actor.ReplayOptions{}); !errors.Is(err, actor.ErrReplayDiverged) ||
		!strings.Contains(err.Error(), "message 2 of 3, call 3 is pool; the recording has cancel") {
		t.Errorf("replay of another script: %v", err)
	}
}

// TestRecordKeepsLastMessages: an actor keeps its last N messages only,
// and its recording counts those it dropped; past Config.RecordFiles, no
// more recordings are written.
func TestRecordKeepsLastMessages(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"count.star": `n = [0]
def receive(msg):
    n[0] += 1
    if n[0] == 5:
        fail("fifth")
`})
	sys := newSystem(t, actor.Config{Root: dir, RecordDir: t.TempDir(), Record: 2, RecordFiles: 1})
	files := make(chan string, 2)
	defer sys.Subscribe(func(e actor.Event) {
		if f, ok := e.(*actor.FailureEvent); ok {
			files <- f.Recording
		}
	})()
	pid := spawn(t, sys, "count.star", actor.SpawnOptions{})
	for range 10 { // two failures: the restarted instance counts from 0
		if err := sys.Send(context.Background(), pid, 1); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := actor.ReadRecording(<-files)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Dropped != 3 || len(rec.Messages) != 2 {
		t.Errorf("kept %d messages, dropped %d; want 2 and 3", len(rec.Messages), rec.Dropped)
	}
	if err := actor.Replay(context.Background(), rec, actor.ReplayOptions{}); err != nil || rec.Reproduces(err) {
		t.Errorf("replay without the dropped messages: %v; want no failure", err)
	}
	if f := <-files; f != "" {
		t.Errorf("a second recording was written past RecordFiles: %s", f)
	}
}

// TestReplayStopsWithCtx: a failure message_timeout caused runs on in a
// replay, which has no such limit, until ctx stops it.
func TestReplayStopsWithCtx(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spin.star": `def receive(msg):
    while True:
        pass
`})
	sys := newSystem(t, actor.Config{Root: dir, RecordDir: t.TempDir()})
	files := make(chan string, 1)
	defer sys.Subscribe(func(e actor.Event) {
		if f, ok := e.(*actor.FailureEvent); ok {
			files <- f.Recording
		}
	})()
	pid := spawn(t, sys, "spin.star", actor.SpawnOptions{Record: 1, MessageTimeout: 20 * time.Millisecond,
		Supervision: actor.Supervision{Strategy: actor.Temporary}})
	if err := sys.Send(context.Background(), pid, "go"); err != nil {
		t.Fatal(err)
	}
	rec, err := actor.ReadRecording(<-files)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := actor.Replay(ctx, rec, actor.ReplayOptions{}); rec.Reproduces(err) || !errors.Is(err, interp.ErrCancelled) {
		t.Errorf("replay of a spin: %v; want it cancelled", err)
	}
}
