// Command counter is a Go program hosting a script actor: it loads
// counter.star, spawns it with an argument, sends it messages and asks for
// the total.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/murmur-go/murmur/actor"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// dir is the folder of this example, wherever it is run from.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

func run(ctx context.Context, w io.Writer) error {
	sys, err := actor.NewSystem(actor.Config{Root: dir()}) // embedded: no server
	if err != nil {
		return err
	}
	defer sys.Shutdown(ctx)

	mod, err := sys.Load("counter.star") // compile errors name file:line:col
	if err != nil {
		return err
	}
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Args: []any{10}, Name: "counter"})
	if err != nil {
		return err
	}
	for i := 1; i <= 5; i++ {
		if err := sys.Send(ctx, pid, map[string]any{"op": "add", "by": i}); err != nil {
			return err
		}
	}
	var n int
	if err := sys.Request(ctx, pid, map[string]any{"op": "get"}, &n); err != nil {
		return err
	}
	fmt.Fprintf(w, "counter started at 10, added 1..5: %d\n", n)
	return nil
}
