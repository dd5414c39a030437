// Tests of the lib modules as scripts see them: testdata/lib.star, and a
// random generator per instance that lasts across messages.

package interp_test

import (
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
)

func TestLibScript(t *testing.T) { runStarChunks(t, "testdata/lib.star") }

// TestRandomPerInstance checks that an instance's generator lasts from its
// top level through its messages, and that instances do not share one:
// two instances seeded alike draw alike, whatever a third draws meanwhile.
func TestRandomPerInstance(t *testing.T) {
	files := map[string]string{"dice.star": `
random.seed(9)
rolls = []

def receive(msg):
    rolls.append(random.randint(1, 1000000))
`}
	e := newEngine(t, files, interp.Options{})
	a := instantiate(t, e, "dice.star", &fakeHost{})
	b := instantiate(t, e, "dice.star", &fakeHost{})
	noise := instantiate(t, e, "dice.star", &fakeHost{})
	for i := 0; i < 5; i++ {
		for _, in := range []*interp.Instance{a, noise, noise, b} {
			if err := in.Receive(encode(t, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	ra, rb := a.Globals()["rolls"].String(), b.Globals()["rolls"].String()
	if ra != rb {
		t.Errorf("two instances seeded alike rolled %s and %s", ra, rb)
	}
	if rn := noise.Globals()["rolls"].(*starlark.List); rn.Len() != 10 || rn.Index(0).String() != a.Globals()["rolls"].(*starlark.List).Index(0).String() {
		t.Errorf("the third instance rolled %s, want 10 rolls starting as %s", rn, ra)
	}
}
