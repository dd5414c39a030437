//go:build !race

// Tests of Go actors across nodes in one process (not under the race
// detector, for the reason node_test.go gives): a Go actor on one node
// serves scripts on another, and nodes start each other's registered
// behaviours by name.

package actor_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// goNodeScripts are nodeScripts, plus a script that maps over a pool and
// one that watches and stops what it is told to.
var goNodeScripts = func() fstest.MapFS {
	fs := maps.Clone(nodeScripts)
	src, err := os.ReadFile("testdata/gopmap.star")
	if err != nil {
		panic(err)
	}
	fs["gopmap.star"] = &fstest.MapFile{Data: src}
	fs["watcher.star"] = &fstest.MapFile{Data: []byte(noticeScript + `
def receive(msg):
    if noticed(msg):
        return
    if msg["op"] == "watch":
        watch(msg["to"])
        reply(None)
    elif msg["op"] == "stop":
        stop(msg["to"])
        reply(None)
`)}
	return fs
}()

// newGoNode starts a node whose Go behaviours peers may start by name.
func newGoNode(t *testing.T) *actor.System {
	t.Helper()
	return newSystem(t, actor.Config{FS: goNodeScripts, Node: &actor.NodeConfig{}, RequestTimeout: 10 * time.Second,
		Behaviors: map[string]actor.Behavior{"poolworker": goTwin("poolworker.star"), "boomer": boomer}})
}

func TestNodeGoActorServesScripts(t *testing.T) {
	ctx := context.Background()
	a, b := newGoNode(t), newGoNode(t)
	gA, err := a.SpawnGo(ctx, boomer, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A script on B requests the Go actor on A, which answers across.
	fwdB := spawn(t, b, "forward.star", actor.SpawnOptions{})
	var echo string
	if err := b.Request(ctx, fwdB, map[string]any{"to": gA, "body": "echo"}, &echo); err != nil || echo != "echo" {
		t.Fatalf("script on B to Go on A: %q, %v", echo, err)
	}
	// The Go actor on A requests a script on B.
	echoB := spawn(t, b, "echo.star", actor.SpawnOptions{})
	fwd := actor.Behavior{Name: "forward", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		var answer map[string]any
		if err := a.Request(ctx, echoB, msg, &answer); err != nil {
			return err
		}
		return a.Reply(answer["by"])
	}}
	fwdA, err := a.SpawnGo(ctx, fwd, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var by string
	if err := a.Request(ctx, fwdA, "hi", &by); err != nil || by != "echo@"+b.Node() {
		t.Fatalf("Go on A to a script on B: %q, %v", by, err)
	}
	// Failures and unanswered requests keep their identity across.
	if err := b.Request(ctx, gA, "panic", nil); !errors.Is(err, actor.ErrActorFailed) || !strings.Contains(err.Error(), "boomer: Receive: panic") {
		t.Errorf("a Go actor's panic from another node: %v", err)
	}
	if err := b.Request(ctx, gA, "nothing", nil); !errors.Is(err, actor.ErrNoReply) || !strings.Contains(err.Error(), "boomer") {
		t.Errorf("unanswered request from another node: %v", err)
	}
	// A script on B watches and stops the Go actor on A.
	watcher := spawn(t, b, "watcher.star", actor.SpawnOptions{})
	for _, op := range []string{"watch", "stop"} {
		if err := b.Request(ctx, watcher, map[string]any{"op": op, "to": gA}, nil); err != nil {
			t.Fatal(err)
		}
	}
	deadline, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var notice map[string]any
	if err := b.Request(deadline, watcher, map[string]any{"op": "notice"}, &notice); err != nil {
		t.Fatal(err)
	}
	if notice["who"] != gA || notice["reason"] != "stopped" {
		t.Errorf("notice %v", notice)
	}
}

func TestNodeSpawnsGoBehaviorsByName(t *testing.T) {
	ctx := context.Background()
	a, b := newGoNode(t), newGoNode(t)
	// b starts a's "boomer" by name; a does not allow remote spawn of
	// scripts, and needs not: no code is sent.
	pid, err := b.SpawnGo(ctx, actor.Behavior{Name: "boomer"}, actor.SpawnOptions{Node: a.Node(), Name: "far"})
	if err != nil {
		t.Fatal(err)
	}
	if pid.Node != a.Node() {
		t.Fatalf("spawned at %v, want on %s", pid, a.Node())
	}
	var echo string
	if err := b.Request(ctx, pid, "echo", &echo); err != nil || echo != "echo" {
		t.Fatalf("request to the Go actor spawned on A: %q, %v", echo, err)
	}
	_, err = b.SpawnGo(ctx, actor.Behavior{Name: "cube"}, actor.SpawnOptions{Node: a.Node()})
	if !errors.Is(err, actor.ErrUnknownBehavior) || !strings.Contains(err.Error(), `no Go behaviour named "cube"`) {
		t.Errorf("spawn of an unregistered behaviour on another node: %v", err)
	}
	// A pool of Go workers over both nodes, mapped from a script.
	var mu sync.Mutex
	replaced := map[string]int{} // by the node of the worker replaced
	defer b.Subscribe(func(e actor.Event) {
		if e, ok := e.(*actor.PoolWorkerReplacedEvent); ok && e.Replacement != (actor.Address{}) {
			mu.Lock()
			defer mu.Unlock()
			replaced[e.Worker.Node]++
		}
	})()
	p, err := b.NewGoPool(ctx, goTwin("poolworker.star"), actor.PoolOptions{Size: 4, Nodes: []string{a.Node(), b.Node()}})
	if err != nil {
		t.Fatal(err)
	}
	on := map[string]int{}
	for _, w := range p.Workers() {
		on[w.Node]++
	}
	if on[a.Node()] != 2 || on[b.Node()] != 2 {
		t.Fatalf("workers on %v", on)
	}
	results, err := p.Map(ctx, []any{map[string]any{"x": 2}, map[string]any{"x": 3}, map[string]any{"x": 4}, map[string]any{"x": 5}})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]bool{}
	for i, r := range results {
		m := r.(map[string]any)
		if m["y"] != int64((i+2)*(i+2)) {
			t.Errorf("item %d: %v", i, m)
		}
		by[m["worker"].(actor.Address).Node] = true
	}
	if len(by) != 2 {
		t.Errorf("answered on %v, want both nodes", by)
	}
	// A script on B maps over a pool of B whose workers are all on A: 72
	// of its 500 items fail, so the workers run out of restarts there,
	// and the pool replaces them there.
	far, err := b.NewGoPool(ctx, actor.Behavior{Name: "poolworker"}, actor.PoolOptions{Size: 2, Nodes: []string{a.Node()}})
	if err != nil {
		t.Fatal(err)
	}
	mapper := spawn(t, b, "gopmap.star", actor.SpawnOptions{})
	var got struct {
		Bad      bool `msgpack:"bad"`
		OK       bool `msgpack:"ok"`
		Messages bool `msgpack:"messages"`
	}
	if err := b.Request(ctx, mapper, map[string]any{"pool": far.Address(), "n": 500}, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Bad || !got.OK || !got.Messages {
		t.Errorf("pmap over Go workers on another node: %+v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if replaced[a.Node()] == 0 {
		t.Errorf("workers replaced, by node: %v; want some on %s", replaced, a.Node())
	}
	for _, w := range far.Workers() {
		if w.Node != a.Node() {
			t.Errorf("worker %v, want all on %s", w, a.Node())
		}
	}
}
