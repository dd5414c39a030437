// Package counter is the Starlark counter type, Python's
// collections.Counter for the commonest data-parallel pattern: counting
// things, then merging the counts of many workers.
//
//	c = counter(words)               # or counter(), counter({"a": 2})
//	c.update(more_words)             # counts each element; or a dict or counter of counts
//	c.add("the", 3); c["the"] += 1   # c[key] is 0 for a key never counted
//	c.most_common(10)                # [("the", 47108), ...]: largest first, ties in first-seen order
//	c.merge(other)                   # adds another counter's (or a dict's) counts
//	len(c); c.total(); "x" in c; [k for k in c]; c.keys(); c.values(); c.items()
//
// Counts are ints of 64 bits (a count that would overflow is an error);
// like Python's they may be zero or negative. Keys are any hashable value
// and iterate in first-seen order. String keys live in a Go map, so
// c.update(list_of_strings) costs one map lookup per element, with no
// Starlark executed: several times faster than the dict loop
// `for w in words: d[w] = d.get(w, 0) + 1`. A new key while iterating over
// the counter is an error, as with a dict.
//
// # Sending
//
// A counter sends as a plain msgpack map of key to count, the same bytes
// as a dict of those counts: the receiver gets a dict (Go a
// map[string]any of int64 when the keys are strings), and counter(d) makes
// it a counter again. dict(c) also gives a plain dict.
//
// # Concurrency
//
// Builtin may be called from many interpreters at once. A counter belongs
// to the actor that made it and is used by that actor's goroutine only; a
// frozen counter may be read from any.
package counter
