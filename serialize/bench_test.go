// Benchmarks of the hot path: a small message each way.

package serialize_test

import (
	"fmt"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// small is {"n": 12345, "tag": "ping"}.
func small() *starlark.Dict {
	d := starlark.NewDict(2)
	_ = d.SetKey(starlark.String("n"), starlark.MakeInt(12345))
	_ = d.SetKey(starlark.String("tag"), starlark.String("ping"))
	return d
}

func BenchmarkEncodeSmall(b *testing.B) {
	v := small()
	var l serialize.Limits
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = l.AppendStarlark(buf[:0], v)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSmall(b *testing.B) {
	var l serialize.Limits
	data, err := l.EncodeStarlark(small())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.DecodeStarlark(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDict10000 decodes a dict of 10000 short strings to ints.
func BenchmarkDecodeDict10000(b *testing.B) {
	d := starlark.NewDict(10000)
	for i := range 10000 {
		_ = d.SetKey(starlark.String(fmt.Sprintf("key%d", i)), starlark.MakeInt(i))
	}
	var l serialize.Limits
	data, err := l.EncodeStarlark(d)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.DecodeStarlark(data); err != nil {
			b.Fatal(err)
		}
	}
}
