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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

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

// child is a process of this binary in a role.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *os.File // the read end of its standard output
	stdout *bufio.Reader
	stderr *tailBuffer
	waited chan struct{} // closed once the process has exited and been waited for
	err    error         // cmd.Wait's answer, once waited is closed
}

// startChild starts the running binary again in role.
func startChild(role string) (*child, error) {
	if os.Getenv(NodeEnv) != "" {
		return nil, errors.New("bench: a node process does not start others (does its binary call ServeNodeIfAsked?)")
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The arguments make a test binary that lacks the hook run nothing
	// rather than every test; ServeNodeIfAsked exits before anything
	// parses them.
	cmd := exec.Command(exe, "-test.run=^$", "-test.bench=^$")
	// Under the race detector, a process sleeps a second before it exits
	// (GORACE's atexit_sleep_ms); children exit often here, and need not.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), NodeEnv+"="+role, "GORACE="+gorace)
	c := &child{cmd: cmd, stderr: &tailBuffer{max: 16 << 10}, waited: make(chan struct{})}
	cmd.Stderr = c.stderr
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	// A pipe of our own for its output, not cmd.StdoutPipe, which Wait
	// closes as soon as the process exits, perhaps before its last line
	// has been read; Wait runs from the start here.
	out, w, err := os.Pipe()
	if err != nil {
		_ = c.stdin.Close()
		return nil, err
	}
	cmd.Stdout = w
	err = cmd.Start()
	_ = w.Close()
	if err != nil {
		_ = c.stdin.Close()
		_ = out.Close()
		return nil, err
	}
	c.out, c.stdout = out, bufio.NewReader(out)
	go func() {
		c.err = cmd.Wait()
		close(c.waited)
	}()
	return c, nil
}

// readLine reads one line of JSON into v, giving up when ctx is done or
// after timeout (zero means none). The caller kills the child on an error.
func (c *child) readLine(ctx context.Context, timeout time.Duration, v any) error {
	got := make(chan error, 1)
	go func() { // ends with the line, or at the end of the output (the process exited, or close or kill closed it)
		line, err := c.stdout.ReadBytes('\n')
		if err == nil {
			if err = json.Unmarshal(line, v); err != nil {
				err = fmt.Errorf("its line %q: %w", line, err)
			}
		}
		got <- err
	}()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case err := <-got:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-expired:
		return fmt.Errorf("nothing printed after %v", timeout)
	}
}

// close closes the child's standard input, which ends it, and waits for it
// to exit; it kills it if it has not after ten seconds. The error says if
// it did not exit cleanly.
func (c *child) close(what string) error {
	_ = c.stdin.Close()
	select {
	case <-c.waited:
	case <-time.After(10 * time.Second):
		_ = c.kill()
		return fmt.Errorf("bench: the %s did not exit within 10 s of its input closing; killed%s", what, c.stderr.suffix())
	}
	_ = c.out.Close()
	if c.err != nil {
		return fmt.Errorf("bench: the %s: %w%s", what, c.err, c.stderr.suffix())
	}
	return nil
}

// kill kills the process and waits for it.
func (c *child) kill() error {
	_ = c.cmd.Process.Kill()
	<-c.waited
	_ = c.out.Close()
	return c.err
}

// tailBuffer keeps the first max bytes written to it: a child's stderr,
// quoted in errors.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - t.b.Len(); room > 0 {
		t.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// suffix is what the child wrote to stderr, as the end of an error message.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.b.Len() == 0 {
		return ""
	}
	return "; its stderr:\n" + t.b.String()
}

// The raw protoactor side.

// startProtoRemote starts a raw protoactor system with a remote listening
// on a free loopback port, protoactor's default remote configuration.
func startProtoRemote() (sys *proto.ActorSystem, err error) {
	sys = newProto()
	r := remote.NewRemote(sys, remote.Configure("127.0.0.1", 0))
	defer func() {
		if p := recover(); p != nil { // Start panics when it cannot listen
			err = fmt.Errorf("protoactor remote: %v", p)
		}
	}()
	r.Start()
	return sys, nil
}

// pbBall is the small message of W2 and W3 as a protobuf message (the
// remote serializes only those): a structpb.Struct {"n": n, "tag": tag},
// the fair equivalent of murmur's map.
func pbBall(n int, tag string) *structpb.Struct {
	return &structpb.Struct{Fields: map[string]*structpb.Value{
		"n":   structpb.NewNumberValue(float64(n)),
		"tag": structpb.NewStringValue(tag),
	}}
}

// remoteEcho is the raw server's W2 actor: it answers each ball with itself.
func remoteEcho(c proto.Context) {
	if m, ok := c.Message().(*structpb.Struct); ok {
		c.Respond(m)
	}
}

// remoteTally is the raw server's W3 counter: it answers the ball tagged
// "end" with how many it got, that one included, and starts over.
type remoteTally struct{ n int64 }

func (t *remoteTally) Receive(c proto.Context) {
	if m, ok := c.Message().(*structpb.Struct); ok {
		t.n++
		if m.Fields["tag"].GetStringValue() == "end" {
			c.Respond(wrapperspb.Int64(t.n))
			t.n = 0
		}
	}
}

// remotePing is W2's ping on the raw client: it Requests each ball from
// the remote echo actor and reports on done after the last round trip.
type remotePing struct {
	peer   *proto.PID
	rounds int
	done   chan int
}

func (p *remotePing) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.peer, p.rounds, p.done = m.peer, m.count, m.done
		c.Request(p.peer, pbBall(0, "ping"))
	case *structpb.Struct:
		if n := int(m.Fields["n"].GetNumberValue()) + 1; n < p.rounds {
			c.Request(p.peer, pbBall(n, "ping"))
		} else {
			p.done <- n
		}
	}
}

// remoteProducer is W3's producer on the raw client: it sends count balls
// to the remote counter, then Requests the count and passes it to done.
type remoteProducer struct{ done chan int }

func (p *remoteProducer) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.done = m.done
		for i := range m.count {
			c.Send(m.peer, pbBall(i, "x"))
		}
		c.Request(m.peer, pbBall(m.count, "end"))
	case *wrapperspb.Int64Value:
		p.done <- int(m.GetValue())
	}
}

// askProto requests msg from pid and returns the answer.
func askProto(ctx context.Context, sys *proto.ActorSystem, pid *proto.PID, msg any) (any, error) {
	timeout := time.Minute
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	}
	return sys.Root.RequestFuture(pid, msg, timeout).Result()
}

// The client side of the measurements. Each runs in its own process and
// leaves its system running: the process exits right after.

func pingPongRemoteProto(ctx context.Context, peer string, rounds int) (time.Duration, error) {
	sys, err := startProtoRemote()
	if err != nil {
		return 0, err
	}
	echo := proto.NewPID(peer, echoName)
	if _, err := askProto(ctx, sys, echo, pbBall(0, "warm-up")); err != nil {
		return 0, fmt.Errorf("W2 remote: warm-up: %w", err)
	}
	ping := sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &remotePing{} }))
	done := make(chan int, 1)
	start := time.Now()
	sys.Root.Send(ping, &protoStart{peer: echo, count: rounds, done: done})
	return awaitCount(ctx, done, start, rounds, "W2 remote: round trips")
}

func fanInRemoteProto(ctx context.Context, peer string, count int, from Producer) (time.Duration, error) {
	sys, err := startProtoRemote()
	if err != nil {
		return 0, err
	}
	tally := proto.NewPID(peer, tallyName)
	if a, err := askProto(ctx, sys, tally, pbBall(0, "end")); err != nil {
		return 0, fmt.Errorf("W3 remote: warm-up: %w", err)
	} else if v, _ := a.(*wrapperspb.Int64Value); v.GetValue() != 1 {
		return 0, fmt.Errorf("W3 remote: warm-up answered %v, want 1", a)
	}
	var producer *proto.PID
	if from == FromActor {
		producer = sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &remoteProducer{} }))
	}
	done := make(chan int, 1)
	start := time.Now()
	if from == FromActor {
		sys.Root.Send(producer, &protoStart{peer: tally, count: count, done: done})
	} else {
		for i := range count {
			sys.Root.Send(tally, pbBall(i, "x"))
		}
		a, err := askProto(ctx, sys, tally, pbBall(count, "end"))
		if err != nil {
			return 0, fmt.Errorf("W3 remote: %w", err)
		}
		v, _ := a.(*wrapperspb.Int64Value)
		done <- int(v.GetValue())
	}
	return awaitCount(ctx, done, start, count+1, "W3 remote: messages counted")
}

// newMurmurNode starts a murmur system running Scripts as a node on
// a free loopback port.
func newMurmurNode() (*actor.System, error) {
	return actor.NewSystem(actor.Config{FS: Scripts, Node: &actor.NodeConfig{Listen: "127.0.0.1:0"}})
}

func pingPongRemoteMurmur(ctx context.Context, peer string, rounds int) (time.Duration, error) {
	sys, err := newMurmurNode()
	if err != nil {
		return 0, err
	}
	pong := actor.Address{Node: peer, ID: pongName}
	var echoed map[string]any
	if err := sys.Request(ctx, pong, map[string]any{"n": 0, "tag": "warm-up"}, &echoed); err != nil {
		return 0, fmt.Errorf("W2 remote: warm-up: %w", err)
	}
	ping, err := murmurSystem{sys}.spawn(ctx, "ping.star")
	if err != nil {
		return 0, err
	}
	return rally(ctx, murmurSystem{sys}, ping, pong, rounds, "W2 remote")
}

func fanInRemoteMurmur(ctx context.Context, peer string, count int, from Producer) (time.Duration, error) {
	sys, err := newMurmurNode()
	if err != nil {
		return 0, err
	}
	tally := actor.Address{Node: peer, ID: tallyName}
	var got int
	if err := sys.Request(ctx, tally, map[string]any{"n": 0, "tag": "end"}, &got); err != nil {
		return 0, fmt.Errorf("W3 remote: warm-up: %w", err)
	} else if got != 1 {
		return 0, fmt.Errorf("W3 remote: warm-up answered %d, want 1", got)
	}
	return fanIn(ctx, murmurSystem{sys}, tally, count, from, "W3 remote")
}
