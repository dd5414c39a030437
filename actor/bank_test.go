// The bank: an actor per account, tellers moving money between them as the
// README recommends, crashes injected, and not a cent lost.

package actor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
)

// vault is the bank's durable store, granted to scripts as vault_open and
// vault_put: what a database would be to a real bank. Safe for concurrent use.
type vault struct {
	mu       sync.Mutex
	balances map[string]int
}

func (v *vault) builtins() starlark.StringDict {
	return starlark.StringDict{
		// vault_open(name, opening) returns name's balance, opening it with
		// opening if it has none.
		"vault_open": starlark.NewBuiltin("vault_open", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var name string
			var opening int
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &name, &opening); err != nil {
				return nil, err
			}
			v.mu.Lock()
			defer v.mu.Unlock()
			if _, ok := v.balances[name]; !ok {
				v.balances[name] = opening
			}
			return starlark.MakeInt(v.balances[name]), nil
		}),
		"vault_put": starlark.NewBuiltin("vault_put", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var name string
			var balance int
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &name, &balance); err != nil {
				return nil, err
			}
			v.mu.Lock()
			defer v.mu.Unlock()
			v.balances[name] = balance
			return starlark.None, nil
		}),
	}
}

func (v *vault) total() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	sum := 0
	for _, b := range v.balances {
		sum += b
	}
	return sum
}

func TestBank(t *testing.T) {
	const accounts, opening = 100, 100
	transfers, crashEvery := 10_000, 100
	if raceEnabled || testing.Short() {
		transfers, crashEvery = 1_000, 20
	}
	v := &vault{balances: map[string]int{}}
	// Under load a request may wait long; a timeout would be an ambiguous
	// transfer, which is not what this test is about.
	sys := newSystem(t, actor.Config{Builtins: v.builtins(), RequestTimeout: time.Minute})
	ctx := context.Background()
	var failures atomic.Int64
	defer sys.Subscribe(func(e actor.Event) {
		if f, ok := e.(*actor.FailureEvent); ok && f.Script == "account.star" {
			failures.Add(1)
		}
	})()

	accts := make([]actor.Address, accounts)
	for i := range accts {
		accts[i] = spawn(t, sys, "account.star", actor.SpawnOptions{
			Args:        []any{fmt.Sprintf("acct%d", i), opening},
			Supervision: actor.Supervision{MaxRestarts: 1 << 30}, // crashes are injected on purpose
		})
	}
	tellers := spawnPool(t, sys, "teller.star", actor.PoolOptions{Size: 8, Routing: actor.Balanced})

	rng := rand.New(rand.NewPCG(13, 2))
	items := make([]any, transfers)
	crashes := map[string]int{}
	for i := range items {
		from := rng.IntN(accounts)
		to := (from + 1 + rng.IntN(accounts-1)) % accounts
		crash := ""
		switch r := rng.IntN(100); {
		case r < 3:
			crash = "withdraw"
		case r < 6:
			crash = "deposit"
		}
		crashes[crash]++
		items[i] = map[string]any{"from": accts[from], "to": accts[to], "amount": 1 + rng.IntN(50), "crash": crash}
	}

	// Accounts also crash on "crash" messages sent while the transfers run:
	// between messages, with requests queued behind them.
	outcomes := map[string]int{}
	crashOps := 0
	err := tellers.Stream(ctx, items, func(i int, v any, err error) error {
		if err != nil {
			return err
		}
		outcomes[fmt.Sprint(v)]++
		if i%crashEvery == 0 {
			crashOps++
			return sys.Send(ctx, accts[rng.IntN(accounts)], map[string]any{"op": "crash"})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("transfers: %v", err)
	}

	total := 0
	for _, a := range accts {
		var b int
		if err := sys.Request(ctx, a, map[string]any{"op": "balance"}, &b); err != nil {
			t.Fatalf("balance of %v: %v", a, err)
		}
		if b < 0 {
			t.Errorf("balance of %v is %d", a, b)
		}
		total += b
	}
	if want := accounts * opening; total != want || v.total() != want {
		t.Errorf("after %d transfers and %d crashes the accounts hold %d (vault %d), want %d",
			transfers, failures.Load(), total, v.total(), want)
	}

	withdrawFailed, depositFailed := outcomes["withdraw failed: failed"], outcomes["deposit failed: failed, refunded"]
	for o, n := range outcomes {
		switch o {
		case "done", "insufficient funds", "withdraw failed: failed", "deposit failed: failed, refunded":
		default:
			t.Errorf("%d transfers ended %q", n, o)
		}
	}
	if withdrawFailed != crashes["withdraw"] {
		t.Errorf("%d withdrawals failed, %d were made to crash", withdrawFailed, crashes["withdraw"])
	}
	if depositFailed == 0 || depositFailed > crashes["deposit"] {
		t.Errorf("%d deposits failed and were refunded, %d were made to crash", depositFailed, crashes["deposit"])
	}
	if got, want := failures.Load(), int64(withdrawFailed+depositFailed+crashOps); got != want {
		t.Errorf("%d account failures, want %d (withdrawals, deposits, crash messages)", got, want)
	}
	if outcomes["done"] < transfers/2 {
		t.Errorf("only %d of %d transfers done: %v", outcomes["done"], transfers, outcomes)
	}
	t.Logf("%d transfers: %v; %d crash messages", transfers, outcomes, crashOps)
}

// spawnPool starts a pool of script's actors.
func spawnPool(t *testing.T, sys *actor.System, script string, opts actor.PoolOptions) *actor.Pool {
	t.Helper()
	mod, err := sys.Load(script)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sys.NewPool(context.Background(), mod, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
