// This file holds what makes a System a node: NodeConfig, starting
// protoactor's remote (gRPC) with murmur's guards on peers' connections,
// and the node's state. What it does for its actors is in nodelink.go,
// peers' requests in control.go, its shutdown in nodestop.go.

package actor

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/murmur-go/murmur/actor/internal/wire"
)

// NodeConfig makes a System a node: its actors can be reached from other
// processes and machines, and it can reach theirs, through protoactor's
// remote transport (gRPC). Addresses carry their node ("host:port"), so
// send, request, reply, watch and stop work the same on local and remote
// actors.
//
// Threat model: a node trusts every peer that can connect to it. A peer can
// send any actor a message and stop any actor, as a local actor can. Keep a
// node on loopback (the default) or a private network, and use TLS with
// client certificates (TLS below) to decide who may connect. Running code
// sent by peers (remote spawn) is refused unless AllowRemoteSpawn is set:
// such code runs as any script here, with this system's builtins and
// limits, and so can use what those builtins grant and as much CPU and
// memory as the limits allow.
//
// Quotas bound what peers make a node keep; their zero values are defaults
// a laptop survives. The actors peers start, with those these start, are
// counted: a spawn past a quota fails with ErrQuotaExceeded. The code peers
// send is a cache (a script is sent and compiled once per node) in which
// the least recently used sources, then compiled bundles, make room; actors
// running an evicted bundle keep it. A source counts its bytes plus 512, a
// bundle its sources' bytes plus 512; one larger than a quota fails.
type NodeConfig struct {
	// Listen is the host:port to listen on. Empty means 127.0.0.1:0 (a free
	// port on loopback). Listening on every interface ("0.0.0.0:7001",
	// ":7001") must be asked for explicitly, and wants TLS.
	Listen string
	// Advertise is the address peers reach this node at, if not the one it
	// listens on (behind NAT, or when Listen is all interfaces).
	Advertise string
	// TLS, if set, secures the transport both ways: it is the server's
	// configuration (Certificates; ClientCAs with ClientAuth for mutual TLS)
	// and the client's (RootCAs to verify peers; Certificates to present).
	// Nil means plaintext, which is only safe on loopback.
	TLS *tls.Config
	// AllowRemoteSpawn lets peers start actors here running scripts they
	// send. False (the default) refuses them with ErrRemoteSpawnRefused.
	AllowRemoteSpawn bool
	// MaxPeerActors bounds the live actors one peer may have started here,
	// counting the actors they start. Zero means 10,000.
	MaxPeerActors int
	// MaxGuestActors bounds the live actors all peers together may have
	// started here, counted the same way. Zero means 100,000.
	MaxGuestActors int
	// MaxPeerSourceBytes bounds the code cache's entries one peer sent or
	// had compiled, in bytes of source. Zero means 16 MiB.
	MaxPeerSourceBytes int64
	// MaxSourceBytes bounds the code cache, in bytes of source. Zero means
	// 64 MiB.
	MaxSourceBytes int64
	// MaxPeerBundles bounds the compiled bundles one peer's spawns keep in
	// the code cache. Zero means 64.
	MaxPeerBundles int
	// MaxBundles bounds the compiled bundles in the code cache. Zero means
	// 256.
	MaxBundles int
	// Peers are other nodes' addresses, as scripts see them in nodes(): where
	// spawn(node=) and pools can put actors. Nodes need no list to talk to
	// each other; an address is enough.
	Peers []string
}

var (
	// ErrNodeUnreachable is the error of a request to an actor whose node
	// cannot be reached or was lost while the request waited.
	ErrNodeUnreachable = kind("unreachable", "actor: node unreachable")
	// ErrRemoteSpawnRefused is the error of a spawn on a node that does not
	// accept code from peers.
	ErrRemoteSpawnRefused = kind("refused", "actor: remote spawn refused")
	// ErrNotNode is the error of reaching another node from a System that is
	// not a node itself (no Config.Node): it could not be answered.
	ErrNotNode = kind("not_node", "actor: this system is not a node (set Config.Node)")
)

// controlID is the process id of a node's control process.
const controlID = "$murmur"

// quarantine is how long a lost node is reported unreachable at once,
// before the next message tries to connect again.
const quarantine = 2 * time.Second

// maxWireMessage bounds one gRPC message between nodes: a batch of
// envelopes, which protoactor's endpoint writer makes of up to 1000 queued
// messages.
const maxWireMessage = 1 << 30

// endpointQueue is the initial size of the queue of messages to one peer.
const endpointQueue = 1024

// node is the state of a System that is a node.
type node struct {
	sys     *System
	remote  *remote.Remote
	cfg     NodeConfig
	sub     *eventstream.Subscription
	ctl     sync.WaitGroup // control requests in flight
	pending sync.Map       // *replySlot -> node address: requests waiting on another node
	down    sync.Map       // node address -> time.Time: lost, unreachable until then
	code    codeCache

	mu     sync.Mutex
	closed bool                       // no more control requests nor connections from peers
	guest  map[string]map[string]bool // ids of the actors spawned here for a peer, by the peer's node
	guests guestCount                 // those and their descendants, for the quotas

	streams   sync.WaitGroup // connections from peers being served
	endpoints []*proto.PID   // protoactor's actors behind the connections to peers
	sendMu    sync.RWMutex   // held for reading while a message is handed to the transport
	stopped   bool           // under sendMu: the transport is stopping or stopped
}

// startNode starts protoactor's remote on the system's protoactor system.
// protoactor panics when it cannot listen; that becomes the error.
func (s *System) startNode(nc NodeConfig) (err error) {
	if err := nc.checkQuotas(); err != nil {
		return err
	}
	listen := cmp.Or(nc.Listen, "127.0.0.1:0")
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("actor: node: listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(cmp.Or(portText, "0"))
	if err != nil || port < 0 || port > 65535 {
		return fmt.Errorf("actor: node: listen address %q: bad port", listen)
	}
	n := &node{sys: s, cfg: nc, guest: make(map[string]map[string]bool)}
	n.code.init(nc)
	server := []grpc.ServerOption{grpc.MaxRecvMsgSize(maxWireMessage), grpc.StreamInterceptor(n.recoverPeer), grpc.UnaryInterceptor(refuseUnary)}
	opts := []remote.ConfigOption{remote.WithServerOptions(server...),
		// protoactor's queue to each peer starts at a million slots (16 MiB
		// per peer, kept for the connection's life); it grows as needed.
		remote.WithEndpointWriterQueueSize(endpointQueue)}
	if nc.Advertise != "" {
		opts = append(opts, remote.WithAdvertisedHost(nc.Advertise))
	}
	if nc.TLS != nil {
		creds := credentials.NewTLS(nc.TLS)
		opts = append(opts,
			remote.WithServerOptions(append(server, grpc.Creds(creds))...),
			remote.WithDialOptions(grpc.WithTransportCredentials(creds)))
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		s.logger.Warn("node listens beyond loopback without TLS: any host that reaches it can message its actors",
			"listen", listen)
	}
	cfg := remote.Configure(host, port, opts...)
	cfg.MaxRetryCount = 1 // a lost node is reported at once; murmur quarantines it
	r := remote.NewRemote(s.proto, cfg)
	n.remote = r
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("actor: node: start on %s: %v", listen, p)
		}
	}()
	if s.cfg.Cluster != nil {
		if r, err = s.startClusterNode(n, cfg); err != nil {
			return err
		}
	} else {
		r.Start()
	}
	for _, id := range endpointActors {
		if _, ok := s.proto.ProcessRegistry.GetLocal(id); ok {
			n.endpoints = append(n.endpoints, proto.NewPID(s.proto.Address(), id))
		}
	}
	if len(n.endpoints) < len(endpointActors) {
		s.logger.Warn("node: protoactor's endpoint actors are not where murmur expects them (another protoactor version?); " +
			"shutdown will use protoactor's own, which can crash the process if a peer leaves at that moment")
	}
	if _, ok := s.proto.ProcessRegistry.Add(&control{sys: s, n: n}, controlID); !ok {
		r.Shutdown(false)
		return fmt.Errorf("actor: node: %s is taken", controlID)
	}
	n.sub = s.proto.EventStream.SubscribeWithPredicate(func(e any) {
		switch e := e.(type) {
		case *remote.EndpointTerminatedEvent:
			n.lost(e.Address)
		case *proto.DeadLetterEvent:
			n.deadLetter(e)
		}
	}, func(e any) bool {
		switch e := e.(type) {
		case *remote.EndpointTerminatedEvent:
			return true
		case *proto.DeadLetterEvent:
			switch e.Message.(type) {
			case *wire.Envelope, *wire.Stop:
				return true
			}
		}
		return false
	})
	s.net = n
	return nil
}

// remoteDeadLetter accounts for a message from a peer that reached no
// actor here, or one protoactor could not send to a peer: it goes to
// murmur's dead letters like any other. (A requester has been answered by
// protoactor already.)
func (n *node) deadLetter(e *proto.DeadLetterEvent) {
	s := n.sys
	if e.PID == nil {
		return
	}
	to := s.address(e.PID)
	var env *envelope
	switch m := e.Message.(type) {
	case *wire.Envelope:
		if m.ErrorCode != 0 {
			return
		}
		env = fromWire(m, e.Sender)
	case *wire.Stop:
		env = stopLetter(Address{Node: to.Node, ID: m.GetId()}, m.GetBy(), s.cfg.Limits)
	}
	why := "no such actor"
	if s.remoteNode(to) {
		why = "node unreachable"
	}
	s.deadLetter(to, env, why)
}

// recoverPeer serves a peer's connection. It keeps a malformed message
// from a peer from crashing the process: protoactor's endpoint reader
// indexes the batch's tables and looks its type names up without checking
// them, and panics on a bad one, on a gRPC goroutine. The peer's connection
// is closed with an error instead. It also counts the connections being
// served, which stopNode waits for, and refuses new ones once the node stops.
func (n *node) recoverPeer(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return status.Error(codes.Unavailable, "murmur node: shutting down")
	}
	n.streams.Add(1)
	n.mu.Unlock()
	defer n.streams.Done()
	defer func() {
		if p := recover(); p != nil {
			n.sys.logger.Error("node: malformed message from a peer; its connection is closed", "error", p)
			err = status.Errorf(codes.InvalidArgument, "murmur node: malformed message: %v", p)
		}
	}()
	return handler(srv, ss)
}

// refuseUnary answers the unary calls of protoactor's remote service
// (ListProcesses, GetProcessDiagnostics), which protoactor leaves
// unimplemented with a panic on gRPC's goroutine: any peer that can connect
// could crash the node with one. murmur serves neither.
func refuseUnary(_ context.Context, _ any, info *grpc.UnaryServerInfo, _ grpc.UnaryHandler) (any, error) {
	return nil, status.Errorf(codes.Unimplemented, "murmur node: %s is not served", info.FullMethod)
}

func (n *node) address() string { return n.sys.node }
func (n *node) peers() []string { return append([]string(nil), n.cfg.Peers...) }
