// This file holds the required literal of a pattern, a text that every
// match contains: texts without it have no match, and a pattern that
// cannot match '\n' is sought only in the lines that hold it.

package re

import (
	rsyntax "regexp/syntax"
	"strings"
	"unicode/utf8"
)

// requiredLiteral returns the longest literal that every match of re
// contains, "" when it knows none: a literal that the pattern's top-level
// sequence holds, through groups and repeats of at least one. Literals
// that fold case are not used, nor those holding U+FFFD (which regexp
// matches at a byte that is not UTF-8).
func requiredLiteral(re *rsyntax.Regexp) string {
	best := ""
	var walk func(re *rsyntax.Regexp)
	walk = func(re *rsyntax.Regexp) {
		switch re.Op {
		case rsyntax.OpLiteral:
			s := string(re.Rune)
			if re.Flags&rsyntax.FoldCase == 0 && len(s) > len(best) && !strings.ContainsRune(s, utf8.RuneError) {
				best = s
			}
		case rsyntax.OpConcat:
			for _, sub := range re.Sub {
				walk(sub)
			}
		case rsyntax.OpCapture, rsyntax.OpPlus:
			walk(re.Sub[0])
		case rsyntax.OpRepeat:
			if re.Min >= 1 {
				walk(re.Sub[0])
			}
		}
	}
	walk(re)
	return best
}

// contextFree reports whether re has no assertion about the text around
// a position (^, $, \b, \B, \A, \z): matching a slice of a line from an
// offset then finds what matching the line from that offset does.
func contextFree(re *rsyntax.Regexp) bool {
	switch re.Op {
	case rsyntax.OpBeginLine, rsyntax.OpEndLine, rsyntax.OpBeginText, rsyntax.OpEndText,
		rsyntax.OpWordBoundary, rsyntax.OpNoWordBoundary:
		return false
	}
	for _, sub := range re.Sub {
		if !contextFree(sub) {
			return false
		}
	}
	return true
}

// literal is a required literal, and the offset in it of the byte it is
// sought by: the rarest in common text, so that a literal starting with a
// space (" HTTP/") is not sought at every space.
type literal struct {
	s    string
	rare int
}

// newLiteral returns the literal s, sought by its rarest byte.
func newLiteral(s string) literal {
	l := literal{s: s}
	for i := range len(s) {
		if commonness(s[i]) < commonness(s[l.rare]) {
			l.rare = i
		}
	}
	return l
}

// commonness ranks a byte by how common it is in text and logs: space,
// then lower-case letters (by their English frequency), digits,
// punctuation, upper-case letters; other bytes least.
func commonness(b byte) int {
	const lower = "zqjxkvbpygfwmucldrhsnioate" // rarest first
	switch {
	case b == ' ':
		return 100
	case 'a' <= b && b <= 'z':
		return 60 + strings.IndexByte(lower, b)
	case '0' <= b && b <= '9':
		return 50
	case strings.IndexByte("\t.,-/:=\"'_()[];", b) >= 0:
		return 40
	case 'A' <= b && b <= 'Z':
		return 30
	}
	return 20
}

// index returns the offset of the first l.s in s, or -1. It finds the
// literal's rare byte with IndexByte (vector instructions) and compares
// the rest; when the rare byte proves common, it leaves the search to
// strings.Index.
func (l literal) index(s string) int {
	b, n := l.s[l.rare], len(l.s)
	fails := 0
	for i := l.rare; i < len(s); i++ {
		k := strings.IndexByte(s[i:], b)
		if k < 0 {
			return -1
		}
		i += k
		start := i - l.rare
		if start+n > len(s) {
			return -1
		}
		if s[start:start+n] == l.s {
			return start
		}
		if fails++; fails > 8+i>>6 {
			if k := strings.Index(s[start+1:], l.s); k >= 0 {
				return start + 1 + k
			}
			return -1
		}
	}
	return -1
}

// allInLines returns the first n matches in s (all when n < 0) of a
// pattern that cannot match '\n', has no \A or \z and requires the
// literal p.lit: only the lines holding p.lit are matched, each taken
// whole (its start and end look to \b, \B and the (?m) ^ and $ as the
// '\n' around it does; see chunkSize). In a line, a context-free pattern
// is sought again after each match only while the rest holds p.lit, which
// spares regexp a search that must fail.
func (p *Pattern) allInLines(s string, n int, groups bool) [][]int {
	var (
		out [][]int
		sc  scratch
	)
	for pos := 0; n < 0 || len(out) < n; {
		k := p.lit.index(s[pos:])
		if k < 0 {
			break
		}
		at := pos + k
		start := pos + strings.LastIndexByte(s[pos:at], '\n') + 1
		end := len(s)
		if e := strings.IndexByte(s[at:], '\n'); e >= 0 {
			end = at + e
		}
		out = p.lineMatches(out, s[start:end], start, n, groups, &sc)
		if end == len(s) {
			break
		}
		pos = end + 1 // past the '\n'
	}
	return out
}

// lineMatches appends to out the matches in line, which starts at offset
// start of the text, until out holds n (all when n < 0).
func (p *Pattern) lineMatches(out [][]int, line string, start, n int, groups bool, sc *scratch) [][]int {
	if !p.contextFree {
		rest := -1
		if n >= 0 {
			rest = n - len(out)
		}
		for _, l := range p.allIn(line, rest, groups) {
			out = append(out, shift(l, start))
		}
		return out
	}
	if p.seq != nil {
		sc.m.reset(p.seq.slots, len(line))
	}
	for off := 0; n < 0 || len(out) < n; {
		var l []int
		switch {
		case p.seq != nil:
			if l = sc.peek(2 * (p.seq.ncap + 1)); !p.seq.find(line, off, l, &sc.m) {
				l = nil
			} else if sc.take(len(l)); !groups {
				l = l[:2:2]
			}
		case groups:
			l = shift(p.re.FindStringSubmatchIndex(line[off:]), off)
		default:
			l = shift(p.re.FindStringIndex(line[off:]), off)
		}
		if l == nil {
			break
		}
		off = l[1] // the match holds p.lit: it is not empty
		out = append(out, shift(l, start))
		if p.lit.index(line[off:]) < 0 {
			break
		}
	}
	return out
}

// scratch is what matching the lines of a text reuses: the scan's memo,
// and room for the offsets of the matches, allocated for many at a time.
type scratch struct {
	m    memo
	free []int
}

// peek returns room for the w offsets of a match, which take then keeps.
func (sc *scratch) peek(w int) []int {
	if len(sc.free) < w {
		sc.free = make([]int, 256*w) // a match kept (finditer) keeps 255 others' room: little
	}
	return sc.free[:w:w]
}

// take keeps the w ints that peek returned.
func (sc *scratch) take(w int) { sc.free = sc.free[w:] }

// shift adds d to the offsets of a match, but not to the -1 of a group
// that took no part.
func shift(l []int, d int) []int {
	for j, x := range l {
		if x >= 0 {
			l[j] = x + d
		}
	}
	return l
}
