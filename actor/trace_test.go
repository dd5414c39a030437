// Tests of tracing (Config.TracerProvider): a chain of requests between
// scripts makes a chain of spans, in one system and across two nodes.

package actor_test

import (
	"context"
	"testing"
	"testing/fstest"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/murmur-go/murmur/actor"
)

// chainScripts pass a request on: first asks second, which asks third.
var chainScripts = fstest.MapFS{
	"first.star": {Data: []byte(`
def receive(msg):
    reply(request(msg["next"], msg["then"]) + 1)
`)},
	"second.star": {Data: []byte(`
def receive(to):
    reply(request(to, 1) + 1)
`)},
	"third.star": {Data: []byte(`
def receive(n):
    reply(n)
`)},
}

// checkChain checks that the recorded spans are one trace: Go's root span,
// then receive first.star, second.star and third.star, each the child of
// the one before.
func checkChain(t *testing.T, root trace.SpanContext, spans []sdktrace.ReadOnlySpan) {
	t.Helper()
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = s
	}
	parent := root
	for _, script := range []string{"first.star", "second.star", "third.star"} {
		s, ok := byName["receive "+script]
		if !ok {
			t.Fatalf("no span for %s among %d spans", script, len(spans))
		}
		if s.SpanContext().TraceID() != root.TraceID() || s.Parent().SpanID() != parent.SpanID() {
			t.Errorf("span of %s: trace %s parent %s, want trace %s parent %s", script,
				s.SpanContext().TraceID(), s.Parent().SpanID(), root.TraceID(), parent.SpanID())
		}
		found := false
		for _, a := range s.Attributes() {
			if a.Key == "murmur.script" && a.Value.AsString() == script {
				found = true
			}
		}
		if !found {
			t.Errorf("span of %s lacks murmur.script=%s: %v", script, script, s.Attributes())
		}
		parent = s.SpanContext()
	}
}

// requestChain asks first (on a) for the chain through second and third,
// under a root span of its own, and returns the root's span context.
func requestChain(t *testing.T, a *actor.System, tp trace.TracerProvider, first, second, third actor.Address) trace.SpanContext {
	t.Helper()
	ctx, root := tp.Tracer("test").Start(context.Background(), "go")
	var n int
	if err := a.Request(ctx, first, map[string]any{"next": second, "then": third}, &n); err != nil {
		t.Fatal(err)
	}
	root.End()
	if n != 3 {
		t.Errorf("chain answered %d, want 3", n)
	}
	return root.SpanContext()
}

func TestTraceChain(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	sys := newSystem(t, actor.Config{FS: chainScripts, TracerProvider: tp})
	first := spawn(t, sys, "first.star", actor.SpawnOptions{})
	second := spawn(t, sys, "second.star", actor.SpawnOptions{})
	third := spawn(t, sys, "third.star", actor.SpawnOptions{})
	root := requestChain(t, sys, tp, first, second, third)
	// Stopping waits for the actors, whose spans end after their answers.
	for _, a := range []actor.Address{first, second, third} {
		if err := sys.Stop(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	checkChain(t, root, rec.Ended())
}

// TestTraceUntraced: without a TracerProvider nothing is traced, even for a
// caller whose ctx holds a span.
func TestTraceOff(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	sys := newSystem(t, actor.Config{FS: chainScripts})
	first := spawn(t, sys, "first.star", actor.SpawnOptions{})
	second := spawn(t, sys, "second.star", actor.SpawnOptions{})
	third := spawn(t, sys, "third.star", actor.SpawnOptions{})
	requestChain(t, sys, tp, first, second, third)
	if got := len(rec.Ended()); got != 1 { // the test's own root span
		t.Errorf("%d spans, want only the test's own", got)
	}
}
