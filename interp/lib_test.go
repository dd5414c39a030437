// Tests of the lib modules as scripts see them: testdata/lib.star, and a
// random generator per instance that lasts across messages.

package interp_test

import (
	"errors"
	"fmt"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
)

func TestLibScript(t *testing.T) {
	const file = "testdata/lib.star"
	e := newEngine(t, nil, interp.Options{Builtins: starlark.StringDict{"assert_eq": assertEq}})
	for _, c := range readChunks(t, file) {
		t.Run(fmt.Sprintf("line%d", c.first), func(t *testing.T) {
			err := run(e, file, c.src)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *interp.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want an error matching %q at line %d", err, c.want, c.wantLine)
			}
			if line := innermostLine(se); line != c.wantLine || !c.want.MatchString(se.Msg) {
				t.Fatalf("line %d: %s\nwant an error matching %q at line %d", line, se.Msg, c.want, c.wantLine)
			}
		})
	}
}

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
