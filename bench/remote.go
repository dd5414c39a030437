// Remote W2 and W3: the ping-pong and the fan-in between two OS processes
// over loopback, murmur nodes beside raw protoactor remote.
//
// Every process involved is the running binary itself, started again with
// NodeEnv set to its role; a binary that uses StartNode must call
// ServeNodeIfAsked before anything else (an init function will do). A Node
// is two server processes, one per side: a raw protoactor remote with an
// echo actor and a counter actor, and a murmur node with pong.star and a
// counter script, all spawned by name. Each measurement runs in a fresh
// client process, which starts its own remote (or murmur node), connects
// with one untimed round trip, times the workload against the server, and
// prints the time; this process only reads it.
//
// Why a client process, rather than measuring here: protoactor's
// remote.Start sets grpc's global logger (grpclog.SetLoggerV2) with no
// synchronisation, while the gRPC goroutines of any remote started earlier
// in the process read it, and its endpoint manager clears its connection
// map on Shutdown while endpoint events may still read it. Both are data
// races, which `go test -race` reports, as soon as a process starts a
// second remote or node. So every process here starts exactly one, and
// none shuts it down: each exits instead. This process starts none.

package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// NodeEnv is the environment variable that gives a binary that calls
// ServeNodeIfAsked its role in the remote workloads: "proto" or "murmur"
// (serve that side until standard input closes) or "client" (run the one
// measurement read from standard input, print its result, and exit).
const NodeEnv = "MURMUR_BENCH_NODE"

// NodeProfileEnv, if set in the environment of StartNode and of the
// Remote functions, names a folder where every process they start writes
// a CPU profile of its whole life: proto-server-PID.cpu,
// murmur-server-PID.cpu, client-PID.cpu.
const NodeProfileEnv = "MURMUR_BENCH_PROFILE"

// The names the servers spawn their actors under.
const (
	echoName  = "echo"  // raw W2: answers every ball with itself
	pongName  = "pong"  // murmur W2: pong.star
	tallyName = "tally" // W3, both sides: counts, answers "end" with the count, and starts over
)

// ServeNodeIfAsked plays the role NodeEnv names, then exits the process;
// when NodeEnv is not set it returns at once. Call it before anything else
// in every binary that uses StartNode (a test binary: from an init
// function, which runs before TestMain).
func ServeNodeIfAsked() {
	role := os.Getenv(NodeEnv)
	if role == "" {
		return
	}
	if dir := os.Getenv(NodeProfileEnv); dir != "" {
		f, err := os.Create(fmt.Sprintf("%s/%s-%d.cpu", dir, role, os.Getpid()))
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench node: profile:", err)
			os.Exit(1)
		}
	}
	err := play(role)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench node (%s): %v\n", role, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// play runs one role on the process's standard input and output.
func play(role string) error {
	eof := make(chan struct{})
	in := bufio.NewReader(os.Stdin)
	var job []byte
	if role == "client" || role == "grains-proto" || role == "grains-murmur" {
		var err error
		if job, err = in.ReadBytes('\n'); err != nil {
			return fmt.Errorf("reading the job: %w", err)
		}
	}
	go func() {
		_, _ = io.Copy(io.Discard, in)
		close(eof)
	}()
	switch role {
	case "proto", "murmur":
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
		addr, err := serve(role)
		if err != nil {
			return err
		}
		if err := printLine(serverLine{Addr: addr}); err != nil {
			return err
		}
		select {
		case <-eof:
		case <-stop:
		}
		return nil
	case "grains-proto", "grains-murmur": // C1's members (cluster.go)
		return serveGrains(role, job, eof)
	case "client":
		var j remoteJob
		if err := json.Unmarshal(job, &j); err != nil {
			return fmt.Errorf("the job %q: %w", job, err)
		}
		// The parent gone before the answer, nobody waits for it. (After
		// the answer, the parent closes the input to end the process.)
		var answered atomic.Bool
		go func() {
			<-eof
			if !answered.Load() {
				os.Exit(2)
			}
		}()
		d, err := j.run()
		r := clientLine{Nanoseconds: d.Nanoseconds()}
		if err != nil {
			r.Err = err.Error()
		}
		answered.Store(true)
		return printLine(r)
	}
	return fmt.Errorf("unknown role %q", role)
}

func printLine(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(os.Stdout, "%s\n", line)
	return err
}

// serverLine is what a server prints once it listens.
type serverLine struct {
	Addr string `json:"addr"` // host:port
}

// clientLine is what a client prints: the measured time, or what failed.
type clientLine struct {
	Nanoseconds int64  `json:"ns"`
	Err         string `json:"err,omitempty"`
}

// serve starts a server of the role's side and returns its address.
func serve(role string) (string, error) {
	if role == "proto" {
		sys, err := startProtoRemote()
		if err != nil {
			return "", err
		}
		if _, err := sys.Root.SpawnNamed(proto.PropsFromFunc(remoteEcho), echoName); err != nil {
			return "", err
		}
		if _, err := sys.Root.SpawnNamed(proto.PropsFromProducer(func() proto.Actor { return &remoteTally{} }), tallyName); err != nil {
			return "", err
		}
		return sys.Address(), nil
	}
	sys, err := newMurmurNode()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	for name, script := range map[string]string{pongName: "pong.star", tallyName: "tally.star"} {
		mod, err := sys.Load(script)
		if err != nil {
			return "", err
		}
		if _, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Name: name}); err != nil {
			return "", err
		}
	}
	return sys.Node(), nil
}

// Node is a pair of server processes, one per side, started by StartNode.
type Node struct {
	// Proto and Murmur are the servers' addresses: a raw protoactor
	// remote and a murmur node.
	Proto, Murmur string

	proto, murmur *child
}

// StartNode starts the running binary again twice, as the raw protoactor
// server and as the murmur server, and returns once both listen. Close it
// when done: the servers run until then, or until this process exits.
func StartNode(ctx context.Context) (*Node, error) {
	n := &Node{}
	for _, role := range []string{"proto", "murmur"} {
		c, err := startChild(role)
		if err == nil {
			var line serverLine
			if err = c.readLine(ctx, time.Minute, &line); err == nil && line.Addr == "" {
				err = errors.New("the server printed no address")
			}
			if err != nil {
				_ = c.kill()
				err = fmt.Errorf("bench: starting the %s server: %w%s", role, err, c.stderr.suffix())
			}
			if role == "proto" {
				n.Proto, n.proto = line.Addr, c
			} else {
				n.Murmur, n.murmur = line.Addr, c
			}
		}
		if err != nil {
			if n.proto != nil {
				_ = n.proto.kill()
			}
			return nil, err
		}
	}
	return n, nil
}

// Close closes both servers' standard input, which ends them, and waits for
// them to exit (killing one that has not after ten seconds). It returns an
// error if either did not exit cleanly.
func (n *Node) Close() error {
	_ = n.murmur.stdin.Close() // both at once; the second close is then a no-op
	return errors.Join(n.proto.close("proto server"), n.murmur.close("murmur server"))
}

// remoteJob is one measurement, run by a client process.
type remoteJob struct {
	Workload string `json:"workload"` // "W2" or "W3"
	Side     string `json:"side"`     // "proto" or "murmur"
	Peer     string `json:"peer"`     // the server's address
	Count    int    `json:"count"`    // round trips (W2) or messages (W3)
	FromGo   bool   `json:"from_go"`  // W3: produce from Go rather than from an actor
	Deadline int64  `json:"deadline"` // Unix nanoseconds
	// Seeds are C1's members' membership addresses (cluster.go).
	Seeds []string `json:"seeds,omitempty"`
}

// run measures the job here, in the client process.
func (j remoteJob) run() (time.Duration, error) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, j.Deadline))
	defer cancel()
	from := FromActor
	if j.FromGo {
		from = FromGo
	}
	switch {
	case j.Workload == "W2" && j.Side == "proto":
		return pingPongRemoteProto(ctx, j.Peer, j.Count)
	case j.Workload == "W2" && j.Side == "murmur":
		return pingPongRemoteMurmur(ctx, j.Peer, j.Count)
	case j.Workload == "W3" && j.Side == "proto":
		return fanInRemoteProto(ctx, j.Peer, j.Count, from)
	case j.Workload == "W3" && j.Side == "murmur":
		return fanInRemoteMurmur(ctx, j.Peer, j.Count, from)
	case j.Workload == "C1":
		return grainsRemote(ctx, j.Side, j.Seeds, j.Count)
	}
	return 0, fmt.Errorf("unknown job %+v", j)
}

// measure runs job in a fresh client process and returns its time.
func measure(ctx context.Context, job remoteJob) (time.Duration, error) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	d, _ := ctx.Deadline()
	job.Deadline = d.UnixNano()
	b, err := json.Marshal(job)
	if err != nil {
		return 0, err
	}
	c, err := startChild("client")
	if err != nil {
		return 0, err
	}
	var r clientLine
	if _, err = c.stdin.Write(append(b, '\n')); err == nil {
		err = c.readLine(ctx, 0, &r)
	}
	if err != nil {
		_ = c.kill()
		return 0, fmt.Errorf("the client: %w%s", err, c.stderr.suffix())
	}
	if err := c.close("client"); err != nil {
		return 0, err
	}
	if r.Err != "" {
		return 0, errors.New(r.Err)
	}
	return time.Duration(r.Nanoseconds), nil
}

// PingPongRemoteProto runs W2 on raw protoactor remote: a Go actor in a
// client process Requests each ball, a structpb.Struct {"n": i, "tag":
// "ping"}, from the echo actor of node's raw server, which Responds with
// it, rounds times.
func PingPongRemoteProto(ctx context.Context, node *Node, rounds int) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W2 remote: %d rounds; want at least 1", rounds)
	}
	return measure(ctx, remoteJob{Workload: "W2", Side: "proto", Peer: node.Proto, Count: rounds})
}

// PingPongRemoteMurmur runs W2 on murmur nodes: ping.star in a client
// process plays rounds round trips with pong.star on node's murmur server,
// as in PingPongMurmur.
func PingPongRemoteMurmur(ctx context.Context, node *Node, rounds int) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W2 remote: %d rounds; want at least 1", rounds)
	}
	return measure(ctx, remoteJob{Workload: "W2", Side: "murmur", Peer: node.Murmur, Count: rounds})
}

// FanInRemoteProto runs W3 on raw protoactor remote: count structpb.Struct
// balls {"n": i, "tag": "x"} from a client process into the counter actor
// of node's raw server, from Go (RootContext.Send, then RequestFuture) or
// from a Go actor (Send, then Request).
func FanInRemoteProto(ctx context.Context, node *Node, count int, from Producer) (time.Duration, error) {
	return measure(ctx, remoteJob{Workload: "W3", Side: "proto", Peer: node.Proto, Count: count, FromGo: from == FromGo})
}

// FanInRemoteMurmur runs W3 on murmur nodes: count messages {"n": i,
// "tag": "x"} from a client process into tally.star on node's murmur
// server, from Go (System.Send, then System.Request) or from producer.star,
// as in FanInMurmur.
func FanInRemoteMurmur(ctx context.Context, node *Node, count int, from Producer) (time.Duration, error) {
	return measure(ctx, remoteJob{Workload: "W3", Side: "murmur", Peer: node.Murmur, Count: count, FromGo: from == FromGo})
}
