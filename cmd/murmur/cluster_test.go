// Tests of clusters of real `murmur node` processes on loopback, with the
// automanaged membership and with etcd: grains spread over three members,
// one member killed while requests flow, every grain answering again, and
// no grain answering from two members.

package main

import (
	"encoding/json"
	"fmt"
	"net"
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
