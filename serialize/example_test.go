// Examples: the package's tutorial, run as tests.

package serialize_test

import (
	"errors"
	"fmt"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// starlarkValue evaluates a Starlark expression, for the examples.
func starlarkValue(expr string) starlark.Value {
	v, err := starlark.EvalOptions(fileOptions, &starlark.Thread{}, "example", expr, starlark.StringDict{
		"addr": serialize.Address{Node: "nonhost", ID: "$1"},
	})
	if err != nil {
		panic(err)
	}
	return v
}

func ExampleLimits_EncodeStarlark() {
	var limits serialize.Limits
	data, err := limits.EncodeStarlark(starlarkValue(`{"n": 12345, "tag": "ping"}`))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", data)
	// Output:
	// 82a16ecd3039a3746167a470696e67
}

func ExampleLimits_DecodeStarlark() {
	var limits serialize.Limits
	data, err := limits.EncodeStarlark(starlarkValue(`{"b": (1, 2.0), "a": {(1, 2): set(["x"])}, "to": addr, "big": 1 << 100}`))
	if err != nil {
		panic(err)
	}
	v, err := limits.DecodeStarlark(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(v)
	// Output:
	// {"b": [1, 2.0], "a": {(1, 2): set(["x"])}, "to": <address $1>, "big": 1267650600228229401496703205376}
}

func ExampleLimits_EncodeStarlark_error() {
	var limits serialize.Limits
	_, err := limits.EncodeStarlark(starlarkValue(`{"jobs": [1, 2, 3, len]}`))
	fmt.Println(errors.Is(err, serialize.ErrNotSendable))
	var e *serialize.Error
	if errors.As(err, &e) {
		e.Root = "msg" // name the value for the reader
	}
	fmt.Println(err)
	// Output:
	// true
	// msg["jobs"][3]: cannot send a builtin_function_or_method
}

func ExampleLimits_DecodeStarlark_malformed() {
	limits := serialize.Limits{MaxDepth: 10}
	_, err := limits.DecodeStarlark([]byte{0x91, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01})
	fmt.Println(err)
	_, err = limits.DecodeStarlark([]byte{0x01, 0x02})
	fmt.Println(err)
	// Output:
	// value[0]: malformed message at byte 1: array of 4294967295 elements but 1 bytes left
	// value: malformed message at byte 1: 1 bytes after the end of the value
}

func ExampleLimits_DecodeStarlarkArray() {
	var limits serialize.Limits
	data, _ := limits.EncodeGo([]any{"worker", 3, []string{"a"}})
	args, err := limits.DecodeStarlarkArray(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(args)
	// Output:
	// ("worker", 3, ["a"])
}

func ExampleLimits_EncodeGo() {
	var limits serialize.Limits
	data, err := limits.EncodeGo(map[string]any{"to": serialize.Address{Node: "host:8000", ID: "$7"}, "n": 1})
	if err != nil {
		panic(err)
	}
	v, _ := limits.DecodeStarlark(data)
	fmt.Println(v) // Go maps are written with sorted keys
	// Output:
	// {"n": 1, "to": <address host:8000/$7>}
}

func ExampleLimits_DecodeGo() {
	var limits serialize.Limits
	data, _ := limits.EncodeStarlark(starlarkValue(`{"n": 1, "xs": [1.5, "a", b"b"], "s": set([True])}`))
	v, err := limits.DecodeGo(data)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%#v\n", v)
	// Output:
	// map[string]interface {}{"n":1, "s":[]interface {}{true}, "xs":[]interface {}{1.5, "a", []uint8{0x62}}}
}

func ExampleLimits_DecodeGoInto() {
	type Job struct {
		Name  string            `msgpack:"name"`
		Tries int               `msgpack:"tries"`
		Owner serialize.Address `msgpack:"owner"`
	}
	var limits serialize.Limits
	data, _ := limits.EncodeStarlark(starlarkValue(`{"name": "build", "tries": 3, "owner": addr}`))
	var job Job
	if err := limits.DecodeGoInto(data, &job); err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", job)
	// Output:
	// {Name:build Tries:3 Owner:<address $1>}
}
