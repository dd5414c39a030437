// A hostile peer against a real node process: bodies crafted to make the
// decoder allocate far more than they weigh, and batches protoactor's
// endpoint reader cannot handle. The node must stay up, bounded, and
// answer a normal application afterwards.

package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	protoactor "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protowire"
)

// nestedBody is a msgpack message of depth headers, each an array32 or a
// map32 (by kinds, cycled) that claims as many elements as there are bytes
// left, padded with zeros to size bytes: every level passes a "no more
// elements than bytes left" check on its own.
func nestedBody(size, depth int, kinds string) []byte {
	body := make([]byte, 0, size)
	for i := 0; i < depth; i++ {
		left := uint32(size - len(body) - 5)
		switch kinds[i%len(kinds)] {
		case 'a':
			body = append(body, 0xdd)
		case 'm':
			body = append(body, 0xdf)
			left /= 2
		}
		body = binary.BigEndian.AppendUint32(body, left)
	}
	return append(body, make([]byte, size-len(body))...)
}

// emptyMaps is a msgpack array32 of empty maps, size bytes in all: one
// byte each on the wire, the costliest values per byte to build.
func emptyMaps(size int) []byte {
	body := binary.BigEndian.AppendUint32(append(make([]byte, 0, size), 0xdd), uint32(size-5))
	for len(body) < size {
		body = append(body, 0x80)
	}
	return body
}

// wireEnvelope is murmur's wire.Envelope{body: body} in protobuf, written
// by hand: the package that defines it is internal to actor.
func wireEnvelope(body []byte) []byte {
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	return protowire.AppendBytes(b, body)
}

// hostilePeer is a gRPC client that speaks protoactor's remote protocol
// directly, as any program that can reach a node can.
type hostilePeer struct {
	conn   *grpc.ClientConn
	stream remote.Remoting_ReceiveClient
}

func dialHostile(t *testing.T, addr string) *hostilePeer {
	t.Helper()
	conn, err := grpc.Dial(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	stream, err := remote.NewRemotingClient(conn).Receive(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hello := &remote.RemoteMessage{MessageType: &remote.RemoteMessage_ConnectRequest{ConnectRequest: &remote.ConnectRequest{
		ConnectionType: &remote.ConnectRequest_ServerConnection{ServerConnection: &remote.ServerConnection{SystemId: "hostile", Address: "127.0.0.1:1"}}}}}
	if err := stream.Send(hello); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return &hostilePeer{conn: conn, stream: stream}
}

func (h *hostilePeer) send(t *testing.T, batch *remote.MessageBatch) {
	t.Helper()
	if err := h.stream.Send(&remote.RemoteMessage{MessageType: &remote.RemoteMessage_MessageBatch{MessageBatch: batch}}); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// peakRSS is a process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("the node process is gone: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// TestNodesHostilePeer sends a node process the bodies that made one
// decode allocate about 1,600 times their size (and 8 MiB ones, which ran
// a process out of memory), then batches the endpoint reader cannot
// index. Every body reaches the node's control process, which takes typed
// requests only (wire.Spawn, wire.Stop) and refuses an envelope unread
// (it decoded such bodies when its requests were msgpack maps); the node
// logs each refusal, stays within a bounded peak RSS, and then runs an
// application's worker as usual.
func TestNodesHostilePeer(t *testing.T) {
	const maxPeakRSS = 1 << 30
	// A process limited to 8 GiB of address space, as the one the 8 MiB
	// body ran out of memory: Go reserves about 6 GiB at start.
	node := startCmd(t, exec.Command("prlimit", "--as=8589934592", "--", murmurBinary(t),
		"node", "-listen", "127.0.0.1:0", "-allow-remote-spawn", "-log-level", "debug"))
	addr := node.expect(`^murmur node listening on (127\.0\.0\.1:\d+);`, 30*time.Second)[1]
	bodies := []struct {
		name string
		body []byte
	}{
		{"1 MiB of nested array32", nestedBody(1<<20, 100, "a")},
		{"1 MiB of nested map32", nestedBody(1<<20, 100, "m")},
		{"8 MiB of nested array32", nestedBody(8<<20, 100, "a")},
		{"8 MiB of nested arrays and maps", nestedBody(8<<20, 100, "am")},
		{"8 MiB array of empty maps", emptyMaps(8 << 20)},
	}
	control := protoactor.NewPID(addr, "$murmur")
	h := dialHostile(t, addr)
	for i, b := range bodies {
		h.send(t, &remote.MessageBatch{TypeNames: []string{"murmur.wire.Envelope"}, Targets: []*protoactor.PID{control},
			Envelopes: []*remote.MessageEnvelope{{TypeId: 0, Target: 0, MessageData: wireEnvelope(b.body)}}})
		// The node logs each control request it refuses; wait for this one's.
		deadline := time.Now().Add(60 * time.Second)
		for strings.Count(node.stderr.String(), "refused a control request") <= i {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the node logged no refusal within a minute; stderr:\n%s", b.name, node.stderr.String())
			}
			select {
			case <-node.done:
				t.Fatalf("%s: the node died (status %d); stderr:\n%s", b.name, node.status, node.stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
		}
		t.Logf("%s: refused; node peak RSS so far %d MiB", b.name, peakRSS(t, node.cmd.Process.Pid)>>20)
	}
	for i, batch := range []*remote.MessageBatch{
		{TypeNames: []string{"no.such.Type"}, Targets: []*protoactor.PID{control}, Envelopes: []*remote.MessageEnvelope{{TypeId: 0, Target: 0}}},
		{TypeNames: []string{"murmur.wire.Envelope"}, Envelopes: []*remote.MessageEnvelope{{TypeId: 0, Target: 7}}},
		{Envelopes: []*remote.MessageEnvelope{{TypeId: 3}}},
	} {
		bad := dialHostile(t, addr)
		bad.send(t, batch)
		if _, err := bad.stream.Recv(); err == nil {
			t.Errorf("malformed batch %d: the stream went on", i)
		}
	}
	// protoactor's remote has two unary calls it never implemented: they
	// panic on gRPC's goroutine unless the node refuses them.
	h2 := dialHostile(t, addr)
	if _, err := remote.NewRemotingClient(h2.conn).ListProcesses(context.Background(), &remote.ListProcessesRequest{}); err == nil {
		t.Error("ListProcesses answered")
	}
	if _, err := remote.NewRemotingClient(h2.conn).GetProcessDiagnostics(context.Background(), &remote.GetProcessDiagnosticsRequest{}); err == nil {
		t.Error("GetProcessDiagnostics answered")
	}
	app := start(t, "run", "-peer", addr, "testdata/nodes/hello.star")
	app.expect(`^7 squared on `+addr+`: 49$`, 30*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("application after the hostile peer: status %d; stderr:\n%s", st, app.stderr.String())
	}
	total := 0
	for _, b := range bodies {
		total += len(b.body)
	}
	peak := peakRSS(t, node.cmd.Process.Pid)
	t.Logf("node peak RSS after %d hostile bodies (%d MiB in all): %d MiB", len(bodies), total>>20, peak>>20)
	if peak > maxPeakRSS {
		t.Fatalf("node peak RSS %d MiB, above %d MiB", peak>>20, maxPeakRSS>>20)
	}
}
