// Internal tests of the wire form of remote spawns: every option that can
// travel does.

package actor

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	gproto "google.golang.org/protobuf/proto"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/mailbox"
)

// notOnTheWire are the exported option fields a remote spawn does not
// carry, by type and name: Args travel apart (Spawn.args, msgpack), Node is
// where the spawn goes, a mailbox's Group counts goroutines of this
// process, and Record does not apply there (actors peers start do not
// record: record.go). Unexported fields never travel. A field added to SpawnOptions,
// Supervision or mailbox.Config must be carried by spawnOptionsToWire and
// spawnOptionsFromWire, or listed here.
var notOnTheWire = map[string]bool{
	"SpawnOptions.Args":   true,
	"SpawnOptions.Node":   true,
	"SpawnOptions.Record": true,
	"Config.Group":        true,
}

// fillOptions sets every field of v that travels to a distinct nonzero
// value, recursing into structs; it fails the test on a field of a kind it
// cannot fill.
func fillOptions(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	typ := v.Type()
	for i := range typ.NumField() {
		f, fv := typ.Field(i), v.Field(i)
		name := typ.Name() + "." + f.Name
		if !f.IsExported() || notOnTheWire[name] {
			continue
		}
		*n++
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(fmt.Sprintf("%s-%d", f.Name, *n))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			fv.SetInt(int64(*n))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			fv.SetUint(uint64(*n))
		case reflect.Bool:
			fv.SetBool(true)
		case reflect.Struct:
			fillOptions(t, fv, n)
		default:
			t.Fatalf("%s: a %s; teach fillOptions to fill it, carry it in spawnOptionsToWire/FromWire, or list it in notOnTheWire",
				name, fv.Kind())
		}
	}
}

// TestSpawnOptionsRoundTrip: options sent to another node, marshalled as
// protobuf, arrive whole, every field that can travel with them.
func TestSpawnOptionsRoundTrip(t *testing.T) {
	var in SpawnOptions
	n := 0
	fillOptions(t, reflect.ValueOf(&in).Elem(), &n)
	if in.Mailbox.Throughput == 0 || in.Supervision.Escalate != true {
		t.Fatalf("fillOptions left fields zero: %+v", in)
	}
	b, err := gproto.Marshal(spawnOptionsToWire(in))
	if err != nil {
		t.Fatal(err)
	}
	var w wire.SpawnOptions
	if err := gproto.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	out := spawnOptionsFromWire(&w, "peer:1")
	if out.peer != "peer:1" {
		t.Errorf("peer = %q, want peer:1", out.peer)
	}
	out.peer = ""
	if !reflect.DeepEqual(out, in) {
		t.Errorf("options crossed as\n%+v\nwant\n%+v", out, in)
	}
	// Zero options cross as zero (the defaults), and so does a nil message.
	if out := spawnOptionsFromWire(spawnOptionsToWire(SpawnOptions{}), ""); !reflect.DeepEqual(out, SpawnOptions{}) {
		t.Errorf("zero options crossed as %+v", out)
	}
	if out := spawnOptionsFromWire(nil, ""); !reflect.DeepEqual(out, SpawnOptions{}) {
		t.Errorf("nil options crossed as %+v", out)
	}
}

// TestSpawnOptionsRoundTripNegative: durations and counts keep their sign
// (a negative Linger means none).
func TestSpawnOptionsRoundTripNegative(t *testing.T) {
	in := SpawnOptions{Mailbox: mailbox.Config{Linger: -1, Throughput: 1}, ReceiveTimeout: -time.Second}
	if out := spawnOptionsFromWire(spawnOptionsToWire(in), ""); !reflect.DeepEqual(out, in) {
		t.Errorf("options crossed as %+v, want %+v", out, in)
	}
}
