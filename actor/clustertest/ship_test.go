// In-process tests of shipped grain kinds on one member: a kind nothing
// has shipped yet, a member shipping a kind to itself, and the
// configurations refused.

package clustertest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// shippedMember is a member that runs code from peers and hosts user as
// a shipped kind, shipping it itself if ship is set.
func shippedMember(t *testing.T, name, ship string) *actor.System {
	t.Helper()
	skipRace(t)
	cc := actor.ClusterConfig{Name: name, Kinds: map[string]actor.Kind{"user": {Shipped: true}}}
	if ship != "" {
		cc.Ship = map[string]string{"user": ship}
	}
	sys, err := actor.NewSystem(actor.Config{Root: "testdata", Cluster: &cc, Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return sys
}

// A grain of a shipped kind nothing has shipped is refused, each time it
// is asked for (the refusal does not stick), with ErrNoMember.
func TestGrainShippedNotYet(t *testing.T) {
	sys := shippedMember(t, "unshipped", "")
	for range 2 {
		err := sys.Grain("user", "erin").Request(context.Background(), map[string]any{"op": "get"}, nil)
		if !errors.Is(err, actor.ErrNoMember) || !strings.Contains(err.Error(), `grain kind "user" with a shipped script, and no node has shipped it yet`) {
			t.Fatalf("grain of a kind not shipped: %v", err)
		}
	}
}

// A member that hosts a shipped kind and ships it runs its own shipment.
func TestGrainShippedToItself(t *testing.T) {
	sys := shippedMember(t, "self", "user.star")
	var a answer
	if err := sys.Grain("user", "frank").Request(context.Background(), map[string]any{"op": "add", "by": 3}, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "frank" || a.N != 3 {
		t.Fatalf("frank answered %+v", a)
	}
}

func TestGrainShippedConfig(t *testing.T) {
	tests := []struct {
		cc   actor.ClusterConfig
		want string
	}{
		{actor.ClusterConfig{Name: "x", Kinds: map[string]actor.Kind{"a": {Shipped: true}}}, `kind "a" is Shipped`},
		{actor.ClusterConfig{Name: "x", Kinds: map[string]actor.Kind{"a": {Shipped: true, Script: "user.star"}}}, `Script "user.star" and Shipped`},
		{actor.ClusterConfig{Name: "x", Ship: map[string]string{"a/b": "user.star"}}, `Ship: kind "a/b"`},
		{actor.ClusterConfig{Name: "x", Ship: map[string]string{"a": ""}}, `Ship: kind "a": no script`},
	}
	for _, tt := range tests {
		_, err := actor.NewSystem(actor.Config{Root: "testdata", Cluster: &tt.cc})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("config %+v: %v, want an error saying %q", tt.cc, err, tt.want)
		}
	}
	cc := actor.ClusterConfig{Name: "x", Kinds: map[string]actor.Kind{"a": {Shipped: true}}}
	if _, err := actor.NewSystem(actor.Config{Cluster: &cc}); !errors.Is(err, actor.ErrRemoteSpawnRefused) {
		t.Errorf("shipped kind without AllowRemoteSpawn: %v", err)
	}
}
