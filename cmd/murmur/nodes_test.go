// Tests with real node processes on loopback: the murmur binary is built
// once, nodes run as `murmur node`, applications as `murmur run -peer`, and
// nodes are killed with SIGKILL. Every process is killed and waited for
// when its test ends.

package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	binErr    error
	binDir    string
)

// murmurBinary builds cmd/murmur once for the package's tests.
func murmurBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the murmur binary and runs node processes")
	}
	buildOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "murmur-nodes")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "murmur")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// proc is a murmur process whose stdout lines a test reads as they come.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	stderr *lockedBuffer
	done   chan struct{}
	status int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	return startCmd(t, exec.Command(murmurBinary(t), args...))
}

// startCmd starts cmd, a murmur process, and reads its output.
func startCmd(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 1000),
		stderr: new(lockedBuffer), done: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		close(p.lines)
		err := p.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.status = ee.ExitCode()
		} else if err != nil {
			p.status = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// expect returns the next stdout line that matches re, failing the test
// if the process ends or none comes within the timeout.
func (p *proc) expect(re string, timeout time.Duration) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				<-p.done // all of stderr is in
				p.t.Fatalf("%v ended before printing %q; stderr:\n%s", p.cmd.Args, re, p.stderr.String())
			}
			p.t.Logf("%s: %s", filepath.Base(p.cmd.Args[1]), line)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			p.t.Fatalf("%v printed no %q within %v; stderr:\n%s", p.cmd.Args, re, timeout, p.stderr.String())
		}
	}
}

// wait waits for the process to exit and returns its status.
func (p *proc) wait(timeout time.Duration) int {
	p.t.Helper()
	for {
		select {
		case line, ok := <-p.lines:
			if ok {
				p.t.Logf("%s: %s", filepath.Base(p.cmd.Args[1]), line)
			}
			continue
		case <-p.done:
			return p.status
		case <-time.After(timeout):
			p.t.Fatalf("%v still running after %v; stderr:\n%s", p.cmd.Args, timeout, p.stderr.String())
		}
	}
}

// startNode starts `murmur node` on a free loopback port and returns it
// with its address once it is ready.
func startNode(t *testing.T, args ...string) (*proc, string) {
	t.Helper()
	p := start(t, append([]string{"node", "-listen", "127.0.0.1:0"}, args...)...)
	m := p.expect(`^murmur node listening on (127\.0\.0\.1:\d+);`, 30*time.Second)
	return p, m[1]
}

// startNodes starts n nodes with the same flags and returns them by
// address, and their addresses in order.
func startNodes(t *testing.T, n int, args ...string) (map[string]*proc, []string) {
	t.Helper()
	nodes := map[string]*proc{}
	var addrs []string
	for i := 0; i < n; i++ {
		p, addr := startNode(t, args...)
		nodes[addr] = p
		addrs = append(addrs, addr)
	}
	return nodes, addrs
}

// sumOfSquares is what the test jobs add up: 0² + 1² + ... + (n-1)².
func sumOfSquares(n int) int { return (n - 1) * n * (2*n - 1) / 6 }

// TestNodesJob runs a job over three node processes and kills one while it
// holds work: the application is told, and resends the lost items to a
// worker it respawns on a surviving node; every item is accounted for.
func TestNodesJob(t *testing.T) {
	nodes, addrs := startNodes(t, 3, "-allow-remote-spawn")
	victim := addrs[1]
	const n = 60
	app := start(t, "run", "-peer", strings.Join(addrs, ","), "testdata/nodes/job.star", fmt.Sprint(n), victim)
	app.expect(`^greetings from 3 nodes$`, 30*time.Second) // from each node back to the app
	app.expect(`^kill `+regexp.QuoteMeta(victim)+`$`, 30*time.Second)
	nodes[victim].cmd.Process.Signal(syscall.SIGKILL)
	app.expect(`^notice: terminated node unreachable: `+regexp.QuoteMeta(victim)+`$`, 10*time.Second)
	app.expect(`^lost 20 items: .*node unreachable`, 10*time.Second)
	app.expect(fmt.Sprintf(`^done %d items, 20 resent, sum %d$`, n, sumOfSquares(n)), 30*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("job exited with %d; stderr:\n%s", st, app.stderr.String())
	}
	// The surviving nodes still serve: nothing of theirs was lost.
	for _, a := range []string{addrs[0], addrs[2]} {
		select {
		case <-nodes[a].done:
			t.Errorf("node %s ended; stderr:\n%s", a, nodes[a].stderr.String())
		default:
		}
	}
}

// TestNodesPoolSurvivesKilledNode runs pmap over a pool on three node
// processes and kills one while its workers hold items: the pool replaces
// them on the surviving nodes and the items run again, so pmap completes.
func TestNodesPoolSurvivesKilledNode(t *testing.T) {
	nodes, addrs := startNodes(t, 3, "-allow-remote-spawn")
	victim := addrs[2]
	const n = 40
	app := start(t, "run", "-peer", strings.Join(addrs, ","), "testdata/nodes/pooljob.star", fmt.Sprint(n), victim)
	app.expect(`^kill `+regexp.QuoteMeta(victim)+`$`, 30*time.Second)
	nodes[victim].cmd.Process.Signal(syscall.SIGKILL)
	app.expect(fmt.Sprintf(`^pmap done: %d items, sum %d$`, n, sumOfSquares(n)), 30*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("status %d; stderr:\n%s", st, app.stderr.String())
	}
}

// TestNodesRequestToKilledNode checks that a request to an actor whose node
// was killed fails at once as unreachable, not at its 30 s timeout.
func TestNodesRequestToKilledNode(t *testing.T) {
	node, addr := startNode(t, "-allow-remote-spawn")
	app := start(t, "run", "-peer", addr, "testdata/nodes/late.star")
	app.expect(`^kill `+regexp.QuoteMeta(addr)+`$`, 30*time.Second)
	node.cmd.Process.Signal(syscall.SIGKILL)
	app.expect(`^notice: node unreachable: `+regexp.QuoteMeta(addr)+`$`, 10*time.Second)
	if st := app.wait(20 * time.Second); st != 1 {
		t.Fatalf("status %d, want 1; stderr:\n%s", st, app.stderr.String())
	}
	if e := app.stderr.String(); !strings.Contains(e, "node unreachable: "+addr) || strings.Contains(e, "timed out") {
		t.Fatalf("stderr:\n%s", e)
	}
}

// TestNodesRefuseRemoteSpawn checks that a node started without
// -allow-remote-spawn refuses code from peers with a clear error.
func TestNodesRefuseRemoteSpawn(t *testing.T) {
	_, addr := startNode(t)
	app := start(t, "run", "-peer", addr, "testdata/nodes/refused.star")
	if st := app.wait(30 * time.Second); st != 1 {
		t.Fatalf("status %d, want 1; stderr:\n%s", st, app.stderr.String())
	}
	want := "remote spawn refused: node " + addr + " does not run code sent by peers"
	if e := app.stderr.String(); !strings.Contains(e, want) || !strings.Contains(e, "--allow-remote-spawn") ||
		!strings.Contains(e, "refused.star:2:10: in main") {
		t.Fatalf("stderr does not say %q with the script's position:\n%s", want, e)
	}
}

// TestNodesWordcount runs examples/wordcount over three node processes, as
// the README shows, and checks it counts the same as the embedded run.
func TestNodesWordcount(t *testing.T) {
	_, addrs := startNodes(t, 3, "-allow-remote-spawn")
	app := start(t, "run", "-peer", strings.Join(addrs, ","), "../../examples/wordcount/main.star", "testdata/corpus", "3")
	app.expect(`^8 files, 234590 words, 190 distinct$`, 60*time.Second)
	m := app.expect(`^counted on (\d) nodes: (.*)$`, 10*time.Second)
	if m[1] != "3" || m[2] != strings.Join(sortedCopy(addrs), ", ") {
		t.Errorf("counted on %s nodes: %s; want the three nodes %v", m[1], m[2], addrs)
	}
	app.expect(`^   47108  the$`, 10*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("status %d; stderr:\n%s", st, app.stderr.String())
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	slices.Sort(c)
	return c
}

// writeTLS writes a CA and a certificate for 127.0.0.1 it signs, as PEM
// files, and returns the -tls-* flags that use them.
func writeTLS(t *testing.T, dir string) []string {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, key := newKey(), newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "node"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*pem.Block{
		"ca.pem":   {Type: "CERTIFICATE", Bytes: caDER},
		"node.pem": {Type: "CERTIFICATE", Bytes: der},
		"node.key": {Type: "EC PRIVATE KEY", Bytes: keyDER},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"-tls-cert", filepath.Join(dir, "node.pem"), "-tls-key", filepath.Join(dir, "node.key"),
		"-tls-ca", filepath.Join(dir, "ca.pem")}
}

// TestNodesTLS runs a node and an application with mutual TLS, and checks
// that an application without it cannot reach the node.
func TestNodesTLS(t *testing.T) {
	tlsFlags := writeTLS(t, t.TempDir())
	_, addr := startNode(t, append([]string{"-allow-remote-spawn"}, tlsFlags...)...)
	app := start(t, append(append([]string{"run", "-peer", addr}, tlsFlags...), "testdata/nodes/hello.star")...)
	app.expect(`^7 squared on `+regexp.QuoteMeta(addr)+`: 49$`, 30*time.Second)
	if st := app.wait(30 * time.Second); st != 0 {
		t.Fatalf("status %d; stderr:\n%s", st, app.stderr.String())
	}
	plain := start(t, "run", "-peer", addr, "testdata/nodes/hello.star")
	if st := plain.wait(30 * time.Second); st != 1 || !strings.Contains(plain.stderr.String(), "node unreachable") {
		t.Fatalf("plaintext application: status %d; stderr:\n%s", st, plain.stderr.String())
	}
}

func TestNodeFlags(t *testing.T) {
	dir := t.TempDir()
	tlsFlags := writeTLS(t, dir)
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"node", "-tls-cert", tlsFlags[1]}, 2, "TLS needs -tls-cert, -tls-key and -tls-ca together"},
		{[]string{"node", "-tls-cert", tlsFlags[1], "-tls-key", tlsFlags[3], "-tls-ca", filepath.Join(dir, "nope.pem")}, 2, "-tls-ca: open"},
		{[]string{"node", "-tls-cert", tlsFlags[3], "-tls-key", tlsFlags[3], "-tls-ca", tlsFlags[5]}, 2, "-tls-cert/-tls-key:"},
		{[]string{"node", "-tls-cert", tlsFlags[1], "-tls-key", tlsFlags[3], "-tls-ca", tlsFlags[3]}, 2, "holds no PEM certificate"},
		{[]string{"node", "-listen", "nonsense"}, 1, `listen address "nonsense"`},
		{[]string{"node", "extra"}, 2, "Usage: murmur node"},
		{[]string{"run", "-listen", "127.0.0.1:99999", "testdata/hello.star"}, 1, "bad port"},
		{[]string{"node", "-max-peer-actors", "-1"}, 2, "-max-peer-actors -1: want 0 (the default) or more"},
		{[]string{"node", "-max-bundles", "-3"}, 2, "-max-bundles -3: want 0 (the default) or more"},
		{[]string{"node", "-max-source-bytes", "12MB"}, 2, "want a count of bytes"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if st := cli(tt.args, &stdout, &stderr); st != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("murmur %v: status %d, stderr %q; want %d and %q", tt.args, st, stderr.String(), tt.status, tt.stderr)
		}
	}
}
