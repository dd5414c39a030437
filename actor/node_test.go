//go:build !race

// Tests of nodes in one process: two or three systems that talk through
// protoactor's remote over loopback. Node loss by a killed process is
// tested with real processes in cmd/murmur.
//
// Not under the race detector: protoactor's remote.Start sets grpc's global
// logger (grpclog.SetLoggerV2) while the gRPC goroutines of a node started
// earlier in the same process read it. That is protoactor's, and only seen
// with several nodes running in one process at once; the multi-process
// tests of cmd/murmur run one node per process, and node_single_test.go
// runs one node at a time. .ci/run runs these tests without -race.

package actor_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	protoactor "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/mailbox"
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
	// hold answers n with n*10, except on the node it is told to hold on,
	// where it keeps every request unanswered, and calls holding() (a
	// builtin the test gives).
	"hold.star": {Data: []byte(`
state = {}
held = []
def init(node):
    state["hold"] = node
def receive(n):
    if self().node == state["hold"]:
        held.append(sender())
        holding()
        return
    reply(n * 10)
`)},
	// chain spawns a chain of n actors of itself, on the node it runs on;
	// asked for "stray", it spawns a script its sender did not send.
	"chain.star": {Data: []byte(`
def receive(n):
    if n == "stray":
        spawn("forward.star")
    elif n == 0:
        reply(self().node)
    else:
        reply(request(spawn("chain.star"), n - 1))
`)},
	// forward sends what it gets to the address in the message and relays
	// the answer: messaging from a remote node back to this one.
	"forward.star": {Data: []byte(`
def receive(msg):
    reply(request(msg["to"], msg["body"]))
`)},
	// mute answers nothing.
	"mute.star": {Data: []byte("def receive(msg):\n    pass\n")},
	// parent spawns a child on a node, watches it, stops it, and reports
	// the termination notice (noticeScript).
	"parent.star": {Data: []byte(noticeScript + `
def receive(msg):
    if noticed(msg):
        return
    if msg["op"] == "spawn":
        kid = spawn("echo.star", node = msg["node"])
        state["kid"] = kid
        watch(kid)
        reply(request(kid, "hi"))
    elif msg["op"] == "stop":
        stop(state["kid"])
        reply(None)
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

	// A message to a missing actor of another node is a dead letter there.
	before := b.DeadLetters()
	waitDead := deadLetterCounter(t, b)
	if err := a.Send(ctx, actor.Address{Node: b.Node(), ID: "nobody"}, "lost?"); err != nil {
		t.Fatal(err)
	}
	waitDead(1)
	if b.DeadLetters() != before+1 {
		t.Fatalf("dead letters on %s: %d, want %d", b.Node(), b.DeadLetters(), before+1)
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
	mute := spawn(t, b, "mute.star", actor.SpawnOptions{})
	if err := a.Request(ctx, mute, 1, nil); !errors.Is(err, actor.ErrNoReply) || !strings.Contains(err.Error(), "mute.star") {
		t.Fatalf("request to a remote script that does not answer: %v, want ErrNoReply", err)
	}
}

func TestNodeRemoteSpawnWatchStop(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	a2 := newNode(t, actor.NodeConfig{Peers: []string{b.Node()}})

	// From Go: the script and its library travel; b has neither file.
	kid := spawn(t, a, "echo.star", actor.SpawnOptions{Node: b.Node()})
	if kid.Node != b.Node() {
		t.Fatalf("spawned at %v, want node %s", kid, b.Node())
	}
	var got map[string]any
	if err := a.Request(ctx, kid, "hello", &got); err != nil || got["by"] != "echo@"+b.Node() {
		t.Fatalf("answer %v, %v", got, err)
	}
	// A second spawn of the same script sends no source and reuses b's module.
	spawn(t, a, "echo.star", actor.SpawnOptions{Node: b.Node()})
	// An actor a peer started spawns the scripts it was sent with, there.
	head := spawn(t, a, "chain.star", actor.SpawnOptions{Node: b.Node()})
	var where string
	if err := a.Request(ctx, head, 3, &where); err != nil || where != b.Node() {
		t.Fatalf("chain answered %q, %v", where, err)
	}
	err := a.Request(ctx, head, "stray", nil)
	if err == nil || !strings.Contains(err.Error(), "forward.star: no such file") ||
		!strings.Contains(err.Error(), "only the scripts that peer sent") {
		t.Fatalf("spawning a script the peer did not send: %v", err)
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
	if err := a2.Request(ctx, parent, map[string]any{"op": "notice"}, &notice); err != nil {
		t.Fatal(err)
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
	down := make(chan string, 1)
	defer a.Subscribe(func(e actor.Event) {
		if d, ok := e.(*actor.NodeDownEvent); ok {
			select {
			case down <- d.Node:
			default: // told already
			}
		}
	})()
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
	if !errors.Is(err, actor.ErrNodeUnreachable) {
		t.Fatalf("request to a node that shut down: %v", err)
	}
	t.Logf("failed after %v: %v", time.Since(start), err)
	if got := <-down; got != b.Node() {
		t.Fatalf("NodeDownEvent for %q, want %q", got, b.Node())
	}

	// A node started again at the same address is reached again once the
	// quarantine is over (the old actors went with the old process; a new
	// one took the same name).
	b2 := newSystem(t, actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{Listen: b.Node()}})
	spawn(t, b2, "echo.star", actor.SpawnOptions{Name: "echo"})
	// This sleep stays: the quarantine (2s, actor's quarantine) ends by the
	// clock, at the first message after it, and nothing marks its end; a
	// request before then fails at once without trying. synctest cannot
	// stand in: the nodes talk through real sockets, which a bubble's
	// clock does not wait for.
	time.Sleep(2100 * time.Millisecond)
	if err := a.Request(ctx, echo, 2, nil); err != nil {
		t.Fatalf("request to the node started again: %v", err)
	}
}

func TestNodePools(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	// Workers spread over b and a itself.
	p, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 4, Nodes: []string{b.Node(), a.Node()}})
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
	items := []any{"a", "b", "c", "d", "e", "f", "g", "h"}
	got, err := p.Map(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	by := map[any]bool{}
	for i, v := range got {
		m := v.(map[string]any)
		if m["echo"] != items[i] {
			t.Fatalf("item %d: %v", i, m)
		}
		by[m["by"]] = true
	}
	if len(by) != 2 {
		t.Fatalf("answered by %v, want both nodes", by)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	// A pool is reachable from another node by its address.
	local, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ans map[string]any
	if err := b.Request(ctx, local.Address(), "via pool", &ans); err != nil || ans["echo"] != "via pool" {
		t.Fatalf("request to a pool of another node: %v, %v", ans, err)
	}
}

func TestNodeTransferBecomesCopy(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newNode(t, actor.NodeConfig{})
	echo := spawn(t, b, "echo.star", actor.SpawnOptions{})
	buf := bytes.Repeat([]byte("moved across nodes "), 1<<20) // 19 MiB: beyond gRPC's default 4 MiB
	var got map[string]any
	if err := a.Request(ctx, echo, map[string]any{"b": actor.Transfer(buf)}, &got); err != nil {
		t.Fatal(err)
	}
	echoed, ok := got["echo"].(map[string]any)["b"].([]byte)
	if !ok || !bytes.Equal(echoed, buf) {
		t.Fatalf("answer of %d bytes, want %d", len(echoed), len(buf))
	}
}

func TestNodeGuestsStopWithTheirParentsNode(t *testing.T) {
	ctx := context.Background()
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	a, err := actor.NewSystem(actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	kid := spawn(t, a, "echo.star", actor.SpawnOptions{Node: b.Node()})
	if err := a.Request(ctx, kid, 1, nil); err != nil { // b now has a connection back to a
		t.Fatal(err)
	}
	watcher := watch(t, b, kid)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var notice map[string]any
	if err := b.Request(wctx, watcher, map[string]any{"op": "notice"}, &notice); err != nil {
		t.Fatalf("%v still runs on %s after its parent's node shut down: %v", kid, b.Node(), err)
	}
	if _, err := b.Stats(kid); !errors.Is(err, actor.ErrUnknownActor) {
		t.Fatalf("%v stopped (%v) but is still known to %s: %v", kid, notice, b.Node(), err)
	}
}

// testTLS makes a certificate for 127.0.0.1 signed by ca, and returns the
// mutual-TLS configuration a node uses with it.
func testTLS(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "murmur node"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		RootCAs:      pool, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert,
	}
}

// testCA makes a certificate authority.
func testCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "murmur test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}

func TestNodeTLS(t *testing.T) {
	ctx := context.Background()
	ca, caKey := testCA(t)
	a := newNode(t, actor.NodeConfig{TLS: testTLS(t, ca, caKey)})
	b := newNode(t, actor.NodeConfig{TLS: testTLS(t, ca, caKey)})
	echo := spawn(t, b, "echo.star", actor.SpawnOptions{})
	var got map[string]any
	if err := a.Request(ctx, echo, "over TLS", &got); err != nil || got["echo"] != "over TLS" {
		t.Fatalf("answer %v, %v", got, err)
	}
	// A peer without a certificate from the CA gets nowhere, and is told so
	// before its request times out.
	other, otherKey := testCA(t)
	c := newNode(t, actor.NodeConfig{TLS: testTLS(t, other, otherKey)})
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := c.Request(cctx, echo, "let me in", nil)
	if !errors.Is(err, actor.ErrNodeUnreachable) {
		t.Fatalf("request from a node with a foreign certificate: %v", err)
	}
}

// TestNodeSurvivesMalformedBatch sends a node what protoactor's endpoint
// reader cannot handle (a type name nothing registered, indexes out of
// range): the peer's stream is closed with an error, and the node lives on.
func TestNodeSurvivesMalformedBatch(t *testing.T) {
	ctx := context.Background()
	b := newNode(t, actor.NodeConfig{})
	echo := spawn(t, b, "echo.star", actor.SpawnOptions{Name: "echo"})
	batches := []*remote.MessageBatch{
		{TypeNames: []string{"no.such.Type"}, Targets: []*protoactor.PID{protoactor.NewPID(b.Node(), "echo")},
			Envelopes: []*remote.MessageEnvelope{{TypeId: 0, Target: 0}}},
		{TypeNames: []string{"murmur.wire.Envelope"}, Envelopes: []*remote.MessageEnvelope{{TypeId: 0, Target: 7}}},
		{Envelopes: []*remote.MessageEnvelope{{TypeId: 3}}},
	}
	for i, batch := range batches {
		conn, err := grpc.Dial(b.Node(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		stream, err := remote.NewRemotingClient(conn).Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hello := &remote.RemoteMessage{MessageType: &remote.RemoteMessage_ConnectRequest{ConnectRequest: &remote.ConnectRequest{
			ConnectionType: &remote.ConnectRequest_ServerConnection{ServerConnection: &remote.ServerConnection{SystemId: "test", Address: "127.0.0.1:1"}}}}}
		if err := stream.Send(hello); err != nil {
			t.Fatal(err)
		}
		if _, err := stream.Recv(); err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&remote.RemoteMessage{MessageType: &remote.RemoteMessage_MessageBatch{MessageBatch: batch}}); err != nil {
			t.Fatal(err)
		}
		_, err = stream.Recv()
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("batch %d: stream ended with %v, want InvalidArgument", i, err)
		}
		conn.Close()
	}
	a := newNode(t, actor.NodeConfig{})
	if err := a.Request(ctx, echo, "still there?", nil); err != nil {
		t.Fatalf("the node after malformed batches: %v", err)
	}
}

// TestNodeBoundedMailboxRefusesPeers checks that a bounded mailbox stays
// bounded for messages from another node: they cannot be made to wait, so
// those that do not fit are dead letters (or, for requests, ErrMailboxFull).
func TestNodeBoundedMailboxRefusesPeers(t *testing.T) {
	ctx := context.Background()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	gate := starlark.NewBuiltin("gate", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		entered <- struct{}{}
		<-release
		return starlark.None, nil
	})
	b := newSystem(t, actor.Config{
		Node: &actor.NodeConfig{},
		FS: fstest.MapFS{"slow.star": {Data: []byte(`
state = {"n": 0}
def receive(msg):
    if msg == "first":
        gate()
    if msg == "count":
        reply(state["n"])
        return
    state["n"] += 1
`)}},
		Builtins: starlark.StringDict{"gate": gate},
	})
	a := newNode(t, actor.NodeConfig{})
	waitDead := deadLetterCounter(t, b)
	slow := spawn(t, b, "slow.star", actor.SpawnOptions{Mailbox: mailbox.Config{MaxMessages: 2}})
	if err := a.Send(ctx, slow, "first"); err != nil {
		t.Fatal(err)
	}
	<-entered // slow is busy, its mailbox empty
	const n = 30
	for i := 0; i < n; i++ {
		if err := a.Send(ctx, slow, i); err != nil {
			t.Fatal(err)
		}
	}
	err := a.Request(ctx, slow, "count", nil)
	if !errors.Is(err, actor.ErrMailboxFull) {
		t.Errorf("request to the full mailbox of another node: %v", err)
	}
	waitDead(n - 2)
	if got := b.DeadLetters(); got != n-2 {
		t.Errorf("dead letters %d, want %d", got, n-2)
	}
	close(release)
	// Asked on b, the count waits for room behind the two queued messages
	// (a blocking mailbox makes local senders wait; only peers are refused).
	var count int
	if err := b.Request(ctx, slow, "count", &count); err != nil || count != 3 {
		t.Fatalf("processed %d (%v), want the first message and the 2 that fit", count, err)
	}
	st, _ := b.Stats(slow)
	if st.Dropped != n-2+1 {
		t.Errorf("mailbox dropped %d, want %d", st.Dropped, n-2+1)
	}

	// The same through a pool's address: the connection's reader never
	// waits for a worker's full mailbox.
	mod, err := b.Load("slow.star")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.NewPool(ctx, mod, actor.PoolOptions{Size: 1, Worker: actor.SpawnOptions{Mailbox: mailbox.Config{MaxMessages: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	release = make(chan struct{})
	if err := a.Send(ctx, p.Address(), "first"); err != nil {
		t.Fatal(err)
	}
	<-entered
	before := b.DeadLetters()
	for i := 0; i < n; i++ {
		if err := a.Send(ctx, p.Address(), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Request(ctx, p.Address(), "count", nil); !errors.Is(err, actor.ErrMailboxFull) {
		t.Errorf("request through a pool to a full worker: %v", err)
	}
	waitDead(n - 2 + n - 1)
	if got := b.DeadLetters() - before; got != n-1 {
		t.Errorf("dead letters through the pool %d, want %d", got, n-1)
	}
	close(release)
}

// TestNodePoolReplacesLostWorkers loses a node while a pool's map has an
// item there: the pool replaces the worker on a surviving node, and the
// item runs again there, so the map completes.
func TestNodePoolReplacesLostWorkers(t *testing.T) {
	ctx := context.Background()
	holds := make(chan struct{}, 8)
	builtin := func(ch chan struct{}) starlark.StringDict {
		return starlark.StringDict{"holding": starlark.NewBuiltin("holding",
			func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
				select {
				case ch <- struct{}{}:
				default:
				}
				return starlark.None, nil
			})}
	}
	a := newSystem(t, actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{}, RequestTimeout: 10 * time.Second,
		Builtins: builtin(make(chan struct{}, 8))})
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}, Builtins: builtin(holds)})
	mod, err := a.Load("hold.star")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 2, Nodes: []string{b.Node(), a.Node()},
		Worker: actor.SpawnOptions{Args: []any{b.Node()}}})
	if err != nil {
		t.Fatal(err)
	}
	onB := p.Workers()[0]
	if onB.Node != b.Node() {
		t.Fatalf("workers %v", p.Workers())
	}
	items := []any{0, 1, 2, 3, 4, 5}
	type result struct {
		got []any
		err error
	}
	done := make(chan result, 1)
	go func() {
		got, err := p.Map(ctx, items)
		done <- result{got, err}
	}()
	select {
	case <-holds: // b's worker holds an item
	case <-time.After(5 * time.Second):
		t.Fatal("b's worker got no item in 5s")
	}
	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	for i, v := range r.got {
		if v != int64(i*10) {
			t.Fatalf("item %d: %v", i, v)
		}
	}
	for _, w := range p.Workers() {
		if w.Node != a.Node() {
			t.Fatalf("workers after the loss: %v", p.Workers())
		}
	}
}

// TestNodePoolSkipsUnreachableNodes creates a pool over a node that does
// not answer and this one: the workers all go here.
func TestNodePoolSkipsUnreachableNodes(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 3, Nodes: []string{"127.0.0.1:1", a.Node()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Workers() {
		if w.Node != a.Node() {
			t.Fatalf("workers %v", p.Workers())
		}
	}
	if _, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 1, Nodes: []string{"127.0.0.1:1"}}); !errors.Is(err, actor.ErrNodeUnreachable) {
		t.Fatalf("a pool on no reachable node: %v", err)
	}
}
