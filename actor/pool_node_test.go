//go:build !race

// Tests of pools over two nodes in one process; not under the race
// detector, for the reasons node_test.go gives.

package actor_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/murmur-go/murmur/actor"
)

// TestNodePoolReplacesWorkersThatStopForGood runs a pool on another node,
// which supervises its workers: those that stop for good there are
// replaced when the map finds them gone, and exactly the bad items fail.
// Workers whose init fails are replaced once, then leave the pool.
func TestNodePoolReplacesWorkersThatStopForGood(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, actor.NodeConfig{})
	b := newSystem(t, actor.Config{FS: fstest.MapFS{}, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	mod, err := a.Compile("squares.star", []byte(
		"def receive(msg):\n    if msg['x'] < 0:\n        fail('negative input %d' % msg['x'])\n    reply({'y': msg['x'] * msg['x']})\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.NewPool(ctx, mod, actor.PoolOptions{Size: 2, Nodes: []string{b.Node()}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(ctx)
	items := manyItems(300) // 43 bad: each worker stops for good after 11
	results, err := p.Map(ctx, items)
	failed := 0
	for _, e := range unjoin(err) {
		var ie *actor.ItemError
		if !errors.As(e, &ie) || ie.Index%7 != 0 || !errors.Is(e, actor.ErrActorFailed) {
			t.Errorf("item error %v, want only the bad items, with their script error", e)
		}
		failed++
	}
	if failed != 43 {
		t.Errorf("%d items failed, want 43", failed)
	}
	for i, r := range results {
		m, _ := r.(map[string]any)
		if y, _ := m["y"].(int64); i%7 != 0 && y != int64(i*i) {
			t.Errorf("item %d = %v", i, r)
		}
	}
	for _, w := range p.Workers() {
		if w.Node != b.Node() {
			t.Errorf("workers %v, want all on %s", p.Workers(), b.Node())
		}
	}

	bad, err := a.Compile("badinit.star", []byte("def init():\n    fail('cannot start')\n\ndef receive(msg):\n    reply(msg)\n"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.NewPool(ctx, bad, actor.PoolOptions{Size: 2, Nodes: []string{b.Node()}})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	_, err = q.Map(ctx, []any{1, 2, 3})
	if errs := unjoin(err); len(errs) != 3 || !errors.Is(err, actor.ErrNoWorker) {
		t.Errorf("map over workers that never start: %v", err)
	}
	if ws := q.Workers(); len(ws) != 0 {
		t.Errorf("workers %v, want none", ws)
	}
}
