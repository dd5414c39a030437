// C1, grains across processes: request round trips to grains hosted by
// three member processes on loopback, murmur's script grains beside raw
// protoactor cluster grains (Go actors), both on protoactor's cluster
// (automanaged membership, disthash identity lookup).
//
// A Cluster is six member processes of this binary (three per side, roles
// "grains-proto" and "grains-murmur"), each told its membership address
// and the seeds on standard input, each printing its address once it sees
// the three members. A measurement runs in a fresh client process that
// joins its side's cluster as a member hosting no kind, activates
// ClusterGrains grains with one untimed request each, then times count
// requests, one at a time, over them in turn.

package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/automanaged"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/labstack/echo"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/murmur-go/murmur/actor"
)

// ClusterGrains is how many grains a C1 measurement spreads its requests
// over.
const ClusterGrains = 300

// grainKind is the kind of C1's grains on both sides.
const grainKind = "echo"

// Cluster is the member processes of C1, started by StartCluster.
type Cluster struct {
	// Proto and Murmur are the membership addresses (the seeds) of the
	// raw protoactor side's three members and murmur's.
	Proto, Murmur []string

	members []*child
}

// clusterJob is what a member process is told.
type clusterJob struct {
	Membership string   `json:"membership"` // where it serves the automanaged membership
	Seeds      []string `json:"seeds"`      // the three members' membership addresses
}

// StartCluster starts three member processes per side and returns once
// each sees its side's three members. Close it when done.
func StartCluster(ctx context.Context) (*Cluster, error) {
	cl := &Cluster{}
	for _, role := range []string{"grains-proto", "grains-murmur"} {
		seeds, err := freeAddrs(3)
		if err != nil {
			return nil, err
		}
		if role == "grains-proto" {
			cl.Proto = seeds
		} else {
			cl.Murmur = seeds
		}
		for _, s := range seeds {
			c, err := startChild(role)
			if err != nil {
				_ = cl.Close()
				return nil, err
			}
			cl.members = append(cl.members, c)
			b, _ := json.Marshal(clusterJob{Membership: s, Seeds: seeds})
			if _, err := c.stdin.Write(append(b, '\n')); err != nil {
				_ = cl.Close()
				return nil, err
			}
		}
	}
	for _, c := range cl.members {
		var line serverLine
		if err := c.readLine(ctx, 2*time.Minute, &line); err != nil {
			_ = cl.Close()
			return nil, fmt.Errorf("bench: starting a cluster member: %w%s", err, c.stderr.suffix())
		}
	}
	return cl, nil
}

// Close ends the member processes and waits for them.
func (cl *Cluster) Close() error {
	var errs []error
	for _, c := range cl.members {
		_ = c.stdin.Close()
	}
	for _, c := range cl.members {
		errs = append(errs, c.close("cluster member"))
	}
	return errors.Join(errs...)
}

// GrainsRemoteProto runs C1 on raw protoactor cluster grains: a client
// process calls Cluster.Request count times, over ClusterGrains identities.
func GrainsRemoteProto(ctx context.Context, cl *Cluster, count int) (time.Duration, error) {
	return measure(ctx, remoteJob{Workload: "C1", Side: "proto", Seeds: cl.Proto, Count: count})
}

// GrainsRemoteMurmur runs C1 on murmur's grains: a client process calls
// Grain.Request count times, over ClusterGrains identities of egrain.star.
func GrainsRemoteMurmur(ctx context.Context, cl *Cluster, count int) (time.Duration, error) {
	return measure(ctx, remoteJob{Workload: "C1", Side: "murmur", Seeds: cl.Murmur, Count: count})
}

// serveGrains is a member process: it hosts the grain kind until its
// input closes.
func serveGrains(role string, job []byte, eof <-chan struct{}) error {
	var j clusterJob
	if err := json.Unmarshal(job, &j); err != nil {
		return fmt.Errorf("the job %q: %w", job, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var addr string
	if role == "grains-proto" {
		c, members, err := startProtoMember(j.Membership, j.Seeds, true)
		if err != nil {
			return err
		}
		if err := waitMembers(ctx, members, len(j.Seeds)); err != nil {
			return err
		}
		addr = c.ActorSystem.Address()
	} else {
		sys, err := startMurmurMember(j.Membership, j.Seeds, true)
		if err != nil {
			return err
		}
		if err := waitMembers(ctx, func() int { return len(sys.ClusterMembers()) }, len(j.Seeds)); err != nil {
			return err
		}
		addr = sys.Node()
	}
	if err := printLine(serverLine{Addr: addr}); err != nil {
		return err
	}
	<-eof
	return nil
}

// startProtoMember starts a raw protoactor cluster member whose
// automanaged membership is served at membership, hosting the echo kind
// if host.
func startProtoMember(membership string, seeds []string, host bool) (c *cluster.Cluster, members func() int, err error) {
	sys := newProto()
	ln, err := net.Listen("tcp", membership)
	if err != nil {
		return nil, nil, err
	}
	_, portText, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(portText)
	e := echo.New()
	e.HideBanner, e.HidePort, e.Listener = true, true, ln
	var kinds []*cluster.Kind
	names := []string{}
	if host {
		kinds = append(kinds, cluster.NewKind(grainKind, proto.PropsFromFunc(grainEcho)))
		names = append(names, grainKind)
	}
	provider := automanaged.NewWithTesting(time.Second, port, e, append(seeds, ln.Addr().String())...)
	c = cluster.New(sys, cluster.Configure("bench", provider, disthash.New(), remote.Configure("127.0.0.1", 0), cluster.WithKinds(kinds...)))
	e.GET("/_health", func(ec echo.Context) error {
		h, p, _ := sys.GetHostPort()
		return ec.JSON(http.StatusOK, automanaged.NewNode("bench", sys.ID, h, p, port, names))
	})
	// The members, as the topology events tell them (MemberList is not
	// safe to read while it changes).
	var seen atomic.Int64
	sys.EventStream.Subscribe(func(e any) {
		if t, ok := e.(*cluster.ClusterTopology); ok {
			seen.Store(int64(len(t.Members)))
		}
	})
	defer func() {
		if p := recover(); p != nil { // StartMember panics when it cannot start
			err = fmt.Errorf("protoactor cluster: %v", p)
		}
	}()
	c.StartMember()
	return c, func() int { return int(seen.Load()) }, nil
}

// grainEcho is the raw side's grain: it answers each ball with itself.
func grainEcho(c proto.Context) {
	if m, ok := c.Message().(*structpb.Struct); ok {
		c.Respond(m)
	}
}

// startMurmurMember starts a murmur cluster member whose membership is
// served at membership, hosting egrain.star as the echo kind if host.
func startMurmurMember(membership string, seeds []string, host bool) (*actor.System, error) {
	cc := &actor.ClusterConfig{Name: "bench", Membership: membership, Seeds: seeds}
	if host {
		cc.Kinds = map[string]actor.Kind{grainKind: {Script: "egrain.star"}}
	}
	return actor.NewSystem(actor.Config{FS: Scripts, Cluster: cc})
}

// waitMembers waits until members() reports at least n.
func waitMembers(ctx context.Context, members func() int, n int) error {
	for members() < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: %d members seen, want %d: %w", members(), n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// grainsRemote is the client side of C1: it joins the cluster at seeds,
// activates the grains, and times count requests.
func grainsRemote(ctx context.Context, side string, seeds []string, count int) (time.Duration, error) {
	own, err := freeAddrs(1)
	if err != nil {
		return 0, err
	}
	var call func(i int) error
	if side == "proto" {
		c, members, err := startProtoMember(own[0], seeds, false)
		if err != nil {
			return 0, err
		}
		if err := waitMembers(ctx, members, len(seeds)+1); err != nil {
			return 0, err
		}
		call = func(i int) error {
			a, err := c.Request("g"+strconv.Itoa(i%ClusterGrains), grainKind, pbBall(i, "x"))
			if err != nil {
				return err
			}
			if m, ok := a.(*structpb.Struct); !ok || int(m.Fields["n"].GetNumberValue()) != i {
				return fmt.Errorf("grain g%d answered %v", i%ClusterGrains, a)
			}
			return nil
		}
	} else {
		sys, err := startMurmurMember(own[0], seeds, false)
		if err != nil {
			return 0, err
		}
		if err := waitMembers(ctx, func() int { return len(sys.ClusterMembers()) }, len(seeds)+1); err != nil {
			return 0, err
		}
		call = func(i int) error {
			var a map[string]any
			if err := sys.Grain(grainKind, "g"+strconv.Itoa(i%ClusterGrains)).Request(ctx, map[string]any{"n": i, "tag": "x"}, &a); err != nil {
				return err
			}
			if n, _ := a["n"].(int64); int(n) != i {
				return fmt.Errorf("grain g%d answered %v", i%ClusterGrains, a)
			}
			return nil
		}
	}
	for i := range ClusterGrains { // activations, untimed
		if err := call(i); err != nil {
			return 0, fmt.Errorf("C1 %s: activating: %w", side, err)
		}
	}
	start := time.Now()
	for i := range count {
		if err := call(i); err != nil {
			return 0, fmt.Errorf("C1 %s: request %d: %w", side, i, err)
		}
	}
	return time.Since(start), nil
}

// freeAddrs returns n free 127.0.0.1:port addresses (free when asked).
func freeAddrs(n int) ([]string, error) {
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		out = append(out, ln.Addr().String())
		_ = ln.Close()
	}
	return out, nil
}
