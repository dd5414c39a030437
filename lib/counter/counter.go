// The counter value: counts by key, in first-seen order, behind a Go map
// for string keys and a Starlark hash table for the others.

package counter

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/serialize"
)

// Counter is the Starlark counter type. See the package documentation.
//
// A Counter belongs to one actor and is used only by that actor's
// goroutine; a frozen one (a library's) may be read from any.
type Counter struct {
	keys   []starlark.Value // in first-seen order
	counts []int64          // by the index of the key
	strs   map[string]int   // the index of each string key
	others *starlark.Dict   // the index (an int) of every other key; nil until one comes
	frozen bool
	iters  int // iterations under way: no key may be added meanwhile

	// The string key last found or added, and its index: c[k] += n looks
	// k up twice (get, then set), and the second finds it here. Not used
	// once frozen, when other goroutines may read c.
	last    string
	lastIdx int
	hasLast bool
}

var (
	_ starlark.Value           = (*Counter)(nil)
	_ starlark.IterableMapping = (*Counter)(nil)
	_ starlark.HasSetKey       = (*Counter)(nil)
	_ starlark.Container       = (*Counter)(nil)
	_ starlark.Sequence        = (*Counter)(nil)
	_ starlark.Comparable      = (*Counter)(nil)
	_ starlark.HasAttrs        = (*Counter)(nil)
	_ serialize.Sendable       = (*Counter)(nil)
)

// New returns an empty counter.
func New() *Counter { return &Counter{strs: make(map[string]int)} }

// Builtin is counter(), counter(iterable) or counter(dict_or_counter): a
// new counter, counting the elements of an iterable or adding the counts
// of a dict or counter (as c.update does). It is safe for concurrent use.
var Builtin = starlark.NewBuiltin("counter", build)

func build(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 0, &x); err != nil {
		return nil, err
	}
	c := New()
	if x != nil {
		if err := c.update(fn.Name(), x); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Count returns the count of key k: 0 when k was never counted.
func (c *Counter) Count(k starlark.Value) (int64, error) {
	i, ok, err := c.find(k)
	if err != nil || !ok {
		return 0, err
	}
	return c.counts[i], nil
}

// Add adds n to the count of k (which may go to zero or below, as in Python).
func (c *Counter) Add(k starlark.Value, n int64) error {
	if err := c.checkWrite(); err != nil {
		return err
	}
	return c.add(k, n)
}

// find returns the index of key k.
func (c *Counter) find(k starlark.Value) (int, bool, error) {
	if s, ok := k.(starlark.String); ok {
		if c.hasLast && string(s) == c.last {
			return c.lastIdx, true, nil
		}
		i, ok := c.strs[string(s)]
		if ok && !c.frozen {
			c.last, c.lastIdx, c.hasLast = string(s), i, true
		}
		return i, ok, nil
	}
	if c.others == nil {
		if _, err := k.Hash(); err != nil {
			return 0, false, err
		}
		return 0, false, nil
	}
	v, ok, err := c.others.Get(k)
	if err != nil || !ok {
		return 0, false, err
	}
	i, _ := starlark.AsInt32(v)
	return i, true, nil
}

// add adds n to the count of k, adding k if it is new; the caller checked
// that c may be written.
func (c *Counter) add(k starlark.Value, n int64) error {
	i, ok, err := c.find(k)
	if err != nil {
		return err
	}
	if !ok {
		return c.insert(k, n)
	}
	return c.bump(i, n)
}

// bump adds n to the count at index i.
func (c *Counter) bump(i int, n int64) error {
	r := c.counts[i] + n
	if (n > 0 && r < c.counts[i]) || (n < 0 && r > c.counts[i]) {
		return fmt.Errorf("the count of %s overflows 64 bits", c.keys[i])
	}
	c.counts[i] = r
	return nil
}

// insert adds a new key k with count n.
func (c *Counter) insert(k starlark.Value, n int64) error {
	if c.iters > 0 {
		return fmt.Errorf("cannot add %s to a counter during iteration over it", k)
	}
	i := len(c.keys)
	if s, ok := k.(starlark.String); ok {
		c.strs[string(s)] = i
		c.last, c.lastIdx, c.hasLast = string(s), i, true
	} else {
		if c.others == nil {
			c.others = starlark.NewDict(1)
		}
		if err := c.others.SetKey(k, starlark.MakeInt(i)); err != nil {
			return err
		}
	}
	c.keys = append(c.keys, k)
	c.counts = append(c.counts, n)
	return nil
}

func (c *Counter) checkWrite() error {
	if c.frozen {
		return errors.New("cannot modify a frozen counter")
	}
	return nil
}

// String returns counter({"a": 2, "b": 1}), keys in first-seen order.
func (c *Counter) String() string {
	var b strings.Builder
	b.WriteString("counter({")
	for i, k := range c.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.String())
		b.WriteString(": ")
		fmt.Fprint(&b, c.counts[i])
	}
	b.WriteString("})")
	return b.String()
}

func (c *Counter) Type() string          { return "counter" }
func (c *Counter) Truth() starlark.Bool  { return len(c.keys) > 0 }
func (c *Counter) Hash() (uint32, error) { return 0, errors.New("unhashable type: counter") }

// Freeze makes the counter read-only (its keys are hashable, so frozen
// already); from then on lookups leave the last key's cache alone.
func (c *Counter) Freeze() { c.frozen, c.hasLast = true, false }

// Len returns the number of keys, counts of zero and below included.
func (c *Counter) Len() int { return len(c.keys) }

// Get implements c[k]: the count of k, 0 for a key never counted.
func (c *Counter) Get(k starlark.Value) (starlark.Value, bool, error) {
	n, err := c.Count(k)
	if err != nil {
		return nil, false, err
	}
	return starlark.MakeInt64(n), true, nil
}

// Has implements k in c: whether k was ever counted.
func (c *Counter) Has(k starlark.Value) (bool, error) {
	_, ok, err := c.find(k)
	return ok, err
}

// SetKey implements c[k] = n.
func (c *Counter) SetKey(k, v starlark.Value) error {
	if err := c.checkWrite(); err != nil {
		return err
	}
	n, err := count(v)
	if err != nil {
		return fmt.Errorf("counter[%s] = ...: %w", k, err)
	}
	i, ok, err := c.find(k)
	if err != nil {
		return err
	}
	if !ok {
		return c.insert(k, n)
	}
	c.counts[i] = n
	return nil
}

// count converts a count given by a script.
func count(v starlark.Value) (int64, error) {
	i, ok := v.(starlark.Int)
	if !ok {
		return 0, fmt.Errorf("a count must be an int, not %s", v.Type())
	}
	n, ok := i.Int64()
	if !ok {
		return 0, fmt.Errorf("count %s does not fit 64 bits", i)
	}
	return n, nil
}

// Iterate iterates over the keys in first-seen order.
func (c *Counter) Iterate() starlark.Iterator {
	if !c.frozen {
		c.iters++
	}
	return &iterator{c: c}
}

type iterator struct {
	c    *Counter
	i    int
	done bool
}

func (it *iterator) Next(p *starlark.Value) bool {
	if it.i >= len(it.c.keys) {
		return false
	}
	*p = it.c.keys[it.i]
	it.i++
	return true
}

func (it *iterator) Done() {
	if !it.done && !it.c.frozen {
		it.c.iters--
	}
	it.done = true
}

// CompareSameType implements == and != as Python's Counter does: equal
// when every key has the same count in both, a missing key counting 0.
func (c *Counter) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	d := y.(*Counter)
	switch op {
	case syntax.EQL, syntax.NEQ:
		eq, err := c.covers(d)
		if err == nil && eq {
			eq, err = d.covers(c)
		}
		return eq == (op == syntax.EQL), err
	}
	return false, fmt.Errorf("counter %s counter is not supported", op)
}

// covers reports whether every key of c has the same count in d.
func (c *Counter) covers(d *Counter) (bool, error) {
	for i, k := range c.keys {
		n, err := d.Count(k)
		if err != nil {
			return false, err
		}
		if n != c.counts[i] {
			return false, nil
		}
	}
	return true, nil
}

// total returns the sum of the counts: an int of any size.
func (c *Counter) total() starlark.Value {
	var t int64
	for i, n := range c.counts {
		r := t + n
		if (n > 0 && r < t) || (n < 0 && r > t) {
			sum := starlark.MakeInt64(t)
			for _, m := range c.counts[i:] {
				sum = sum.Add(starlark.MakeInt64(m))
			}
			return sum
		}
		t = r
	}
	return starlark.MakeInt64(t)
}
