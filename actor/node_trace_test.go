//go:build !race

// A traced request chain across two nodes (not under the race detector:
// see node_test.go).

package actor_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/murmur-go/murmur/actor"
)

// TestNodeTraceChain: first and third on node A, second on node B; the
// span context crosses to B and back in the wire envelopes.
func TestNodeTraceChain(t *testing.T) {
	rec := tracetest.NewSpanRecorder() // both nodes record into one
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	a := newSystem(t, actor.Config{FS: chainScripts, Node: &actor.NodeConfig{}, TracerProvider: tp})
	b := newSystem(t, actor.Config{FS: chainScripts, Node: &actor.NodeConfig{}, TracerProvider: tp})
	first := spawn(t, a, "first.star", actor.SpawnOptions{})
	second := spawn(t, b, "second.star", actor.SpawnOptions{})
	third := spawn(t, a, "third.star", actor.SpawnOptions{})
	root := requestChain(t, a, tp, first, second, third)
	if err := a.Stop(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(context.Background(), third); err != nil {
		t.Fatal(err)
	}
	checkChain(t, root, rec.Ended())
}
