// This file holds how matches are listed, with Python 3.7's rule for empty
// matches: one right after a previous match counts.

package re

import (
	rsyntax "regexp/syntax"
	"unicode/utf8"
)

// all returns the first n matches of p in s (all when n < 0), with their
// groups' offsets when groups is set, in Python's order.
//
// Go lists the same matches as Python except one: after a non-empty match
// ending at e, Go skips an empty match at e, and Python 3.7 keeps it
// (re.findall("a*", "baa") is ["", "aa", ""]). all puts such matches back.
// Patterns that cannot match the empty string, most of them, cost nothing
// more than Go's own listing.
func (p *Pattern) all(s string, n int, groups bool) [][]int {
	var locs [][]int
	if groups || p.nullable {
		locs = p.re.FindAllStringSubmatchIndex(s, n)
	} else {
		locs = p.re.FindAllStringIndex(s, n)
	}
	if !p.nullable {
		return locs
	}
	out := make([][]int, 0, len(locs))
	for i, l := range locs {
		out = append(out, l)
		e := l[1]
		if l[0] == e || i+1 < len(locs) && locs[i+1][0] == e {
			continue // an empty match, or one that Go found at e
		}
		if m := p.emptyAt(s, e); m != nil {
			out = append(out, m)
		}
	}
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// emptyAt returns the match at e, 0 < e <= len(s), when the pattern's
// preferred match there is empty; else nil.
func (p *Pattern) emptyAt(s string, e int) []int {
	_, w := utf8.DecodeLastRuneInString(s[:e])
	idx := p.afterRe().FindStringSubmatchIndex(s[e-w:])
	if idx == nil || idx[1] != w {
		return nil
	}
	for j, x := range idx {
		if x >= 0 {
			idx[j] = x + e - w
		}
	}
	idx[0] = e
	return idx
}

// nullable reports whether re may match the empty string, counting every
// assertion (^, $, \b, ...) as one that may hold.
func nullable(re *rsyntax.Regexp) bool {
	switch re.Op {
	case rsyntax.OpEmptyMatch, rsyntax.OpBeginLine, rsyntax.OpEndLine, rsyntax.OpBeginText, rsyntax.OpEndText,
		rsyntax.OpWordBoundary, rsyntax.OpNoWordBoundary, rsyntax.OpStar, rsyntax.OpQuest:
		return true
	case rsyntax.OpLiteral:
		return len(re.Rune) == 0
	case rsyntax.OpCapture, rsyntax.OpPlus:
		return nullable(re.Sub[0])
	case rsyntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case rsyntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case rsyntax.OpAlternate:
		for _, sub := range re.Sub {
			if nullable(sub) {
				return true
			}
		}
		return false
	}
	return false // characters, classes, no match
}
