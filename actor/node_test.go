//go:build !race

// Tests of nodes in one process: two or three systems that talk through
// protoactor's remote over loopback. Node loss by a killed process is
// tested with real processes in cmd/murmur.
//
// Not under the race detector: protoactor's remote.Start sets grpc's global
// logger (grpclog.SetLoggerV2) while the gRPC goroutines of a node started
// earlier in the same process read it, and its endpoint manager clears its
// connection map on Shutdown while endpoint events still read it. Both are
// protoactor's, and only seen with several nodes in one process; the
// multi-process tests of cmd/murmur run one node per process. .ci/run runs
// these tests without -race.

package actor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// nodeScripts are the scripts of the node tests.
var nodeScripts = fstest.MapFS{
	"echo.star": {Data: []byte(`
load("lib.star", "tag")
def receive(msg):
    reply({"echo": msg, "by": tag(self())})
`)},
	"lib.star": {Data: []byte(`
def tag(pid):
    return "echo@" + pid.node
`)},
	// forward sends what it gets to the address in the message and relays
	// the answer: messaging from a remote node back to this one.
	"forward.star": {Data: []byte(`
def receive(msg):
    reply(request(msg["to"], msg["body"]))
`)},
	// parent spawns a child on a node, watches it, stops it, and reports
	// the termination notice.
	"parent.star": {Data: []byte(`
state = {}
def receive(msg):
    if msg.get("event") == "terminated":
        state["notice"] = msg
        return
    if msg["op"] == "spawn":
        kid = spawn("echo.star", node = msg["node"])
        state["kid"] = kid
        watch(kid)
        reply(request(kid, "hi"))
    elif msg["op"] == "stop":
        stop(state["kid"])
        reply(None)
    elif msg["op"] == "notice":
        reply(state.get("notice"))
    elif msg["op"] == "nodes":
        reply(nodes())
`)},
}

func newNode(t *testing.T, nc actor.NodeConfig) *actor.System {
	t.Helper()
	return newSystem(t, actor.Config{FS: nodeScripts, Node: &nc, RequestTimeout: 10 * time.Second})
}

func TestNodeMessagingBothWays(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newNode(t, actor.NodeConfig{})
	if a.Node() == b.Node() || !strings.HasPrefix(a.Node(), "127.0.0.1:") {
		t.Fatalf("nodes %q and %q", a.Node(), b.Node())
	}
	echoB := spawn(t, b, "echo.star", actor.SpawnOptions{Name: "echo"})
	fwdA := spawn(t, a, "forward.star", actor.SpawnOptions{})
	echoA := spawn(t, a, "echo.star", actor.SpawnOptions{})

	// Go on A to a script on B.
	var got map[string]any
	if err := a.Request(ctx, echoB, map[string]any{"n": 1}, &got); err != nil {
		t.Fatal(err)
	}
	if got["by"] != "echo@"+b.Node() || got["echo"].(map[string]any)["n"] != int64(1) {
		t.Fatalf("answer %v", got)
	}
	// Go on B to a script on A, which requests a script on B, which
	// answers back to A: messages cross both ways.
	if err := b.Request(ctx, fwdA, map[string]any{"to": echoB, "body": "x"}, &got); err != nil {
		t.Fatal(err)
	}
	if got["by"] != "echo@"+b.Node() || got["echo"] != "x" {
		t.Fatalf("answer %v", got)
	}
	if err := b.Request(ctx, fwdA, map[string]any{"to": echoA, "body": "y"}, &got); err != nil {
		t.Fatal(err)
	}
	if got["by"] != "echo@"+a.Node() {
		t.Fatalf("answer %v", got)
	}

	// Errors keep their identity across nodes.
	err := a.Request(ctx, actor.Address{Node: b.Node(), ID: "nobody"}, 1, nil)
	if !errors.Is(err, actor.ErrUnknownActor) {
		t.Fatalf("request to a missing remote actor: %v", err)
	}
	err = a.Request(ctx, fwdA, map[string]any{"to": actor.Address{Node: b.Node(), ID: "nobody"}, "body": 1}, nil)
	if !errors.Is(err, actor.ErrActorFailed) || !strings.Contains(err.Error(), "no such actor") {
		t.Fatalf("a script's failed remote request: %v", err)
	}
}

func TestNodeRemoteSpawnWatchStop(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	a2 := newNode(t, actor.NodeConfig{Peers: []string{b.Node()}})

	// From Go: the script and its library travel; b has neither file.
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	kid, err := a.Spawn(ctx, mod, actor.SpawnOptions{Node: b.Node()})
	if err != nil {
		t.Fatal(err)
	}
	if kid.Node != b.Node() {
		t.Fatalf("spawned at %v, want node %s", kid, b.Node())
	}
	var got map[string]any
	if err := a.Request(ctx, kid, "hello", &got); err != nil || got["by"] != "echo@"+b.Node() {
		t.Fatalf("answer %v, %v", got, err)
	}
	// A second spawn of the same script sends no source and reuses b's module.
	if _, err := a.Spawn(ctx, mod, actor.SpawnOptions{Node: b.Node()}); err != nil {
		t.Fatal(err)
	}

	// From a script, with watch and stop across nodes.
	parent := spawn(t, a2, "parent.star", actor.SpawnOptions{})
	var nodes []any
	if err := a2.Request(ctx, parent, map[string]any{"op": "nodes"}, &nodes); err != nil || len(nodes) != 1 || nodes[0] != b.Node() {
		t.Fatalf("nodes() = %v, %v", nodes, err)
	}
	if err := a2.Request(ctx, parent, map[string]any{"op": "spawn", "node": b.Node()}, &got); err != nil || got["echo"] != "hi" {
		t.Fatalf("spawn from a script: %v, %v", got, err)
	}
	if err := a2.Request(ctx, parent, map[string]any{"op": "stop"}, nil); err != nil {
		t.Fatal(err)
	}
	var notice map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for notice == nil && time.Now().Before(deadline) {
		if err := a2.Request(ctx, parent, map[string]any{"op": "notice"}, &notice); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if notice == nil || notice["reason"] != "stopped" || notice["who"].(actor.Address).Node != b.Node() {
		t.Fatalf("termination notice %v", notice)
	}
}

func TestNodeRefusesRemoteSpawnByDefault(t *testing.T) {
	a := newNode(t, actor.NodeConfig{})
	b := newNode(t, actor.NodeConfig{})
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Spawn(context.Background(), mod, actor.SpawnOptions{Node: b.Node()})
	if !errors.Is(err, actor.ErrRemoteSpawnRefused) || !strings.Contains(err.Error(), "--allow-remote-spawn") {
		t.Fatalf("spawn on a node that does not allow it: %v", err)
	}
}

func TestNodeLossFailsRequests(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b, err := actor.NewSystem(actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	echo := spawn(t, b, "echo.star", actor.SpawnOptions{Name: "echo"})
	if err := a.Request(ctx, echo, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = a.Request(ctx, echo, 1, nil)
	if !errors.Is(err, actor.ErrNodeUnreachable) && !errors.Is(err, actor.ErrUnknownActor) {
		t.Fatalf("request to a node that shut down: %v", err)
	}
	t.Logf("failed after %v: %v", time.Since(start), err)
}
