// This file holds cluster membership: ClusterConfig, starting protoactor's
// cluster (membership, gossip, identity lookup) over the node's remote,
// and leaving it at shutdown.

package actor

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/automanaged"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/labstack/echo"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/protobuf/types/known/emptypb"
)

// ClusterConfig makes a node a member of a cluster: members find each
// other through a membership provider, and grains (virtual actors, see
// Grain) are activated on the member that protoactor's identity lookup
// picks for their identity.
//
// Membership comes from protoactor's automanaged provider (the default:
// every member serves its state over HTTP and polls the others' at Seeds;
// nothing else to run) or from an etcd server (Etcd).
type ClusterConfig struct {
	// Name is the cluster's name; members of one cluster share it. Required.
	Name string
	// Kinds are the grain kinds this member hosts, by kind name: the
	// script a grain of the kind runs. Nil means none: the member only
	// reaches grains hosted by others.
	Kinds map[string]Kind
	// Etcd, if set, are the endpoints ("host:port") of the etcd server
	// that keeps the membership. Nil means the automanaged provider.
	Etcd []string
	// Membership is the host:port this member's automanaged provider
	// serves its state on. Empty means 127.0.0.1 with a free port (enough
	// for a cluster of one). Unused with Etcd.
	Membership string
	// Seeds are the Membership addresses of the automanaged members to
	// poll, this one's included or not. Empty means this member only.
	// Unused with Etcd.
	Seeds []string
	// Refresh is how often the automanaged provider polls the seeds, and
	// so how soon a lost member is noticed. Zero means a second.
	Refresh time.Duration
	// Ship are the kinds whose script this node sends to the members that
	// host them as Shipped, by kind name: the script's path, as for Load.
	// The script and the libraries it loads go by content hash, as for a
	// remote spawn, to a member before the first grain of the kind this
	// node reaches there. Nil means none.
	Ship map[string]string
}

// Kind is a grain kind: what a grain of it runs.
type Kind struct {
	// Script is the path of the grain's script, as for Load. Required
	// unless Shipped.
	Script string
	// Shipped, instead of Script, makes the member host the kind with the
	// script a peer sends (ClusterConfig.Ship; the last sent wins). It
	// needs NodeConfig.AllowRemoteSpawn. A grain activated before any
	// peer sent the script fails with ErrNoMember.
	Shipped bool
	// Idle is how long a grain of the kind may receive nothing before it
	// is passivated. Zero means DefaultIdle.
	Idle time.Duration
}

// DefaultIdle is how long a grain is kept without messages when its kind
// names no Idle.
const DefaultIdle = 3 * time.Minute

// automanagedNoise are what protoactor's automanaged provider logs as
// errors at every shutdown (its server stopping) and at every poll of a
// seed that is not up (each second, forever, once a member is lost);
// murmur logs the membership's changes itself, once.
var automanagedNoise = map[string]bool{
	"Automanaged server stopping..!":           true,
	"Bad connection to the node health status": true,
	"Failure reaching nodes":                   true,
}

// grainNode is the Node of a grain reference's Address: no node address
// has it, since those are host:port.
const grainNode = "grain"

// ErrNotMember is the error of reaching a grain from a System that is not
// a cluster member (no Config.Cluster).
var ErrNotMember = kind("not_member", "actor: this system is not a cluster member (set Config.Cluster)")

// ErrNoMember is the error of reaching a grain of a kind that no member
// of the cluster hosts, or before membership has formed.
var ErrNoMember = kind("no_member", "actor: no cluster member hosts the grain's kind")

// clusterState is a member's part of the cluster.
type clusterState struct {
	sys    *System
	c      *cluster.Cluster
	cfg    ClusterConfig
	kinds  map[string]*grainKind
	cache  sync.Map                           // "kind/identity" -> *proto.PID: the activation last resolved
	grains sync.Map                           // actor id -> *grainKind: the activations on this member
	rdv    atomic.Pointer[cluster.Rendezvous] // the owners of identities, as the identity lookup computes them
	// members are the members' addresses and kinds, from the last
	// topology (protoactor's MemberList is not safe to read while it
	// changes).
	members atomic.Pointer[[]*cluster.Member]
	sub     *eventstream.Subscription
	ship    shipping // the kinds this node ships (clustership.go)
}

// grainKind is a kind this member hosts.
type grainKind struct {
	name    string
	mod     *Module // its script; nil if shipped
	idle    time.Duration
	shipped atomic.Pointer[shippedScript] // the script a peer shipped last, if Shipped
}

// checkCluster reports what is wrong with a ClusterConfig.
func (cc *ClusterConfig) check() error {
	if cc.Name == "" {
		return errors.New("actor: cluster: Name is required")
	}
	for k, v := range cc.Kinds {
		if k == "" || strings.Contains(k, "/") {
			return fmt.Errorf("actor: cluster: kind %q: a kind is a non-empty name without '/'", k)
		}
		if v.Script == "" && !v.Shipped {
			return fmt.Errorf("actor: cluster: kind %q: Script (or Shipped) is required", k)
		}
		if v.Script != "" && v.Shipped {
			return fmt.Errorf("actor: cluster: kind %q: Script %q and Shipped: give one", k, v.Script)
		}
		if v.Idle < 0 {
			return fmt.Errorf("actor: cluster: kind %q: negative Idle %v", k, v.Idle)
		}
	}
	for k, v := range cc.Ship {
		if k == "" || strings.Contains(k, "/") {
			return fmt.Errorf("actor: cluster: Ship: kind %q: a kind is a non-empty name without '/'", k)
		}
		if v == "" {
			return fmt.Errorf("actor: cluster: Ship: kind %q: no script", k)
		}
	}
	if cc.Refresh < 0 {
		return fmt.Errorf("actor: cluster: negative Refresh %v", cc.Refresh)
	}
	return nil
}

// startCluster starts protoactor's cluster over the node's remote
// configuration: protoactor's StartMember creates and starts the remote
// itself, and it becomes the node's. It returns the started remote.
func (s *System) startCluster(cfg *remote.Config) (*remote.Remote, error) {
	cc := *s.cfg.Cluster
	st := &clusterState{sys: s, cfg: cc, kinds: make(map[string]*grainKind)}
	kinds := make([]*cluster.Kind, 0, len(cc.Kinds))
	for _, name := range sortedKeys(cc.Kinds) {
		k := cc.Kinds[name]
		var mod *Module
		if !k.Shipped {
			var err error
			if mod, err = s.Load(k.Script); err != nil {
				return nil, fmt.Errorf("actor: cluster: kind %q: %w", name, err)
			}
		}
		gk := &grainKind{name: name, mod: mod, idle: cmp.Or(k.Idle, DefaultIdle)}
		st.kinds[name] = gk
		kinds = append(kinds, cluster.NewKind(name, proto.PropsFromFunc(func(proto.Context) {},
			proto.WithSpawnFunc(func(_ *proto.ActorSystem, id string, _ *proto.Props, parent proto.SpawnerContext) (*proto.PID, error) {
				return s.activate(gk, id, parent)
			}))))
	}
	if err := st.loadShip(s); err != nil { // clustership.go
		return nil, err
	}
	provider, err := st.provider(s)
	if err != nil {
		return nil, err
	}
	ccfg := cluster.Configure(cc.Name, provider, disthash.New(), cfg, cluster.WithKinds(kinds...))
	st.c = cluster.New(s.proto, ccfg)
	s.cl = st
	st.watchTopology(s) // from the first topology, which StartMember publishes
	st.c.StartMember()
	return st.c.Remote, nil
}

// startClusterNode starts the cluster on node n: messages to peers wait
// until protoactor's StartMember has made and started the remote, which
// becomes n's.
func (s *System) startClusterNode(n *node, cfg *remote.Config) (*remote.Remote, error) {
	n.sendMu.Lock()
	defer n.sendMu.Unlock()
	r, err := s.startCluster(cfg)
	if err != nil {
		return nil, err
	}
	n.remote = r
	return r, nil
}

// provider makes the membership provider the config asks for.
func (st *clusterState) provider(s *System) (cluster.ClusterProvider, error) {
	cc := st.cfg
	if len(cc.Etcd) > 0 {
		p, err := etcd.NewWithConfig("/murmur", clientv3.Config{Endpoints: cc.Etcd, DialTimeout: 5 * time.Second})
		if err != nil {
			return nil, fmt.Errorf("actor: cluster: etcd %v: %w", cc.Etcd, err)
		}
		return p, nil
	}
	// protoactor's automanaged provider listens on every interface; murmur
	// hands it a listener of its own, on loopback unless told otherwise.
	listen := cmp.Or(cc.Membership, "127.0.0.1:0")
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("actor: cluster: membership address %q: %w", listen, err)
	}
	_, portText, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(portText)
	seeds := slices.Clone(cc.Seeds)
	if !slices.Contains(seeds, ln.Addr().String()) && (cc.Membership == "" || !slices.Contains(seeds, cc.Membership)) {
		seeds = append(seeds, ln.Addr().String())
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Listener = ln
	p := automanaged.NewWithTesting(cmp.Or(cc.Refresh, time.Second), port, e, seeds...)
	kinds := sortedKeys(cc.Kinds)
	e.GET("/_health", func(c echo.Context) error {
		host, nodePort, _ := net.SplitHostPort(s.proto.Address())
		np, _ := strconv.Atoi(nodePort)
		return c.JSON(http.StatusOK, automanaged.NewNode(cc.Name, s.proto.ID, host, np, port, kinds))
	})
	return p, nil
}

// watchTopology keeps the cache of resolved activations honest: a member
// that leaves or joins moves identities, and an activation that ends
// (passivation) is forgotten wherever it was cached.
func (st *clusterState) watchTopology(s *System) {
	st.sub = s.proto.EventStream.SubscribeWithPredicate(func(e any) {
		switch e := e.(type) {
		case *cluster.ClusterTopology:
			rdv := cluster.NewRendezvous()
			rdv.UpdateMembers(e.Members)
			st.rdv.Store(rdv)
			members := slices.Clone(e.Members)
			st.members.Store(&members)
			if len(e.Left) > 0 || len(e.Joined) > 0 {
				st.cache.Clear()
				st.forgetShipped(e.Left, e.Joined) // a member back at an address has lost what it was sent
				s.logger.Info("cluster: membership changed", "cluster", st.cfg.Name, "members", len(e.Members),
					"joined", addresses(e.Joined), "left", addresses(e.Left))
			}
		case *cluster.ActivationTerminated:
			if e.ClusterIdentity != nil {
				key := e.ClusterIdentity.Kind + "/" + e.ClusterIdentity.Identity
				if v, ok := st.cache.Load(key); ok && v.(*proto.PID).Equal(e.Pid) {
					st.cache.CompareAndDelete(key, v)
				}
			}
		}
	}, func(e any) bool {
		switch e.(type) {
		case *cluster.ClusterTopology, *cluster.ActivationTerminated:
			return true
		}
		return false
	})
}

// stopCluster leaves the cluster, after the actors (grains included) have
// stopped: the others are told by gossip and by the provider, and the
// identity lookup's placement actor stops.
func (s *System) stopCluster() {
	st := s.cl
	if st == nil {
		return
	}
	s.proto.EventStream.Unsubscribe(st.sub)
	st.c.Gossip.SetState(cluster.GracefullyLeftKey, &emptypb.Empty{})
	if err := st.c.Config.ClusterProvider.Shutdown(true); err != nil {
		s.logger.Warn("cluster: leaving the membership provider", "error", err)
	}
	st.c.IdentityLookup.Shutdown()
	st.c.Gossip.Shutdown()
}

// ClusterMembers returns the node addresses of the cluster's members as
// this member sees them now, sorted; nil if the system is not a member.
func (s *System) ClusterMembers() []string {
	if s.cl == nil {
		return nil
	}
	var out []string
	if ms := s.cl.members.Load(); ms != nil {
		out = addresses(*ms)
	}
	slices.Sort(out)
	return out
}

// hosts reports whether a member of the last topology hosts kind.
func (st *clusterState) hosts(kind string) bool {
	if ms := st.members.Load(); ms != nil {
		for _, m := range *ms {
			if m.HasKind(kind) {
				return true
			}
		}
	}
	return false
}

// addresses returns the members' node addresses.
func addresses(ms []*cluster.Member) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Address())
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
