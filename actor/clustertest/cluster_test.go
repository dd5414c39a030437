// In-process tests of one cluster member: grains from Go and from
// scripts, passivation, and errors.

package clustertest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

func member(t *testing.T, cc actor.ClusterConfig) *actor.System {
	t.Helper()
	skipRace(t)
	if cc.Kinds == nil {
		cc.Kinds = map[string]actor.Kind{"user": {Script: "user.star"}, "log": {Script: "log.star"}}
	}
	sys, err := actor.NewSystem(actor.Config{Root: "testdata", Cluster: &cc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return sys
}

type answer struct {
	ID string `msgpack:"id"`
	N  int    `msgpack:"n"`
	At string `msgpack:"at"`
}

func TestGrainOneMember(t *testing.T) {
	sys := member(t, actor.ClusterConfig{Name: "one"})
	ctx := context.Background()
	alice := sys.Grain("user", "alice")
	var a answer
	for i := 1; i <= 3; i++ {
		if err := alice.Request(ctx, map[string]any{"op": "add", "by": 2}, &a); err != nil {
			t.Fatal(err)
		}
	}
	if a.ID != "alice" || a.N != 6 || a.At != sys.Node() {
		t.Fatalf("alice answered %+v, want id alice, n 6, at %s", a, sys.Node())
	}
	// A script reaches a grain by a reference sent in a message.
	var b answer
	if err := sys.Grain("user", "bob").Request(ctx, map[string]any{"op": "ask", "to": actor.GrainAddress("user", "alice")}, &b); err != nil {
		t.Fatal(err)
	}
	if b.ID != "alice" || b.N != 6 {
		t.Fatalf("bob relayed %+v", b)
	}
}

func TestGrainEtcdOneMember(t *testing.T) {
	sys := member(t, actor.ClusterConfig{Name: "etcd1", Etcd: Etcd(t)})
	var a answer
	if err := sys.Grain("user", "carol").Request(context.Background(), map[string]any{"op": "add", "by": 1}, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "carol" || a.N != 1 {
		t.Fatalf("carol answered %+v", a)
	}
}

func TestGrainPassivation(t *testing.T) {
	sys := member(t, actor.ClusterConfig{Name: "idle", Kinds: map[string]actor.Kind{
		"user": {Script: "user.star", Idle: 50 * time.Millisecond}, "log": {Script: "log.star", Idle: time.Hour}}})
	ctx := context.Background()
	var a answer
	if err := sys.Grain("user", "dave").Request(ctx, map[string]any{"op": "add", "by": 5}, &a); err != nil {
		t.Fatal(err)
	}
	// passivating() tells the log grain; then dave starts afresh.
	for {
		var n int
		if err := sys.Grain("log", "passivations").Request(ctx, map[string]any{"op": "get"}, &n); err != nil {
			t.Fatal(err)
		}
		if n >= 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := sys.Grain("user", "dave").Request(ctx, map[string]any{"op": "get"}, &a); err != nil {
		t.Fatal(err)
	}
	if a.N != 0 {
		t.Fatalf("dave after passivation: %+v, want a fresh activation", a)
	}
}

func TestGrainErrors(t *testing.T) {
	plain, err := actor.NewSystem(actor.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Grain("user", "x").Request(context.Background(), 1, nil); !errors.Is(err, actor.ErrNotMember) {
		t.Errorf("grain from a system without a cluster: %v", err)
	}
	sys := member(t, actor.ClusterConfig{Name: "errs"})
	if err := sys.Grain("nokind", "x").Request(context.Background(), 1, nil); !errors.Is(err, actor.ErrNoMember) {
		t.Errorf("grain of a kind nobody hosts: %v", err)
	}
	for _, cc := range []actor.ClusterConfig{{}, {Name: "x", Kinds: map[string]actor.Kind{"a/b": {Script: "user.star"}}},
		{Name: "x", Kinds: map[string]actor.Kind{"a": {}}}, {Name: "x", Kinds: map[string]actor.Kind{"a": {Script: "missing.star"}}}} {
		if _, err := actor.NewSystem(actor.Config{Root: "testdata", Cluster: &cc}); err == nil {
			t.Errorf("config %+v: no error", cc)
		}
	}
}

// skipRace skips a test under the race detector: protoactor's cluster
// races with itself and with the etcd client (grpclog's global logger,
// which its remote sets at start; the etcd provider's shutdown flag).
// .ci/run runs these tests again without -race.
func skipRace(t *testing.T) {
	if raceEnabled {
		t.Skip("protoactor's cluster races with itself (grpclog, etcd provider); run without -race")
	}
}

// A grain that fails on a request because it requested a missing actor
// answers ErrActorFailed, and Grain.Request does not send the request
// again (the failure's chain holds ErrUnknownActor too, which alone means
// an activation that had ended).
func TestGrainFailureNotResent(t *testing.T) {
	sys := member(t, actor.ClusterConfig{Name: "fragile", Kinds: map[string]actor.Kind{
		"fragile": {Script: "fragile.star"}, "log": {Script: "log.star"}}})
	ctx := context.Background()
	err := sys.Grain("fragile", "f").Request(ctx, map[string]any{"to": actor.Address{Node: sys.Node(), ID: "nobody"}}, nil)
	if !errors.Is(err, actor.ErrActorFailed) {
		t.Fatalf("request to a failing grain: %v", err)
	}
	var n int
	if err := sys.Grain("log", "booms").Request(ctx, map[string]any{"op": "get"}, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the failing grain got the request %d times, want 1", n)
	}
}

// watch(grain(...)) watches the grain's current activation: its
// passivation is a termination notice.
func TestGrainWatch(t *testing.T) {
	sys := member(t, actor.ClusterConfig{Name: "watch", Kinds: map[string]actor.Kind{
		"user": {Script: "user.star", Idle: 50 * time.Millisecond}, "log": {Script: "log.star", Idle: time.Hour},
		"watcher": {Script: "watcher.star", Idle: time.Hour}}})
	ctx := context.Background()
	if err := sys.Grain("watcher", "w").Request(ctx, map[string]any{"op": "watch", "kind": "user", "id": "erin"}, nil); err != nil {
		t.Fatal(err)
	}
	for { // erin, activated by the watch, is passivated, and the watcher told
		var n int
		if err := sys.Grain("log", "watched").Request(ctx, map[string]any{"op": "get"}, &n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}
