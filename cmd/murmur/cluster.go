// This file holds the cluster flags `murmur node` and `murmur run` share:
// -cluster, -kind, -ship, -etcd, -membership, -seed, -idle.

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// clusterFlags make a process a cluster member.
type clusterFlags struct {
	name       string
	kinds      map[string]string
	ship       map[string]string
	etcd       []string
	membership string
	seeds      []string
	idle       time.Duration
}

func addClusterFlags(fs *flag.FlagSet) *clusterFlags {
	cf := &clusterFlags{kinds: map[string]string{}, ship: map[string]string{}}
	list := func(dst *[]string) func(string) error {
		return func(v string) error {
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					*dst = append(*dst, p)
				}
			}
			return nil
		}
	}
	fs.StringVar(&cf.name, "cluster", "", "join the cluster of this name: grains (virtual actors) found by kind and identity")
	pair := func(dst map[string]string, or string) func(string) error {
		return func(v string) error {
			k, script, ok := strings.Cut(v, "=")
			if !ok || k == "" || script == "" {
				return fmt.Errorf("want kind=script.star, not %q%s", v, or)
			}
			if _, dup := dst[k]; dup {
				return fmt.Errorf("kind %q given twice", k)
			}
			dst[k] = script
			return nil
		}
	}
	fs.Func("kind", "`kind=script.star`: a grain kind this member hosts (repeatable; paths relative to the current folder for node, the application's for run); "+
		"kind=@shipped hosts it with the script a peer ships (-ship), and needs -allow-remote-spawn", pair(cf.kinds, " (or kind=@shipped)"))
	fs.Func("ship", "`kind=script.star`: send this script, with the libraries it loads, to the members hosting kind=@shipped (repeatable)", pair(cf.ship, ""))
	fs.Func("etcd", "host:port of the etcd server that keeps the membership (repeatable; default: automanaged, no server)", list(&cf.etcd))
	fs.StringVar(&cf.membership, "membership", "", "host:port the automanaged membership is served on (default 127.0.0.1, a free port)")
	fs.Func("seed", "-membership host:port of another member (automanaged; repeatable, or comma-separated)", list(&cf.seeds))
	fs.DurationVar(&cf.idle, "idle", 0, "how long a grain may go without messages before it is passivated (0: 3m)")
	return cf
}

// config returns the ClusterConfig the flags ask for, or nil for none.
func (cf *clusterFlags) config() (*actor.ClusterConfig, error) {
	if cf.name == "" {
		if len(cf.kinds)+len(cf.ship)+len(cf.etcd)+len(cf.seeds) > 0 || cf.membership != "" {
			return nil, fmt.Errorf("-kind, -ship, -etcd, -seed and -membership need -cluster NAME")
		}
		return nil, nil
	}
	if cf.idle < 0 {
		return nil, fmt.Errorf("-idle %v: want 0 (the default) or more", cf.idle)
	}
	cc := &actor.ClusterConfig{Name: cf.name, Etcd: cf.etcd, Membership: cf.membership, Seeds: cf.seeds,
		Kinds: map[string]actor.Kind{}}
	for k, script := range cf.kinds {
		if script == "@shipped" {
			cc.Kinds[k] = actor.Kind{Shipped: true, Idle: cf.idle}
		} else {
			cc.Kinds[k] = actor.Kind{Script: script, Idle: cf.idle}
		}
	}
	if len(cf.ship) > 0 {
		cc.Ship = cf.ship
	}
	return cc, nil
}

// reportMembers prints "cluster NAME: N members" each time the number of
// members this one sees changes, until ctx is done.
func reportMembers(ctx context.Context, sys *actor.System, name string, print func(string)) {
	last := -1
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if n := len(sys.ClusterMembers()); n != last {
			last = n
			print(fmt.Sprintf("cluster %s: %d members", name, n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
