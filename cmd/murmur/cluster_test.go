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
