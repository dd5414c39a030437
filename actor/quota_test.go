//go:build !race

// Tests of the quotas a node puts on what its peers make it keep: the
// actors they start and the code they send. Not under the race detector,
// for the reason node_test.go gives.

package actor_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/murmur-go/murmur/actor"
)

// guestNode starts a node that runs code from peers, with quotas nc.
func guestNode(t *testing.T, nc actor.NodeConfig) *actor.System {
	t.Helper()
	nc.AllowRemoteSpawn = true
	return newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &nc})
}

// spawnOn spawns the script src, compiled on from under name, on node.
func spawnOn(t *testing.T, from *actor.System, node, name, src string) (actor.Address, error) {
	t.Helper()
	mod, err := from.Compile(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return from.Spawn(context.Background(), mod, actor.SpawnOptions{Node: node})
}

// wantQuotaError fails the test unless err is ErrQuotaExceeded with every
// one of parts in its text.
func wantQuotaError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if !errors.Is(err, actor.ErrQuotaExceeded) {
		t.Fatalf("got %v, want ErrQuotaExceeded", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error does not say %q: %v", p, err)
		}
	}
	t.Log(err)
}

func TestNodeQuotaPeerActors(t *testing.T) {
	ctx := context.Background()
	b := guestNode(t, actor.NodeConfig{MaxPeerActors: 3, MaxGuestActors: 4})
	a := newNode(t, actor.NodeConfig{})
	a2 := newNode(t, actor.NodeConfig{})
	var kids []actor.Address
	for range 3 {
		kids = append(kids, spawn(t, a, "echo.star", actor.SpawnOptions{Node: b.Node()}))
	}
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Spawn(ctx, mod, actor.SpawnOptions{Node: b.Node()})
	wantQuotaError(t, err, "peer "+a.Node()+" has 3 actors on node "+b.Node(),
		"NodeConfig.MaxPeerActors", "-max-peer-actors")
	// The actors it has still answer; one stopped makes room for another.
	if err := a.Request(ctx, kids[0], "still here?", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(ctx, kids[0]); err != nil {
		t.Fatal(err)
	}
	spawn(t, a, "echo.star", actor.SpawnOptions{Node: b.Node()})

	// All peers together.
	spawn(t, a2, "echo.star", actor.SpawnOptions{Node: b.Node()})
	mod2, err := a2.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	_, err = a2.Spawn(ctx, mod2, actor.SpawnOptions{Node: b.Node()})
	wantQuotaError(t, err, "peers have 4 actors on node "+b.Node(), "NodeConfig.MaxGuestActors", "-max-guest-actors")
}

// TestNodeQuotaCountsChildren checks that the actors a peer's actors start
// count against that peer's quota.
func TestNodeQuotaCountsChildren(t *testing.T) {
	ctx := context.Background()
	b := guestNode(t, actor.NodeConfig{MaxPeerActors: 3})
	a := newNode(t, actor.NodeConfig{})
	head := spawn(t, a, "chain.star", actor.SpawnOptions{Node: b.Node()})
	var where string
	if err := a.Request(ctx, head, 2, &where); err != nil || where != b.Node() {
		t.Fatalf("chain of 3 answered %q, %v", where, err)
	}
	// The head and its two children live on: the quota is full.
	err := a.Request(ctx, head, 1, nil)
	if !errors.Is(err, actor.ErrActorFailed) || !strings.Contains(err.Error(), "remote spawn over quota") ||
		!strings.Contains(err.Error(), "has 3 actors on node "+b.Node()) {
		t.Fatalf("a fourth actor with a quota of 3: %v", err)
	}
}

// scriptN is a distinct script for each n: it answers its n, and asked
// for "child", spawns its own script and relays the child's answer.
func scriptN(n int, pad string) string {
	return fmt.Sprintf(`# %s
def receive(msg):
    if msg == "child":
        reply(request(spawn("s%d.star"), "n"))
    else:
        reply(%d)
`, pad, n, n)
}

func TestNodeQuotaBundlesLRU(t *testing.T) {
	ctx := context.Background()
	b := guestNode(t, actor.NodeConfig{MaxBundles: 4})
	a := newNode(t, actor.NodeConfig{})
	ask := func(to actor.Address, msg any, want int) {
		t.Helper()
		var n int
		if err := a.Request(ctx, to, msg, &n); err != nil || n != want {
			t.Fatalf("%v answered %d, %v; want %d", to, n, err, want)
		}
	}
	run := func(i int) actor.Address {
		t.Helper()
		kid, err := spawnOn(t, a, b.Node(), fmt.Sprintf("s%d.star", i), scriptN(i, ""))
		if err != nil {
			t.Fatal(err)
		}
		ask(kid, "n", i)
		return kid
	}
	first := run(0)
	for i := 1; i < 10; i++ {
		if err := a.Stop(ctx, run(i)); err != nil {
			t.Fatal(err)
		}
	}
	scripts, _ := actor.CodeCache(b)
	if want := []string{"s6.star", "s7.star", "s8.star", "s9.star"}; !slices.Equal(scripts, want) {
		t.Fatalf("bundles cached %v, want %v", scripts, want)
	}
	// The actor of an evicted bundle still answers, and still spawns the
	// scripts it was sent with.
	ask(first, "n", 0)
	ask(first, "child", 0)
	// Sent again, the evicted script is compiled again, and runs; the
	// least recently used bundle makes room.
	run(0)
	run(9) // used: s7 is now the oldest
	run(5)
	scripts, _ = actor.CodeCache(b)
	if want := []string{"s0.star", "s5.star", "s8.star", "s9.star"}; !slices.Equal(scripts, want) {
		t.Fatalf("bundles cached %v, want %v", scripts, want)
	}
}

// TestNodeQuotaPeerBundles checks that one peer's bundles do not push
// another's out of the cache.
func TestNodeQuotaPeerBundles(t *testing.T) {
	b := guestNode(t, actor.NodeConfig{MaxPeerBundles: 2, MaxBundles: 4})
	a := newNode(t, actor.NodeConfig{})
	a2 := newNode(t, actor.NodeConfig{})
	if _, err := spawnOn(t, a2, b.Node(), "s100.star", scriptN(100, "")); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := spawnOn(t, a, b.Node(), fmt.Sprintf("s%d.star", i), scriptN(i, "")); err != nil {
			t.Fatal(err)
		}
	}
	scripts, _ := actor.CodeCache(b)
	if want := []string{"s100.star", "s4.star", "s5.star"}; !slices.Equal(scripts, want) {
		t.Fatalf("bundles cached %v, want %v", scripts, want)
	}
}

func TestNodeQuotaSourceBytes(t *testing.T) {
	const peerMax, allMax = 64 << 10, 96 << 10
	b := guestNode(t, actor.NodeConfig{MaxPeerSourceBytes: peerMax, MaxSourceBytes: allMax})
	a := newNode(t, actor.NodeConfig{})
	a2 := newNode(t, actor.NodeConfig{})

	_, err := spawnOn(t, a, b.Node(), "big.star", scriptN(0, strings.Repeat("x", 100<<10)))
	wantQuotaError(t, err, "big.star", "peer "+a.Node(), "node "+b.Node(), fmt.Sprint(peerMax),
		"NodeConfig.MaxPeerSourceBytes", "-max-peer-source-bytes")

	pad := strings.Repeat("y", 20<<10)
	for i := range 10 {
		kid, err := spawnOn(t, a, b.Node(), fmt.Sprintf("s%d.star", i), scriptN(i, pad))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := a.Request(context.Background(), kid, "n", &n); err != nil || n != i {
			t.Fatalf("s%d answered %d, %v", i, n, err)
		}
		if _, bytes := actor.CodeCache(b); bytes > peerMax {
			t.Fatalf("after %d scripts of a peer, the cache holds %d bytes, more than its quota %d", i+1, bytes, peerMax)
		}
	}
	for i := range 10 {
		if _, err := spawnOn(t, a2, b.Node(), fmt.Sprintf("t%d.star", i), scriptN(i, pad)); err != nil {
			t.Fatal(err)
		}
		if _, bytes := actor.CodeCache(b); bytes > allMax {
			t.Fatalf("the cache holds %d bytes, more than its quota %d", bytes, allMax)
		}
	}
	scripts, _ := actor.CodeCache(b)
	if len(scripts) == 0 {
		t.Fatal("nothing cached")
	}
}

func TestNodeQuotaConfig(t *testing.T) {
	for _, nc := range []actor.NodeConfig{{MaxPeerActors: -1}, {MaxSourceBytes: -5}} {
		_, err := actor.NewSystem(actor.Config{Node: &nc})
		if err == nil || !strings.Contains(err.Error(), "NodeConfig.Max") || !strings.Contains(err.Error(), "negative") {
			t.Errorf("NewSystem with %+v: %v", nc, err)
		}
	}
}
