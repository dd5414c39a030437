// This file holds the goroutines protoactor's cluster leaves behind, for
// the leak checks of packages that start cluster members in-process.

package clustertest

import "go.uber.org/goleak"

// LeakOptions are goleak options that ignore the goroutines protoactor's
// cluster (at the version in go.mod) never ends: its gossip throttles, the
// automanaged provider's poll loop (which ends one poll after shutdown),
// and the etcd provider's keep-alive loop and etcd client, which it never
// closes. murmur's own goroutines are still checked.
func LeakOptions() []goleak.Option {
	var opts []goleak.Option
	for _, f := range []string{
		"github.com/asynkron/protoactor-go/cluster.(*Gossiper).StartGossiping.NewThrottle.func3.1",
		"github.com/asynkron/protoactor-go/cluster.NewGossipActor.NewThrottleWithLogger.func2.1",
		"github.com/asynkron/protoactor-go/cluster/clusterproviders/automanaged.(*AutoManagedProvider).monitorMemberStatusChanges.func1",
		"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd.(*Provider).keepAliveForever",
		"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd.(*Provider).startKeepAlive.func1",
		"go.etcd.io/etcd/client/v3.(*lessor).deadlineLoop",
		"go.etcd.io/etcd/client/v3.(*lessor).recvKeepAliveLoop",
		"go.etcd.io/etcd/client/v3.(*lessor).sendKeepAliveLoop",
		"go.etcd.io/etcd/client/v3.(*lessor).keepAliveCtxCloser",
		"go.etcd.io/etcd/client/v3.(*watchGrpcStream).run",
		"google.golang.org/grpc.(*addrConn).resetTransport",
		"google.golang.org/grpc.(*pickerWrapper).pick",
		"google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run",
		"google.golang.org/grpc/internal/transport.(*http2Client).keepalive",
		"google.golang.org/grpc/internal/transport.(*controlBuffer).get",
		"google.golang.org/grpc/internal/transport.(*http2Client).reader",
	} {
		opts = append(opts, goleak.IgnoreAnyFunction(f))
	}
	return opts
}
