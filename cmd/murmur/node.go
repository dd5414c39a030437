// This file holds `murmur node` and the node flags `murmur run` shares.

package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// netFlags are the flags that make a process a node.
type netFlags struct {
	listen, advertise      string
	allowSpawn             bool
	peers                  []string
	tlsCert, tlsKey, tlsCA string
	listenDefault          string
	quotas                 quotaFlags
}

// quotaFlags bound what peers make a node keep (actor.NodeConfig's Max
// fields); zero means the default.
type quotaFlags struct {
	peerActors, guestActors   int
	peerBundles, bundles      int
	peerSourceBytes, srcBytes byteSize
}

func nodeFlags(fs *flag.FlagSet, listenDefault string) *netFlags {
	nf := &netFlags{listenDefault: listenDefault}
	fs.StringVar(&nf.listen, "listen", listenDefault, "host:port this node listens on (loopback unless you name another interface)")
	fs.StringVar(&nf.advertise, "advertise", "", "host:port peers reach this node at, if not the listen address")
	fs.BoolVar(&nf.allowSpawn, "allow-remote-spawn", false, "run scripts that peers send (code execution by design: trusted peers only)")
	peer := func(v string) error {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				nf.peers = append(nf.peers, p)
			}
		}
		return nil
	}
	fs.Func("peer", "host:port of another node scripts may use (repeatable, or comma-separated)", peer)
	fs.Func("node", "the same as -peer", peer)
	fs.StringVar(&nf.tlsCert, "tls-cert", "", "PEM certificate of this node (with -tls-key): TLS between nodes")
	fs.StringVar(&nf.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&nf.tlsCA, "tls-ca", "", "PEM CA that peers' certificates must chain to (mutual TLS)")
	q := &nf.quotas
	fs.IntVar(&q.peerActors, "max-peer-actors", 0, "live actors one peer may start here, counting those they start (0: 10000)")
	fs.IntVar(&q.guestActors, "max-guest-actors", 0, "live actors all peers together may start here (0: 100000)")
	fs.Var(&q.peerSourceBytes, "max-peer-source-bytes", "`bytes` of source of one peer's scripts kept compiled or cached, e.g. 8MiB (0: 16MiB)")
	fs.Var(&q.srcBytes, "max-source-bytes", "`bytes` of source of all peers' scripts kept compiled or cached (0: 64MiB)")
	fs.IntVar(&q.peerBundles, "max-peer-bundles", 0, "compiled scripts of one peer kept for its next spawns (0: 64)")
	fs.IntVar(&q.bundles, "max-bundles", 0, "compiled scripts of all peers kept for their next spawns (0: 256)")
	return nf
}

// byteSize is a flag's count of bytes: 1048576, 512KiB, 16MiB or 1GiB.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(v string) error {
	num, unit := v, int64(1)
	for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			num, unit = n, u
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/unit {
		return errors.New("want a count of bytes, as 1048576, 512KiB, 16MiB or 1GiB")
	}
	*b = byteSize(n * unit)
	return nil
}

// config returns the NodeConfig the flags ask for, or nil when they ask
// for none (no -listen and need is false).
func (nf *netFlags) config(need bool) (*actor.NodeConfig, error) {
	if nf.listen == "" && !need && !nf.allowSpawn {
		return nil, nil
	}
	q := nf.quotas
	for _, f := range []struct {
		name string
		v    int
	}{{"max-peer-actors", q.peerActors}, {"max-guest-actors", q.guestActors},
		{"max-peer-bundles", q.peerBundles}, {"max-bundles", q.bundles}} {
		if f.v < 0 {
			return nil, fmt.Errorf("-%s %d: want 0 (the default) or more", f.name, f.v)
		}
	}
	nc := &actor.NodeConfig{Listen: nf.listen, Advertise: nf.advertise, AllowRemoteSpawn: nf.allowSpawn, Peers: nf.peers,
		MaxPeerActors: q.peerActors, MaxGuestActors: q.guestActors,
		MaxPeerSourceBytes: int64(q.peerSourceBytes), MaxSourceBytes: int64(q.srcBytes),
		MaxPeerBundles: q.peerBundles, MaxBundles: q.bundles}
	var err error
	nc.TLS, err = loadTLS(nf.tlsCert, nf.tlsKey, nf.tlsCA)
	return nc, err
}

// loadTLS builds a mutual-TLS configuration from PEM files; nil when none
// is given.
func loadTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" && caFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" || caFile == "" {
		return nil, errors.New("TLS needs -tls-cert, -tls-key and -tls-ca together")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("-tls-cert/-tls-key: %w", err)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("-tls-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("-tls-ca: %s holds no PEM certificate", caFile)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}, nil
}

// nodeFS is what a node's scripts load from: nothing, or, for a cluster
// member hosting grain kinds from its own scripts or shipping kinds, the
// current folder.
func nodeFS(cc *actor.ClusterConfig) fs.FS {
	if cc != nil && len(cc.Ship) > 0 {
		return os.DirFS(".")
	}
	if cc != nil {
		for _, k := range cc.Kinds {
			if !k.Shipped {
				return os.DirFS(".")
			}
		}
	}
	return fstest.MapFS{}
}

func node(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("murmur node", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf := procFlags(fs, "cores to use (GOMAXPROCS) (0: all of them)")
	nf := nodeFlags(fs, "127.0.0.1:7001")
	cf := addClusterFlags(fs)
	of := observeFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: murmur node [flags]\n\nServes as a node: peers send its actors messages and, with -allow-remote-spawn,\nstart actors on it. Prints \"murmur node listening on host:port\" when ready. "+gcHelp+" Flags:\n")
		fs.PrintDefaults()
	}
	if status, done := parse(fs, args); done {
		return status
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	level, restore, err := pf.apply()
	if err == nil {
		defer restore()
	}
	nc, nerr := nf.config(true)
	cc, cerr := cf.config()
	if err = cmp.Or(err, nerr, cerr); err != nil {
		fmt.Fprintf(stderr, "murmur node: %v\n", err)
		return 2
	}
	defer of.shutdown()
	defer of.close()
	if err := of.listen(); err != nil {
		fmt.Fprintf(stderr, "murmur node: %v\n", err)
		return 2
	}
	var mu sync.Mutex
	sys, err := actor.NewSystem(of.configure(actor.Config{
		FS:       nodeFS(cc), // no local files: a node's scripts come from peers, but for its grain kinds
		Cluster:  cc,
		Clock:    true,
		MaxSteps: *pf.maxSteps,
		Node:     nc,
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Print: func(from actor.Address, msg string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(stdout, msg)
		},
	}))
	if err != nil {
		fmt.Fprintf(stderr, "murmur node: %v\n", err)
		return 1
	}
	of.serve(sys, stderr)
	spawn := "refuses code from peers (start with -allow-remote-spawn to accept it)"
	if nc.AllowRemoteSpawn {
		spawn = "runs code from peers"
	}
	mu.Lock()
	fmt.Fprintf(stdout, "murmur node listening on %s; %s\n", sys.Node(), spawn)
	mu.Unlock()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var members sync.WaitGroup
	if cc != nil {
		members.Go(func() {
			reportMembers(ctx, sys, cc.Name, func(line string) {
				mu.Lock()
				defer mu.Unlock()
				fmt.Fprintln(stdout, line)
			})
		})
	}
	<-ctx.Done()
	members.Wait()
	of.close()
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := sys.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "murmur node: %v\n", err)
		return 1
	}
	return 0
}
