// Package clustertest starts what cluster tests need: a real etcd server
// on loopback, with free ports and a temporary data folder.
//
//	endpoints := clustertest.Etcd(t) // skipped on a developer machine without etcd; a failure in CI
//	sys, err := actor.NewSystem(actor.Config{Cluster: &actor.ClusterConfig{Name: "c", Etcd: endpoints}})
package clustertest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EtcdBinary is where Debian's etcd-server package puts etcd; PATH is
// searched when it is not there.
const EtcdBinary = "/usr/bin/etcd"

// InCI reports whether the tests run in CI (the CI variable is set, as
// .ci/run sets it), where a missing etcd is a failure, not a skip.
func InCI() bool { return os.Getenv("CI") != "" }

// Etcd starts an etcd server on 127.0.0.1 with free ports and a data
// folder under t.TempDir, waits until it serves, and returns its client
// endpoint ("127.0.0.1:port"). The server is killed when the test ends.
// Without an etcd binary the test fails in CI and is skipped elsewhere,
// saying so.
func Etcd(t testing.TB) []string {
	t.Helper()
	bin := EtcdBinary
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("etcd"); err != nil {
			if InCI() {
				t.Fatalf("etcd is not installed (%s, or etcd on PATH): CI must install it (apt-get install -y etcd-server)", EtcdBinary)
			}
			t.Skipf("etcd is not installed (%s, or etcd on PATH): skipping; install Debian's etcd-server to run this test", EtcdBinary)
		}
	}
	client, peer := freePort(t), freePort(t)
	dir := filepath.Join(t.TempDir(), "etcd")
	clientURL, peerURL := "http://"+client, "http://"+peer
	cmd := exec.Command(bin, "--name", "test", "--data-dir", dir,
		"--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "test="+peerURL, "--log-level", "error")
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("etcd: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		if err := health(ctx, client); err == nil {
			return []string{client}
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("etcd exited before serving: %v\n%s", err, logs)
		case <-ctx.Done():
			t.Fatalf("etcd did not serve on %s within 30s\n%s", client, logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// health asks etcd's /health endpoint whether it serves.
func health(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := fmt.Fprintf(c, "GET /health HTTP/1.0\r\nHost: %s\r\n\r\n", addr); err != nil {
		return err
	}
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	if !strings.Contains(string(buf[:n]), `"health":"true"`) && !strings.Contains(string(buf[:n]), " 200 ") {
		return fmt.Errorf("etcd not healthy yet: %q", buf[:n])
	}
	return nil
}

// freePort returns a free 127.0.0.1:port.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// FreePort returns a free 127.0.0.1:port (free when asked: another
// process may take it before it is used).
func FreePort(t testing.TB) string { return freePort(t) }
