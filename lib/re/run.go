// This file holds the fast path for the patterns text jobs use most: one
// character class repeated, [a-z]+, \w+, (\d+), [^\s,]+, found by a plain
// scan instead of Go's regexp machines.

package re

import (
	rsyntax "regexp/syntax"
	"sort"
	"unicode"
	"unicode/utf8"
)

// classRun is a pattern that is one character class repeated once or more,
// greedily, maybe in a group. Its leftmost-first match from a position is
// the first run of characters of the class, whole: what regexp finds, at
// several times the speed.
type classRun struct {
	ascii  [utf8.RuneSelf]bool // the class, for ASCII characters
	ranges []rune              // the class: sorted pairs lo, hi
	group  bool                // the run is group 1
}

// newClassRun returns the classRun for tree, or nil when tree is not one.
func newClassRun(tree *rsyntax.Regexp) *classRun {
	t := tree.Simplify()
	c := &classRun{}
	if t.Op == rsyntax.OpCapture {
		c.group, t = true, t.Sub[0]
	}
	if t.Op != rsyntax.OpPlus || t.Flags&rsyntax.NonGreedy != 0 {
		return nil
	}
	switch x := t.Sub[0]; x.Op {
	case rsyntax.OpCharClass:
		c.ranges = x.Rune
	case rsyntax.OpAnyCharNotNL:
		c.ranges = []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}
	case rsyntax.OpAnyChar:
		c.ranges = []rune{0, unicode.MaxRune}
	case rsyntax.OpLiteral:
		if len(x.Rune) != 1 || x.Flags&rsyntax.FoldCase != 0 {
			return nil
		}
		c.ranges = []rune{x.Rune[0], x.Rune[0]}
	default:
		return nil
	}
	for i := 0; i+1 < len(c.ranges); i += 2 {
		for r := c.ranges[i]; r <= c.ranges[i+1] && r < utf8.RuneSelf; r++ {
			c.ascii[r] = true
		}
	}
	return c
}

// in reports whether r is in the class.
func (c *classRun) in(r rune) bool {
	if r < utf8.RuneSelf {
		return c.ascii[r]
	}
	n := len(c.ranges) / 2
	i := sort.Search(n, func(i int) bool { return c.ranges[2*i+1] >= r })
	return i < n && c.ranges[2*i] <= r
}

// skip returns the offset of the first character at or after i in s that
// is in the class (want) or not (!want), or len(s). Bytes that are not
// UTF-8 are U+FFFD, one byte each, as regexp reads them.
func (c *classRun) skip(s string, i int, want bool) int {
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf {
			if c.ascii[b] == want {
				return i
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if c.in(r) == want {
			return i
		}
		i += w
	}
	return i
}

// each calls f with the start and end of each of the first n runs in s
// (all when n < 0).
func (c *classRun) each(s string, n int, f func(start, end int)) {
	for i, k := 0, 0; n < 0 || k < n; k++ {
		start := c.skip(s, i, true)
		if start == len(s) {
			return
		}
		i = c.skip(s, start, false)
		f(start, i)
	}
}

// all returns the first n runs in s (all when n < 0), as regexp's submatch
// indexes.
func (c *classRun) all(s string, n int) [][]int {
	width := 2
	if c.group {
		width = 4
	}
	count := 0
	c.each(s, n, func(int, int) { count++ }) // slices of the right size at once: less for the GC
	out := make([][]int, 0, count)
	var backing []int // the indexes of up to 4096 matches: few allocations, and a match kept keeps little
	c.each(s, n, func(start, end int) {
		if len(backing) == 0 {
			backing = make([]int, min(count-len(out), 4096)*width)
		}
		m := backing[:width:width]
		backing = backing[width:]
		m[0], m[1] = start, end
		if c.group {
			m[2], m[3] = start, end
		}
		out = append(out, m)
	})
	return out
}
