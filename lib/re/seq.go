// This file holds the scan for patterns that never backtrack: a sequence
// of literals, classes repeated greedily and groups, where what follows a
// repeat cannot start with a character of its class and the branches of
// an alternation start with different characters. Such a pattern has one
// way to match from a position, which a plain scan follows; regexp's
// backtracker explores it instruction by instruction.

package re

import (
	rsyntax "regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// byteSet is a set of bytes: the bytes a match may start with.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) union(o byteSet) {
	b[0], b[1], b[2], b[3] = b[0]|o[0], b[1]|o[1], b[2]|o[2], b[3]|o[3]
}
func (b byteSet) meets(o byteSet) bool { return b[0]&o[0]|b[1]&o[1]|b[2]&o[2]|b[3]&o[3] != 0 }
func (b byteSet) empty() bool          { return b == byteSet{} }

// The kinds of a seq's items.
const (
	itemLit   = iota // a literal
	itemClass        // a class repeated min to max times (max < 0: no limit)
	itemOpen         // the start of group g
	itemClose        // the end of group g
	itemAlt          // one of alts, picked by the next byte
)

type item struct {
	kind     int
	lit      string
	set      *classRun // the class, for itemClass
	min, max int
	g        int       // the group, for itemOpen and itemClose
	slot     int       // the memo row of an unlimited repeat, else -1
	alts     [][]item  // the branches, for itemAlt
	firsts   []byteSet // the bytes each branch starts with
}

// seq is a pattern as a sequence of items (see the file comment).
type seq struct {
	items []item
	first byteSet // the bytes a match may start with
	ncap  int     // the pattern's groups
	slots int     // the unlimited repeats: the rows of the memo
}

// newSeq returns the seq for tree, a pattern with ncap groups, or nil when
// it is not one.
func newSeq(tree *rsyntax.Regexp, ncap int) *seq {
	q := &seq{ncap: ncap}
	items, ok := q.flatten(tree, nil)
	if !ok {
		return nil
	}
	first, nullable, ok := q.check(items, byteSet{}, true)
	if !ok || nullable || first.empty() {
		return nil
	}
	q.items, q.first = items, first
	return q
}

// flatten appends the items of re to out; ok is false when re has a part
// that is not a literal, a class, a repeat of a class, a group or an
// alternation.
func (q *seq) flatten(re *rsyntax.Regexp, out []item) ([]item, bool) {
	switch re.Op {
	case rsyntax.OpEmptyMatch:
		return out, true
	case rsyntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&rsyntax.FoldCase != 0 || strings.ContainsRune(s, utf8.RuneError) {
			return nil, false
		}
		return append(out, item{kind: itemLit, lit: s, slot: -1}), true
	case rsyntax.OpConcat:
		for _, sub := range re.Sub {
			var ok bool
			if out, ok = q.flatten(sub, out); !ok {
				return nil, false
			}
		}
		return out, true
	case rsyntax.OpCapture:
		out = append(out, item{kind: itemOpen, g: re.Cap, slot: -1})
		out, ok := q.flatten(re.Sub[0], out)
		return append(out, item{kind: itemClose, g: re.Cap, slot: -1}), ok
	case rsyntax.OpAlternate:
		it := item{kind: itemAlt, slot: -1}
		for _, sub := range re.Sub {
			alt, ok := q.flatten(sub, nil)
			if !ok {
				return nil, false
			}
			it.alts = append(it.alts, alt)
		}
		return append(out, it), true
	case rsyntax.OpStar, rsyntax.OpPlus, rsyntax.OpQuest, rsyntax.OpRepeat:
		if re.Flags&rsyntax.NonGreedy != 0 {
			return nil, false
		}
		set := classOf(re.Sub[0])
		if set == nil {
			return nil, false
		}
		lo, hi := re.Min, re.Max
		switch re.Op {
		case rsyntax.OpStar:
			lo, hi = 0, -1
		case rsyntax.OpPlus:
			lo, hi = 1, -1
		case rsyntax.OpQuest:
			lo, hi = 0, 1
		}
		it := item{kind: itemClass, set: set, min: lo, max: hi, slot: -1}
		if hi < 0 {
			if lo > 1 {
				return nil, false // the count would be part of the state
			}
			it.slot, q.slots = q.slots, q.slots+1
		}
		return append(out, it), true
	}
	if set := classOf(re); set != nil {
		return append(out, item{kind: itemClass, set: set, min: 1, max: 1, slot: -1}), true
	}
	return nil, false
}

// classOf returns the class of one character that re is, or nil.
func classOf(re *rsyntax.Regexp) *classRun {
	var ranges []rune
	switch re.Op {
	case rsyntax.OpCharClass:
		ranges = re.Rune
	case rsyntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}
	case rsyntax.OpAnyChar:
		ranges = []rune{0, unicode.MaxRune}
	case rsyntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&rsyntax.FoldCase != 0 || re.Rune[0] == utf8.RuneError {
			return nil
		}
		ranges = []rune{re.Rune[0], re.Rune[0]}
	default:
		return nil
	}
	c := &classRun{ranges: ranges}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < utf8.RuneSelf; r++ {
			c.ascii[r] = true
		}
	}
	return c
}

// startBytes returns the bytes a character of c may start with: its ASCII
// characters, and every byte from 0x80 when it has others (a byte that is
// not UTF-8 reads as U+FFFD).
func startBytes(c *classRun) byteSet {
	var b byteSet
	for r := range utf8.RuneSelf {
		if c.ascii[r] {
			b.add(byte(r))
		}
	}
	if n := len(c.ranges); n > 0 && c.ranges[n-1] >= utf8.RuneSelf {
		for x := 0x80; x <= 0xff; x++ {
			b.add(byte(x))
		}
	}
	return b
}

// check works back through items, which follow's bytes follow (or nothing,
// when followNullable), and reports whether the scan finds what
// backtracking does: what follows a repeat that may stop at several
// places cannot start with its class (or may be empty), and the branches
// of an alternation are not empty and start with different bytes. It
// returns the bytes the items may start with and whether they may match
// the empty string.
func (q *seq) check(items []item, follow byteSet, followNullable bool) (byteSet, bool, bool) {
	first, nullable := follow, followNullable
	for i := len(items) - 1; i >= 0; i-- {
		it := &items[i]
		switch it.kind {
		case itemLit:
			first, nullable = byteSet{}, false
			first.add(it.lit[0])
		case itemClass:
			b := startBytes(it.set)
			if it.min != it.max && !nullable && b.meets(first) {
				return first, nullable, false
			}
			if it.min > 0 {
				first, nullable = b, false
			} else {
				first.union(b)
			}
		case itemAlt:
			var all byteSet
			for _, alt := range it.alts {
				f, null, ok := q.check(alt, first, nullable)
				if !ok || null || all.meets(f) {
					return first, nullable, false
				}
				all.union(f)
				it.firsts = append(it.firsts, f)
			}
			first, nullable = all, false
		}
	}
	return first, nullable, true
}

// memo is the states of unlimited repeats that a try reached, per repeat
// and offset in a line (after at least one character): a later try that
// reaches one goes on as that one did, which failed (a try after a match
// starts past it, so it reaches none of the match's).
type memo struct {
	bits  []uint64
	width int // the line's length + 1
}

func (m *memo) reset(slots, n int) {
	m.width = n + 1
	words := (slots*m.width + 63) / 64
	if cap(m.bits) < words {
		m.bits = make([]uint64, words)
	}
	m.bits = m.bits[:words]
	clear(m.bits)
}

// claim marks the states of repeat slot at offsets from to to, both
// included, and reports whether one of them was marked already.
func (m *memo) claim(slot, from, to int) bool {
	lo, hi := slot*m.width+from, slot*m.width+to
	was := false
	for w := lo >> 6; w <= hi>>6; w++ {
		mask := ^uint64(0)
		if w == lo>>6 {
			mask &= ^uint64(0) << (lo & 63)
		}
		if w == hi>>6 {
			mask &= ^uint64(0) >> (63 - hi&63)
		}
		was = was || m.bits[w]&mask != 0
		m.bits[w] |= mask
	}
	return was
}

// find reports whether line has a match at or after offset from, and
// sets caps, of len 2*(q.ncap+1), to its offsets as regexp's submatch
// indexes. The memo belongs to line: reset for it, then kept from one find
// to the next.
func (q *seq) find(line string, from int, caps []int, m *memo) bool {
	for i := from; i < len(line); {
		c := line[i]
		if q.first.has(c) {
			for j := range caps {
				caps[j] = -1
			}
			if end, ok := q.match(q.items, line, i, caps, m); ok {
				caps[0], caps[1] = i, end
				return true
			}
		}
		if c < utf8.RuneSelf {
			i++
		} else {
			_, w := utf8.DecodeRuneInString(line[i:])
			i += w
		}
	}
	return false
}

// match follows items from offset i of s, setting the groups' offsets in
// caps, and returns where the match ends.
func (q *seq) match(items []item, s string, i int, caps []int, m *memo) (int, bool) {
	for k := range items {
		it := &items[k]
		switch it.kind {
		case itemLit:
			if !strings.HasPrefix(s[i:], it.lit) {
				return 0, false
			}
			i += len(it.lit)
		case itemOpen:
			caps[2*it.g] = i
		case itemClose:
			caps[2*it.g+1] = i
		case itemClass:
			n, first := 0, 0
			for (it.max < 0 || n < it.max) && i < len(s) {
				if c := s[i]; c < utf8.RuneSelf {
					if !it.set.ascii[c] {
						break
					}
					i++
				} else {
					r, w := utf8.DecodeRuneInString(s[i:])
					if !it.set.in(r) {
						break
					}
					i += w
				}
				if n++; n == 1 {
					first = i
				}
			}
			if n < it.min {
				return 0, false
			}
			// A try before that passed one of these offsets in this repeat
			// went on from its end as this one will, and failed.
			if it.slot >= 0 && n > 0 && m.claim(it.slot, first, i) {
				return 0, false
			}
		case itemAlt:
			if i == len(s) {
				return 0, false
			}
			picked := -1
			for a, f := range it.firsts {
				if f.has(s[i]) {
					picked = a
					break
				}
			}
			if picked < 0 {
				return 0, false
			}
			var ok bool
			if i, ok = q.match(it.alts[picked], s, i, caps, m); !ok {
				return 0, false
			}
		}
	}
	return i, true
}
