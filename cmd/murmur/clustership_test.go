// Tests of shipped grain kinds (-kind K=@shipped, -ship K=script.star) and
// of the quotas grain activations count against, with real `murmur node`
// processes on loopback.

package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestClusterShipped ships a kind's script and its library from the
// driver to the one member that hosts the kind as @shipped; another
// member, hosting another kind, gets none of its grains.
func TestClusterShipped(t *testing.T) {
	seeds := []string{freeAddr(t), freeAddr(t)}
	all := strings.Join(seeds, ",")
	host, hostAddr := startNode(t, "-cluster", "s", "-kind", "user=@shipped", "-allow-remote-spawn", "-membership", seeds[0], "-seed", all)
	other, _ := startNode(t, "-cluster", "s", "-kind", "other=testdata/cluster/user.star", "-membership", seeds[1], "-seed", all)
	for _, p := range []*proc{host, other} {
		p.expect(`^cluster s: 2 members$`, 60*time.Second)
	}
	const n = 20
	app := start(t, "run", "-cluster", "s", "-seed", all, "-ship", "user=shipped.star", "testdata/cluster/ship.star", "user", fmt.Sprint(n))
	for i := range n {
		m := app.expect(fmt.Sprintf(`^g%d (.*)$`, i), 60*time.Second)
		if want := fmt.Sprintf("at %s says shipped-g%d", hostAddr, i); m[1] != want {
			t.Errorf("grain g%d: %q, want %q", i, m[1], want)
		}
	}
	app.expect(`^done$`, 10*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("driver exited with %d; stderr:\n%s", st, app.stderr.String())
	}
}

// TestClusterGrainQuota activates grains on a member for another process
// past the member's -max-peer-actors: the activation over it is refused
// with an error that names the quota and its flag.
func TestClusterGrainQuota(t *testing.T) {
	seed := freeAddr(t)
	member, _ := startNode(t, "-cluster", "q", "-kind", "user=testdata/cluster/user.star", "-max-peer-actors", "3", "-membership", seed, "-seed", seed)
	member.expect(`^cluster q: 1 members$`, 60*time.Second)
	app := start(t, "run", "-cluster", "q", "-seed", seed, "testdata/cluster/ship.star", "user", "4")
	for i := range 3 {
		if m := app.expect(fmt.Sprintf(`^g%d (.*)$`, i), 60*time.Second); !strings.HasPrefix(m[1], "at ") {
			t.Errorf("grain g%d under the quota: %s", i, m[1])
		}
	}
	m := app.expect(`^g3 (.*)$`, 60*time.Second)
	for _, want := range []string{"error", "over quota", "its quota (NodeConfig.MaxPeerActors, -max-peer-actors)", "grain user/g3"} {
		if !strings.Contains(m[1], want) {
			t.Errorf("grain g3, over the quota: %q does not say %q", m[1], want)
		}
	}
	app.expect(`^done$`, 10*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("driver exited with %d; stderr:\n%s", st, app.stderr.String())
	}
}

func TestClusterShipFlags(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"node", "-cluster", "c", "-kind", "a=@shipped"}, 1, `kind "a" is Shipped: its script comes from peers, which this node refuses; set NodeConfig.AllowRemoteSpawn (--allow-remote-spawn)`},
		{[]string{"node", "-cluster", "c", "-ship", "a"}, 2, `want kind=script.star, not "a"`},
		{[]string{"node", "-ship", "a=x.star"}, 2, "need -cluster NAME"},
		{[]string{"node", "-cluster", "c", "-ship", "a=testdata/missing.star"}, 1, `Ship: kind "a"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if st := cli(tt.args, &stdout, &stderr); st != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("murmur %v: status %d, stderr %q; want %d and %q", tt.args, st, stderr.String(), tt.status, tt.stderr)
		}
	}
}
