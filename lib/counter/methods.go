// The counter's methods: update, add, merge, most_common, total, and the
// views keys, values, items.

package counter

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"go.starlark.net/starlark"
)

type method = func(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

func builtin(name string, m method) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m(fn.Receiver().(*Counter), fn, args, kwargs)
	})
}

var methods = map[string]*starlark.Builtin{
	"update":      builtin("update", update),
	"add":         builtin("add", add),
	"merge":       builtin("merge", merge),
	"most_common": builtin("most_common", mostCommon),
	"total":       builtin("total", noArgs(func(c *Counter) starlark.Value { return c.total() })),
	"keys":        builtin("keys", noArgs(func(c *Counter) starlark.Value { return starlark.NewList(slices.Clone(c.keys)) })),
	"values":      builtin("values", noArgs(values)),
	"items":       builtin("items", noArgs(items)),
	"copy":        builtin("copy", noArgs(copyCounter)),
}

func noArgs(f func(c *Counter) starlark.Value) method {
	return func(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return f(c), nil
	}
}

// Attr returns a bound method.
func (c *Counter) Attr(name string) (starlark.Value, error) {
	if m, ok := methods[name]; ok {
		return m.BindReceiver(c), nil
	}
	return nil, nil
}

func (c *Counter) AttrNames() []string {
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Items returns the (key, count) pairs in first-seen order; with it a
// counter is an IterableMapping, so dict(c) is a plain dict of it.
func (c *Counter) Items() []starlark.Tuple {
	out := make([]starlark.Tuple, len(c.keys))
	for i, k := range c.keys {
		out[i] = starlark.Tuple{k, starlark.MakeInt64(c.counts[i])}
	}
	return out
}

// c.update(x): counts each element of the iterable x, or adds the counts
// of the dict or counter x.
func update(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	return starlark.None, c.update(fn.Name(), x)
}

func (c *Counter) update(fn string, x starlark.Value) error {
	if err := c.checkWrite(); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	switch x := x.(type) {
	case *Counter, starlark.IterableMapping:
		return c.merge(fn, x)
	case starlark.String, starlark.Bytes:
		return fmt.Errorf("%s: a %s is not iterable; count its elements with x.elems()", fn, x.Type())
	case starlark.Indexable: // a list, a tuple: the fast path
		n := x.Len()
		for i := 0; i < n; i++ {
			e := x.Index(i)
			if s, ok := e.(starlark.String); ok {
				if j, ok := c.strs[string(s)]; ok && c.counts[j] < math.MaxInt64 {
					c.counts[j]++
					continue
				}
			}
			if err := c.add(e, 1); err != nil {
				return fmt.Errorf("%s: element %d: %w", fn, i, err)
			}
		}
		return nil
	case starlark.Iterable:
		iter := x.Iterate()
		defer iter.Done()
		var e starlark.Value
		for i := 0; iter.Next(&e); i++ {
			if err := c.add(e, 1); err != nil {
				return fmt.Errorf("%s: element %d: %w", fn, i, err)
			}
		}
		return nil
	}
	return fmt.Errorf("%s: want an iterable, a dict or a counter, not %s", fn, x.Type())
}

// c.add(key, n=1): adds n to the count of key.
func add(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var k starlark.Value
	var nv starlark.Value = starlark.MakeInt(1)
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "key", &k, "n?", &nv); err != nil {
		return nil, err
	}
	n, err := count(nv)
	if err != nil {
		return nil, fmt.Errorf("add: %w", err)
	}
	if err := c.Add(k, n); err != nil {
		return nil, fmt.Errorf("add: %w", err)
	}
	return starlark.None, nil
}

// c.merge(other): adds the counts of another counter or a dict of ints.
func merge(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	if err := c.checkWrite(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return starlark.None, c.merge(fn.Name(), x)
}

func (c *Counter) merge(fn string, x starlark.Value) error {
	switch x := x.(type) {
	case *Counter:
		keys, counts := x.keys, x.counts
		if x == c { // merging with itself doubles every count
			counts = slices.Clone(counts)
		}
		for i, k := range keys {
			if err := c.add(k, counts[i]); err != nil {
				return fmt.Errorf("%s: %w", fn, err)
			}
		}
		return nil
	case starlark.IterableMapping:
		for _, kv := range x.Items() {
			n, err := count(kv[1])
			if err != nil {
				return fmt.Errorf("%s: [%s]: %w", fn, kv[0], err)
			}
			if err := c.add(kv[0], n); err != nil {
				return fmt.Errorf("%s: [%s]: %w", fn, kv[0], err)
			}
		}
		return nil
	}
	return fmt.Errorf("%s: want a counter or a dict of counts, not %s", fn, x.Type())
}

// c.most_common(k=None): the (key, count) pairs of the k largest counts (all
// with None), largest first, equal counts in first-seen order.
func mostCommon(c *Counter, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var kv starlark.Value = starlark.None
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "k?", &kv); err != nil {
		return nil, err
	}
	k := len(c.keys)
	if kv != starlark.None {
		n, err := starlark.AsInt32(kv)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("most_common: k must be None or an int >= 0, not %s", kv)
		}
		k = min(k, n)
	}
	top := c.top(k)
	out := make([]starlark.Value, len(top))
	for i, j := range top {
		out[i] = starlark.Tuple{c.keys[j], starlark.MakeInt64(c.counts[j])}
	}
	return starlark.NewList(out), nil
}

// top returns the indices of the k largest counts, largest first, equal
// counts by index. For k much smaller than the counter it keeps a heap of
// k, so most_common(10) of a million keys sorts no million.
func (c *Counter) top(k int) []int {
	before := func(i, j int) bool { // i ranks before j
		return c.counts[i] > c.counts[j] || (c.counts[i] == c.counts[j] && i < j)
	}
	order := func(idx []int) {
		slices.SortFunc(idx, func(i, j int) int {
			if before(i, j) {
				return -1
			}
			return 1
		})
	}
	if k == 0 {
		return nil
	}
	n := len(c.keys)
	if k*8 >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		order(idx)
		return idx[:k]
	}
	// h is a heap whose root ranks last of the best k so far.
	h := make([]int, 0, k)
	down := func(i int) {
		for {
			l, worst := 2*i+1, i
			if l < len(h) && before(h[worst], h[l]) {
				worst = l
			}
			if r := l + 1; r < len(h) && before(h[worst], h[r]) {
				worst = r
			}
			if worst == i {
				return
			}
			h[i], h[worst] = h[worst], h[i]
			i = worst
		}
	}
	for i := 0; i < n; i++ {
		if len(h) < k {
			h = append(h, i)
			for j := len(h) - 1; j > 0; { // up
				p := (j - 1) / 2
				if !before(h[p], h[j]) {
					break
				}
				h[p], h[j] = h[j], h[p]
				j = p
			}
			continue
		}
		if before(i, h[0]) {
			h[0] = i
			down(0)
		}
	}
	order(h)
	return h
}

func values(c *Counter) starlark.Value {
	out := make([]starlark.Value, len(c.counts))
	for i, n := range c.counts {
		out[i] = starlark.MakeInt64(n)
	}
	return starlark.NewList(out)
}

func items(c *Counter) starlark.Value {
	its := c.Items()
	out := make([]starlark.Value, len(its))
	for i, t := range its {
		out[i] = t
	}
	return starlark.NewList(out)
}

func copyCounter(c *Counter) starlark.Value {
	d := &Counter{
		keys:   slices.Clone(c.keys),
		counts: slices.Clone(c.counts),
		strs:   make(map[string]int, len(c.strs)),
	}
	for s, i := range c.strs {
		d.strs[s] = i
	}
	if c.others != nil {
		d.others = starlark.NewDict(c.others.Len())
		for _, kv := range c.others.Items() {
			d.others.SetKey(kv[0], kv[1]) // keys already hashed once: cannot fail
		}
	}
	return d
}
