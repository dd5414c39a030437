// Tests of a node process's quotas on what its peers make it keep: a peer
// over its actor quota is told so, and the node's memory stays bounded
// while a peer sends it thousands of different scripts.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNodesPeerActorQuota checks that a spawn past a node's -max-peer-actors
// fails in the script, with the quota, the node and the flag named.
func TestNodesPeerActorQuota(t *testing.T) {
	_, addr := startNode(t, "-allow-remote-spawn", "-max-peer-actors", "2")
	app := start(t, "run", "-peer", addr, "testdata/nodes/quota.star")
	app.expect(`^2 workers on `+regexp.QuoteMeta(addr)+`$`, 30*time.Second)
	if st := app.wait(30 * time.Second); st != 1 {
		t.Fatalf("status %d, want 1; stderr:\n%s", st, app.stderr.String())
	}
	e := app.stderr.String()
	for _, want := range []string{"remote spawn over quota: peer 127.0.0.1:", "has 2 actors on node " + addr,
		"NodeConfig.MaxPeerActors", "-max-peer-actors", "quota.star:7:10: in main"} {
		if !strings.Contains(e, want) {
			t.Fatalf("stderr does not say %q:\n%s", want, e)
		}
	}
}

// defaultScripts is how many distinct scripts TestNodesCodeCacheMemory
// sends; MURMUR_QUOTA_SCRIPTS sets another number.
const defaultScripts = 10000

// TestNodesCodeCacheMemory runs an application that spawns many distinct
// scripts on a node, one after the other, each stopped once it answered,
// and checks that the node's peak resident memory stays within a bound
// its code cache's quotas imply. Every script loads a library that builds
// a table, as real ones do: a compiled bundle holds its own copy.
func TestNodesCodeCacheMemory(t *testing.T) {
	n := defaultScripts
	if v := os.Getenv("MURMUR_QUOTA_SCRIPTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("MURMUR_QUOTA_SCRIPTS=%q: want a count", v)
		}
	}
	dir := t.TempDir()
	files := map[string]string{
		"main.star": `def main(args):
    n, node = int(args[0]), nodes()[0]
    for i in range(n):
        w = spawn("s%d.star" % i, node = node)
        got = request(w, 1)
        if got != 1 + i:
            fail("s%d.star answered %d" % (i, got))
        stop(w)
    print("%d scripts ran" % n)
`,
		"table.star": "TABLE = [str(i) for i in range(2000)]\n",
	}
	for i := range n {
		files[fmt.Sprintf("s%d.star", i)] = fmt.Sprintf(
			"load(\"table.star\", \"TABLE\")\n\ndef receive(msg):\n    reply(msg + %d + len(TABLE) - 2000)\n", i)
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	node, addr := startNode(t, "-allow-remote-spawn")
	began := time.Now()
	app := start(t, "run", "-peer", addr, filepath.Join(dir, "main.star"), strconv.Itoa(n))
	app.expect(fmt.Sprintf(`^%d scripts ran$`, n), 10*time.Minute)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("status %d; stderr:\n%s", st, app.stderr.String())
	}
	took := time.Since(began)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", node.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc to read the node's memory from: %v", err)
	}
	peak, rss := procKiB(t, status, "VmHWM"), procKiB(t, status, "VmRSS")
	t.Logf("%d scripts in %v (%v each); node peak RSS %d MiB, RSS at the end %d MiB",
		n, took.Round(time.Millisecond), (took / time.Duration(n)).Round(time.Microsecond), peak>>10, rss>>10)
	// The default quotas: 64 MiB of source (these scripts are far below it)
	// and 256 compiled bundles. A bundle here (its engine, its script, its
	// copy of the table) takes about 100 KiB: without the quotas, 10,000
	// scripts took the node past 1 GiB. 256 bundles are some 25 MiB; the
	// process itself, gRPC and the Go runtime's slack make up the rest.
	const bound = 256 << 10 // KiB
	if peak > bound {
		t.Errorf("the node's peak RSS is %d MiB, more than %d MiB", peak>>10, bound>>10)
	}
}

// procKiB reads a "Name: N kB" line of /proc/PID/status.
func procKiB(t *testing.T, status []byte, name string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `:\s+(\d+) kB$`).FindSubmatch(status)
	if m == nil {
		t.Fatalf("no %s in /proc status:\n%s", name, status)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func TestByteSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"1048576", 1 << 20, true}, {"512KiB", 512 << 10, true}, {"16MiB", 16 << 20, true},
		{"2GiB", 2 << 30, true}, {"-1", 0, false}, {"16MB", 0, false}, {"MiB", 0, false}, {"1.5MiB", 0, false},
		{"9000000000GiB", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		var b byteSize
		err := b.Set(tt.in)
		if (err == nil) != tt.ok || int64(b) != tt.want {
			t.Errorf("Set(%q): %d, %v; want %d, ok %v", tt.in, b, err, tt.want, tt.ok)
		}
	}
}
