// Package accounts is an example of grains: one per account, transfers
// by request, run embedded with one cluster member (this test) and with
// three `murmur node` processes, one of them killed mid-run
// (cmd/murmur's TestClusterAccounts).
package accounts

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/actor/clustertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, clustertest.LeakOptions()...) }

// TestAccountsEmbedded runs main.star on one embedded member hosting both
// kinds, as `murmur run -cluster bank -kind account=account.star -kind
// store=store.star main.star 50 500` does.
func TestAccountsEmbedded(t *testing.T) {
	if raceEnabled {
		t.Skip("protoactor's cluster races with itself (grpclog); run without -race")
	}
	var mu sync.Mutex
	var out strings.Builder
	sys, err := actor.NewSystem(actor.Config{Root: ".", Print: func(_ actor.Address, msg string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(msg + "\n")
	}, Cluster: &actor.ClusterConfig{Name: "bank", Kinds: map[string]actor.Kind{
		"account": {Script: "account.star"}, "store": {Script: "store.star", Idle: time.Hour}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, []string{"50", "500"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	got := out.String()
	for _, want := range []string{"50 accounts, total 5000\n", "449 transfers made, 51 refused for want of funds\n", "total 5000\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
