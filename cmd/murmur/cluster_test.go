// Tests of clusters of real `murmur node` processes on loopback, with the
// automanaged membership and with etcd: grains spread over three members,
// one member killed while requests flow, every grain answering again, and
// no grain answering from two members.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor/clustertest"
)

// grainsN is how many grains the cluster tests spread.
const grainsN = 10000

func TestClusterAutomanaged(t *testing.T) {
	var seeds []string
	for range 3 {
		seeds = append(seeds, freeAddr(t))
	}
	var members [][]string
	for _, s := range seeds {
		members = append(members, []string{"-membership", s, "-seed", strings.Join(seeds, ",")})
	}
	clusterKill(t, members, []string{"-seed", strings.Join(seeds, ",")})
}

func TestClusterEtcd(t *testing.T) {
	murmurBinary(t) // skips with -short before etcd starts
	etcd := strings.Join(clustertest.Etcd(t), ",")
	args := []string{"-etcd", etcd}
	clusterKill(t, [][]string{args, args, args}, args)
}

// clusterKill starts a member with each of members' flags, waits until
// each sees the three, runs the driver with driver's flags, kills the last
// member after two rounds of requests, and checks the driver's report.
func clusterKill(t *testing.T, members [][]string, driver []string) {
	t.Helper()
	var procs []*proc
	var addrs []string
	for _, m := range members {
		p, addr := startNode(t, append([]string{"-cluster", "c", "-kind", "user=testdata/cluster/user.star"}, m...)...)
		procs, addrs = append(procs, p), append(addrs, addr)
	}
	for _, p := range procs {
		p.expect(`^cluster c: 3 members$`, 60*time.Second)
	}
	app := start(t, append(append([]string{"run", "-cluster", "c"}, driver...), "testdata/cluster/driver.star", strconv.Itoa(grainsN))...)
	m := app.expect(`^spread (.*)$`, 120*time.Second)
	var spread map[string]int
	if err := json.Unmarshal([]byte(m[1]), &spread); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range addrs {
		total += spread[a]
		if spread[a] == 0 {
			t.Errorf("member %s got no grain: %v", a, spread)
		}
	}
	if total != grainsN || len(spread) != 3 {
		t.Fatalf("spread %v over members %v: want %d grains over the three", spread, addrs, grainsN)
	}
	t.Logf("grains per member: %v", spread)
	app.expect(`^round 2 errors=0 `, 60*time.Second)
	victim := addrs[2]
	killed := time.Now()
	procs[2].cmd.Process.Signal(syscall.SIGKILL)
	rec := app.expect(`^recovered secs=([0-9.]+)$`, 120*time.Second)
	t.Logf("every grain answered again %v after the kill of %s (%ss after the driver's first failed request)",
		time.Since(killed).Round(time.Millisecond), victim, rec[1])
	res := app.expect(`^moved=(\d+) bad=(\d+)$`, 60*time.Second)
	if res[2] != "0" {
		t.Errorf("%s grains answered from two members, or moved away from a live one", res[2])
	}
	if moved, _ := strconv.Atoi(res[1]); moved != spread[victim] {
		t.Errorf("%d grains moved; the killed member held %d", moved, spread[victim])
	}
	if st := app.wait(60 * time.Second); st != 0 {
		t.Fatalf("driver exited with %d; stderr:\n%s", st, app.stderr.String())
	}
}

// freeAddr returns a free 127.0.0.1:port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr())
}

// TestClusterAccounts runs examples/accounts over three member processes
// hosting the accounts, the application hosting their store, and kills a
// member mid-run: the transfers go on, and the total is unchanged.
func TestClusterAccounts(t *testing.T) {
	var seeds []string
	for range 4 {
		seeds = append(seeds, freeAddr(t))
	}
	all := strings.Join(seeds, ",")
	var procs []*proc
	for _, s := range seeds[:3] {
		cmd := exec.Command(murmurBinary(t), "node", "-listen", "127.0.0.1:0", "-cluster", "bank", "-kind", "account=account.star", "-membership", s, "-seed", all)
		cmd.Dir = "../../examples/accounts" // as the README runs it
		p := startCmd(t, cmd)
		p.expect(`^murmur node listening on`, 30*time.Second)
		procs = append(procs, p)
	}
	for _, p := range procs {
		p.expect(`^cluster bank: 3 members$`, 60*time.Second)
	}
	app := start(t, "run", "-cluster", "bank", "-kind", "store=store.star", "-idle", "1h", "-membership", seeds[3], "-seed", all,
		"../../examples/accounts/main.star", "100", "1000")
	app.expect(`^100 accounts, total 10000$`, 60*time.Second)
	app.expect(`^transfers 200$`, 60*time.Second)
	procs[1].cmd.Process.Signal(syscall.SIGKILL)
	app.expect(`^transfers 1000$`, 120*time.Second)
	app.expect(`^total 10000$`, 60*time.Second)
	if m := app.expect(`^(\d+) retries$`, 10*time.Second); m[1] == "0" {
		t.Errorf("no request was retried: the kill came too late to matter")
	} else {
		t.Logf("%s requests retried after the kill", m[1])
	}
	if st := app.wait(60 * time.Second); st != 0 {
		t.Fatalf("accounts exited with %d; stderr:\n%s", st, app.stderr.String())
	}
}

// TestClusterTLS runs three members and the driver with mutual TLS, and
// checks that a member without it reaches no grain.
func TestClusterTLS(t *testing.T) {
	tlsFlags := writeTLS(t, t.TempDir())
	var seeds []string
	for range 3 {
		seeds = append(seeds, freeAddr(t))
	}
	all := strings.Join(seeds, ",")
	var procs []*proc
	for _, s := range seeds {
		p, _ := startNode(t, append([]string{"-cluster", "c", "-kind", "user=testdata/cluster/user.star", "-membership", s, "-seed", all}, tlsFlags...)...)
		procs = append(procs, p)
	}
	for _, p := range procs {
		p.expect(`^cluster c: 3 members$`, 60*time.Second)
	}
	app := start(t, append(append([]string{"run", "-cluster", "c", "-seed", all}, tlsFlags...), "testdata/cluster/driver.star", "300", "1", "2")...)
	app.expect(`^spread \{.*,.*,.*\}$`, 60*time.Second) // three members
	app.expect(`^done 2 rounds$`, 60*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("driver exited with %d; stderr:\n%s", st, app.stderr.String())
	}
	plain := start(t, "run", "-cluster", "c", "-seed", all, "testdata/cluster/driver.star", "3", "1", "1")
	m := plain.expect(`^round 1 errors=(\d+) .*node unreachable`, 60*time.Second)
	if m[1] != "3" {
		t.Errorf("a member without TLS reached %d grains of 3", 3-atoi(t, m[1]))
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestClusterFlags(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"node", "-cluster", "c", "-kind", "user"}, 2, `want kind=script.star, not "user"`},
		{[]string{"node", "-cluster", "c", "-kind", "a=x.star", "-kind", "a=y.star"}, 2, `kind "a" given twice`},
		{[]string{"node", "-seed", "127.0.0.1:1"}, 2, "need -cluster NAME"},
		{[]string{"node", "-cluster", "c", "-idle", "-1s"}, 2, "-idle -1s: want 0 (the default) or more"},
		{[]string{"node", "-cluster", "c", "-kind", "a/b=x.star"}, 1, `kind "a/b": a kind is a non-empty name without '/'`},
		{[]string{"node", "-cluster", "c", "-kind", "a=testdata/missing.star"}, 1, `kind "a"`},
		{[]string{"node", "-cluster", "c", "-membership", "nonsense"}, 1, `membership address "nonsense"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if st := cli(tt.args, &stdout, &stderr); st != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("murmur %v: status %d, stderr %q; want %d and %q", tt.args, st, stderr.String(), tt.status, tt.stderr)
		}
	}
}

// TestClusterJoin measures what protoactor's identity lookup guarantees
// when a member joins while requests flow: the grains that move to it are
// activated there as soon as the requester's view has the new member,
// and stopped on their old member when that member's view has it. Each
// activation prints when it starts and stops; the test reports how many
// identities were active on two members at once, and for how long at
// most. It asserts only what the identity lookup promises: every grain
// answers, and no identity is active on two members once all views agree
// (at the end, each is active on one).
func TestClusterJoin(t *testing.T) {
	const n = 2000
	var seeds []string
	for range 3 {
		seeds = append(seeds, freeAddr(t))
	}
	all := strings.Join(seeds, ",")
	type event struct {
		member, id string
		up         bool
		at         int64
	}
	var mu sync.Mutex
	var events []event
	var drains sync.WaitGroup
	member := func(i int) *proc {
		p, addr := startNode(t, "-cluster", "c", "-kind", "user=testdata/cluster/joiner.star", "-membership", seeds[i], "-seed", all)
		p.expect(fmt.Sprintf(`^cluster c: %d members$`, i+1), 60*time.Second)
		drains.Go(func() {
			for line := range p.lines {
				var id string
				var at int64
				if _, err := fmt.Sscanf(line, "up %s %d", &id, &at); err == nil {
					mu.Lock()
					events = append(events, event{addr, id, true, at})
					mu.Unlock()
				} else if _, err := fmt.Sscanf(line, "down %s %d", &id, &at); err == nil {
					mu.Lock()
					events = append(events, event{addr, id, false, at})
					mu.Unlock()
				}
			}
		})
		return p
	}
	procs := []*proc{member(0), member(1)}
	app := start(t, "run", "-cluster", "c", "-seed", all, "testdata/cluster/driver.star", strconv.Itoa(n), "1", "40")
	app.expect(`^round 3 errors=0 `, 60*time.Second)
	procs = append(procs, member(2))
	app.expect(`^done 40 rounds$`, 120*time.Second)
	if st := app.wait(60 * time.Second); st != 0 {
		t.Fatalf("driver exited with %d; stderr:\n%s", st, app.stderr.String())
	}
	end := time.Now().UnixNano()
	for _, p := range procs {
		p.cmd.Process.Kill()
	}
	drains.Wait()
	// The activations of each identity, as intervals on members.
	type interval struct {
		member     string
		start, end int64
	}
	acts := map[string][]interval{}
	for _, e := range events {
		if e.up {
			acts[e.id] = append(acts[e.id], interval{e.member, e.at, end})
			continue
		}
		for i := range acts[e.id] {
			if iv := &acts[e.id][i]; iv.member == e.member && iv.end == end {
				iv.end = e.at
				break
			}
		}
	}
	overlapping, moved, alive := 0, 0, 0
	var longest time.Duration
	for id, ivs := range acts {
		live := 0
		for _, iv := range ivs {
			if iv.end == end {
				live++
			}
		}
		alive += live
		if live != 1 {
			t.Errorf("grain %s has %d activations at the end: %v", id, live, ivs)
		}
		if len(ivs) > 1 {
			moved++
		}
		worst := time.Duration(0)
		for i := range ivs {
			for j := i + 1; j < len(ivs); j++ {
				if ivs[i].member == ivs[j].member {
					continue
				}
				if o := time.Duration(min(ivs[i].end, ivs[j].end) - max(ivs[i].start, ivs[j].start)); o > worst {
					worst = o
				}
			}
		}
		if worst > 0 {
			overlapping++
			longest = max(longest, worst)
		}
	}
	if len(acts) != n {
		t.Errorf("%d identities activated, want %d", len(acts), n)
	}
	t.Logf("join of a third member: %d of %d grains moved; %d were active on two members at once, for at most %v",
		moved, n, overlapping, longest.Round(time.Millisecond))
}
