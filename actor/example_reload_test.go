// An example of live code upgrade from Go.

package actor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/murmur-go/murmur/actor"
)

// A counter's script changes while it runs: Reload moves the actor to the
// new version, whose upgrade(old) carries the count over to a renamed field.
func ExampleSystem_Reload() {
	dir, _ := os.MkdirTemp("", "reload")
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "counter.star")
	_ = os.WriteFile(script, []byte(`state = {"count": 0}
def receive(msg):
    if msg == "inc":
        state["count"] += 1
    else:
        reply(state)
`), 0o644)
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{Root: dir})
	defer sys.Shutdown(ctx)
	mod, _ := sys.Load("counter.star")
	pid, _ := sys.Spawn(ctx, mod, actor.SpawnOptions{})
	for range 3 {
		_ = sys.Send(ctx, pid, "inc")
	}

	_ = os.WriteFile(script, []byte(`state = {"total": 0}
def upgrade(old):
    state["total"] = old["state"]["count"]
def receive(msg):
    if msg == "inc":
        state["total"] += 1
    else:
        reply(state)
`), 0o644)
	rep, err := sys.Reload(ctx, "counter.star")
	fmt.Println(rep.Upgraded, "upgraded,", len(rep.Failed), "failed,", err)
	_ = sys.Send(ctx, pid, "inc")
	var state map[string]int
	_ = sys.Request(ctx, pid, "get", &state)
	fmt.Println(state)
	// Output:
	// 1 upgraded, 0 failed, <nil>
	// map[total:4]
}
