// Tests of counters in scripts: counting, merging, ranking, sending, and
// the errors of bad input.

package counter_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/counter"
	"github.com/murmur-go/murmur/serialize"
)

// exec runs src, which assigns r, and returns r.
func exec(t testing.TB, src string, extra starlark.StringDict) (starlark.Value, error) {
	t.Helper()
	opts := &syntax.FileOptions{While: true, TopLevelControl: true, GlobalReassign: true, Set: true}
	pre := starlark.StringDict{"counter": counter.Builtin}
	for k, v := range extra {
		pre[k] = v
	}
	globals, err := starlark.ExecFileOptions(opts, &starlark.Thread{}, "t.star", src, pre)
	if err != nil {
		return nil, err
	}
	return globals["r"], nil
}

func TestCounter(t *testing.T) {
	tests := []struct{ src, want string }{
		{`r = counter()`, `counter({})`},
		{`r = counter(["a", "b", "a"])`, `counter({"a": 2, "b": 1})`},
		{`r = counter({"x": 3, "y": -1})`, `counter({"x": 3, "y": -1})`},
		{`r = counter(counter(["a"]))`, `counter({"a": 1})`},
		{`r = counter(("b", 1, (2, 3), None, 1.5, 1, b"z"))`, `counter({"b": 1, 1: 2, (2, 3): 1, None: 1, 1.5: 1, b"z": 1})`},
		{`r = counter(set(["a"]))`, `counter({"a": 1})`},
		{`r = counter("abca".elems())`, `counter({"a": 2, "b": 1, "c": 1})`},
		{`c = counter(["a"]); r = (c["a"], c["zz"], c[(1, 2)], "a" in c, "zz" in c, 5 in c, len(c))`, `(1, 0, 0, True, False, False, 1)`},
		{`c = counter(); c.update(["a", "b"]); c.update({"a": 5}); c.update(counter(["b"])); r = c`, `counter({"a": 6, "b": 2})`},
		{`c = counter(); c.add("k"); c.add("k", 4); c.add("j", n = -2); r = c`, `counter({"k": 5, "j": -2})`},
		{`c = counter(); c["k"] += 2; c["k"] += 1; c["z"] = 0; r = c`, `counter({"k": 3, "z": 0})`},
		// the last key's cache: alternating keys, new keys, a key equal to the last but another string, other keys between
		{`c = counter(); c["a"] += 1; c["b"] += 2; c["a"] += 3; c["a"] += 4; c["ab"[:1]] += 5; c[1] += 1; c["b"] += 1; c["c"] = 7; r = (c, c["a"], c["b"], c["c"], c["d"], c[1])`,
			`(counter({"a": 13, "b": 3, 1: 1, "c": 7}), 13, 3, 7, 0, 1)`},
		{`c = counter(); c["x"] += 1; d = c.copy(); d["x"] += 1; c["y"] += 1; d["y"] += 5; r = (c, d)`, `(counter({"x": 1, "y": 1}), counter({"x": 2, "y": 5}))`},
		{`c = counter(["a"]); c.merge(counter(["a", "b"])); c.merge({"c": 2}); r = c`, `counter({"a": 2, "b": 1, "c": 2})`},
		{`c = counter(["a", "b"]); c.merge(c); r = c`, `counter({"a": 2, "b": 2})`},
		{`r = counter("c b a b c c x".split()).most_common()`, `[("c", 3), ("b", 2), ("a", 1), ("x", 1)]`},
		{`r = counter("c b a b c c x".split()).most_common(2)`, `[("c", 3), ("b", 2)]`},
		{`r = counter("d e f".split()).most_common(k = 2)`, `[("d", 1), ("e", 1)]`},
		{`r = counter(["a"]).most_common(0)`, `[]`},
		{`r = counter(["a"]).most_common(9)`, `[("a", 1)]`},
		{`c = counter(["a", "b", "a"]); r = (c.total(), c.keys(), c.values(), c.items())`, `(3, ["a", "b"], [2, 1], [("a", 2), ("b", 1)])`},
		{`c = counter({"a": 9223372036854775807, "b": 9223372036854775807}); r = c.total()`, `18446744073709551614`},
		{`r = [k for k in counter(["z", "a", "z"])]`, `["z", "a"]`},
		{`r = dict(counter(["z", "a", "z"]))`, `{"z": 2, "a": 1}`},
		{`c = counter(["a"]); d = c.copy(); d.add("a"); d.add(1); r = (c, d)`, `(counter({"a": 1}), counter({"a": 2, 1: 1}))`},
		{`r = (counter(["a"]) == counter({"a": 1}), counter(["a"]) == counter(["b"]), counter({"a": 1, "b": 0}) == counter(["a"]), counter() != counter([1]))`, `(True, False, True, True)`},
		{`r = (bool(counter()), bool(counter([1])), type(counter()))`, `(False, True, "counter")`},
		{`c = counter(["a"])
for k in c:
    c[k] += 1
r = c`, `counter({"a": 2})`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r, err := exec(t, tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCounterErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`counter("abc")`, `counter: a string is not iterable; count its elements with x.elems()`},
		{`counter(b"abc")`, `counter: a bytes is not iterable`},
		{`counter(3)`, `counter: want an iterable, a dict or a counter, not int`},
		{`counter([], [])`, `counter: got 2 arguments, want at most 1`},
		{`counter([[1]])`, `counter: element 0: unhashable type: list`},
		{`counter(["a", {}])`, `counter: element 1: unhashable type: dict`},
		{`counter({"a": "x"})`, `counter: ["a"]: a count must be an int, not string`},
		{`counter({"a": 1 << 64})`, `counter: ["a"]: count 18446744073709551616 does not fit 64 bits`},
		{`c = counter(); c.update(None)`, `update: want an iterable, a dict or a counter, not NoneType`},
		{`c = counter(); c.update("x")`, `update: a string is not iterable`},
		{`c = counter(); c.add([])`, `add: unhashable type: list`},
		{`c = counter(); c.add("a", 1.5)`, `add: a count must be an int, not float`},
		{`c = counter(); c.add("a", 9223372036854775807); c.add("a")`, `add: the count of "a" overflows 64 bits`},
		{`c = counter({"a": 9223372036854775807}); c.update(["a"])`, `update: element 0: the count of "a" overflows 64 bits`},
		{`c = counter({"a": -9223372036854775807}); c.add("a", -2)`, `add: the count of "a" overflows 64 bits`},
		{`c = counter(); c.merge(["a"])`, `merge: want a counter or a dict of counts, not list`},
		{`c = counter(); c.merge({"a": None})`, `merge: ["a"]: a count must be an int, not NoneType`},
		{`c = counter(); c["a"] = "x"`, `counter["a"] = ...: a count must be an int, not string`},
		{`c = counter(); c[[1]]`, `unhashable type: list`},
		{`c = counter(); c[[1]] = 1`, `unhashable type: list`},
		{`c = counter(); r = [1] in c`, `unhashable type: list`},
		{`c = counter(); c.most_common(-1)`, `most_common: k must be None or an int >= 0, not -1`},
		{`c = counter(); c.most_common("x")`, `most_common: k must be None or an int >= 0, not "x"`},
		{`c = counter(); c.total(1)`, `total: got 1 arguments, want 0`},
		{`c = counter(["a"])
for k in c:
    c.add("new")`, `add: cannot add "new" to a counter during iteration over it`},
		{`c = counter(["a"])
for k in c:
    c.update(["b"])`, `update: element 0: cannot add "b" to a counter during iteration`},
		{`{counter(): 1}`, `unhashable type: counter`},
		{`counter() < counter()`, `counter < counter is not supported`},
		{`counter().nope`, `counter has no .nope field or method`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src := tt.src
			if !strings.Contains(src, "=") && !strings.Contains(src, "\n") {
				src = "r = " + src
			}
			_, err := exec(t, src, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant an error containing %q", err, tt.want)
			}
		})
	}
}

// After an iteration (even one left early), keys may be added again.
func TestIterationEnds(t *testing.T) {
	src := `
c = counter(["a", "b"])
for k in c:
    break
c.add("new")
r = [k for k in c]
c.add("newer")
r = len(c)
`
	r, err := exec(t, src, nil)
	if err != nil || r.String() != "4" {
		t.Errorf("got %v, %v", r, err)
	}
}

func TestFrozen(t *testing.T) {
	c := counter.New()
	if err := c.Add(starlark.String("a"), 2); err != nil {
		t.Fatal(err)
	}
	c.Freeze()
	for _, src := range []string{`c.add("a")`, `c.update(["a"])`, `c.merge({"a": 1})`, `c["a"] = 1`} {
		_, err := exec(t, src, starlark.StringDict{"c": c})
		if err == nil || !strings.Contains(err.Error(), "cannot modify a frozen counter") {
			t.Errorf("%s: %v", src, err)
		}
	}
	r, err := exec(t, `r = (c["a"], [k for k in c], c.most_common(), c.copy().add("b"))`, starlark.StringDict{"c": c})
	if err != nil {
		t.Fatalf("reading a frozen counter: %v", err)
	}
	if r.String() != `(2, ["a"], [("a", 2)], None)` {
		t.Errorf("got %s", r)
	}
}

// TestFrozenReadAtOnce reads a frozen counter from many goroutines at once:
// -race checks that lookups leave the last key's cache alone.
func TestFrozenReadAtOnce(t *testing.T) {
	c := counter.New()
	for _, k := range []string{"a", "b"} {
		if err := c.Add(starlark.String(k), 1); err != nil {
			t.Fatal(err)
		}
	}
	c.Freeze()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, k := range []string{"a", "b", "a", "zz"} {
				n, err := c.Count(starlark.String(k))
				if want := map[string]int64{"a": 1, "b": 1}[k]; err != nil || n != want {
					t.Errorf("count of %q: %d, %v; want %d", k, n, err, want)
				}
			}
		})
	}
	wg.Wait()
}

// most_common's heap (small k) ranks as a full sort does.
func TestMostCommonHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := counter.New()
	for i := 0; i < 5000; i++ {
		if err := c.Add(starlark.MakeInt(rng.IntN(800)), int64(rng.IntN(20))); err != nil {
			t.Fatal(err)
		}
	}
	all, err := starlark.Call(&starlark.Thread{}, mustAttr(t, c, "most_common"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The full ranking must be sorted: counts descending, ties by first sight.
	items := all.(*starlark.List)
	first := map[string]int{}
	for i, kv := range c.Items() {
		first[kv[0].String()] = i
	}
	for i := 1; i < items.Len(); i++ {
		a, b := items.Index(i-1).(starlark.Tuple), items.Index(i).(starlark.Tuple)
		na, _ := a[1].(starlark.Int).Int64()
		nb, _ := b[1].(starlark.Int).Int64()
		if na < nb || (na == nb && first[a[0].String()] > first[b[0].String()]) {
			t.Fatalf("most_common()[%d:%d] = %s, %s: out of order", i-1, i+1, a, b)
		}
	}
	for _, k := range []int{1, 2, 7, 50, 99} {
		top, err := starlark.Call(&starlark.Thread{}, mustAttr(t, c, "most_common"), starlark.Tuple{starlark.MakeInt(k)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := starlark.NewList(slices.Collect(func(yield func(starlark.Value) bool) {
			for i := 0; i < k; i++ {
				if !yield(items.Index(i)) {
					return
				}
			}
		}))
		if eq, _ := starlark.Equal(top, want); !eq {
			t.Errorf("most_common(%d) = %s\nwant %s", k, top, want)
		}
	}
}

func mustAttr(t *testing.T, v starlark.HasAttrs, name string) starlark.Value {
	t.Helper()
	m, err := v.Attr(name)
	if err != nil || m == nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestSend(t *testing.T) {
	var l serialize.Limits
	c, err := exec(t, `r = counter(["b", "a", "b"]); r.add((1, 2), -3)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := l.EncodeStarlark(c)
	if err != nil {
		t.Fatal(err)
	}
	// A plain map, as the same dict would be.
	d, _ := exec(t, `r = {"b": 2, "a": 1, (1, 2): -3}`, nil)
	same, _ := l.EncodeStarlark(d)
	if string(data) != string(same) {
		t.Errorf("counter % x\ndict    % x", data, same)
	}
	v, err := l.DecodeStarlark(data)
	if err != nil {
		t.Fatal(err)
	}
	back, err := exec(t, `r = counter(d)`, starlark.StringDict{"d": v})
	if err != nil {
		t.Fatal(err)
	}
	if eq, _ := starlark.Equal(back, c); !eq || back.String() != c.String() {
		t.Errorf("counter(decoded) = %s, want %s", back, c)
	}
	s, _ := exec(t, `r = counter(["x"] * 3 + ["y"] * 300 + ["z"] * 70000)`, nil)
	data, err = l.EncodeStarlark(s)
	if err != nil {
		t.Fatal(err)
	}
	g, err := l.DecodeGo(data)
	if err != nil || !reflect.DeepEqual(g, map[string]any{"x": int64(3), "y": int64(300), "z": int64(70000)}) {
		t.Errorf("DecodeGo: %v, %v", g, err)
	}
	// Large maps and negative counts in every msgpack width.
	big := counter.New()
	for i := 0; i < 70000; i++ {
		big.Add(starlark.String(fmt.Sprint("k", i)), -int64(i)*int64(i)*1000)
	}
	data, err = l.EncodeStarlark(big)
	if err != nil {
		t.Fatal(err)
	}
	g, err = l.DecodeGo(data)
	if err != nil || len(g.(map[string]any)) != 70000 || g.(map[string]any)["k69999"] != int64(-69999*69999*1000) {
		t.Errorf("70000 keys: %v", err)
	}
	// An unsendable key fails the send.
	u, _ := exec(t, `r = counter(); r.add(1); r.add((1, len))`, nil)
	if _, err := l.EncodeStarlark(u); !errors.Is(err, serialize.ErrNotSendable) || !strings.Contains(err.Error(), "cannot send a builtin") {
		t.Errorf("a counter with a builtin in a key: %v", err)
	}
}
