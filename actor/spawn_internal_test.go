// Internal tests of spawning: the shared default options.

package actor

import (
	"reflect"
	"testing"
	"time"
)

// TestSpawnOptionsFields: isDefault checks every field of SpawnOptions; a
// new field must be added to it, and to the cases here.
func TestSpawnOptionsFields(t *testing.T) {
	if n := reflect.TypeFor[SpawnOptions]().NumField(); n != 12 {
		t.Fatalf("SpawnOptions has %d fields; isDefault checks 12: add the new ones to it and here", n)
	}
	if o := (SpawnOptions{}); !o.isDefault() {
		t.Error("the zero options are not the default")
	}
	for i, o := range []SpawnOptions{
		{Args: []any{}}, {Name: "a"}, {MaxSteps: 1}, {Supervision: Supervision{Escalate: true}},
		{ReceiveTimeout: time.Second}, {MessageTimeout: time.Second}, {Node: "n:1"}, {Record: 1},
		{pool: &Pool{}}, {peer: "p:1"}, {gob: &Behavior{}},
	} {
		if o.isDefault() {
			t.Errorf("case %d: %+v counted as the default", i, o)
		}
	}
	var o SpawnOptions
	o.Mailbox.MaxMessages = 1
	if o.isDefault() {
		t.Error("a bounded mailbox counted as the default")
	}
}
