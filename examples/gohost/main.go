// Command gohost is a Go service that fans requests out to a pool of
// script actors, and extends the scripts with a Go builtin (a host
// "extension module"): sha256_hex. Checking its script takes that name:
//
//	go run ./cmd/murmur check -builtins sha256_hex examples/gohost/handler.star
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
)

func main() {
	if err := run(context.Background(), os.Stdout, 4); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// sha256Hex is the builtin scripts call as sha256_hex(s). Many interpreters
// call it at once: it is safe for concurrent use because it keeps no state
// (each call has its own hasher).
var sha256Hex = starlark.NewBuiltin("sha256_hex", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var s string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &s); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(s))
	return starlark.String(hex.EncodeToString(sum[:])), nil
})

func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// run serves a batch of sign-up "requests": each is checked and
// fingerprinted by a script actor of the pool, in parallel.
func run(ctx context.Context, w io.Writer, workers int) error {
	sys, err := actor.NewSystem(actor.Config{
		Root:     dir(),
		Builtins: starlark.StringDict{"sha256_hex": sha256Hex},
	})
	if err != nil {
		return err
	}
	defer sys.Shutdown(ctx)
	mod, err := sys.Load("handler.star")
	if err != nil {
		return err
	}
	pool, err := sys.NewPool(ctx, mod, actor.PoolOptions{Size: workers, Routing: actor.Balanced})
	if err != nil {
		return err
	}
	requests := []any{
		map[string]any{"user": "ada", "email": "ada@example.org"},
		map[string]any{"user": "bob", "email": "bob@example.org"},
		map[string]any{"user": "", "email": "nobody@example.org"},
		map[string]any{"user": "cy", "email": "not-an-email"},
		map[string]any{"user": "dee", "email": "dee@example.org"},
	}
	results, err := pool.Map(ctx, requests) // err joins one *actor.ItemError per failed request
	for i, r := range results {
		if r == nil {
			continue // failed: reported below
		}
		m := r.(map[string]any)
		fmt.Fprintf(w, "%d %s: %s\n", i, m["user"], m["fingerprint"].(string)[:16])
	}
	if err != nil {
		fmt.Fprintln(w, "rejected:")
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var item *actor.ItemError
			var script *interp.ScriptError
			if errors.As(e, &item) && errors.As(e, &script) {
				fmt.Fprintf(w, "item %d: %s\n", item.Index, script.Msg)
			}
		}
	}
	// The pool's address also takes plain requests, routed to the least busy worker.
	var one map[string]any
	if err := sys.Request(ctx, pool.Address(), map[string]any{"user": "eve", "email": "eve@example.org"}, &one); err != nil {
		return err
	}
	fmt.Fprintf(w, "single request: %s %s\n", one["user"], one["fingerprint"].(string)[:16])
	return nil
}
