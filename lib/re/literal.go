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

// allInLines returns the first n matches in s (all when n < 0) of a
// pattern that cannot match '\n', has no \A or \z and requires the
// literal p.lit: only the lines holding p.lit are matched, each taken
// whole (its start and end look to \b, \B and the (?m) ^ and $ as the
// '\n' around it does; see chunkSize). In a line, a context-free pattern
// is sought again after each match only while the rest holds p.lit, which
// spares regexp a search that must fail.
func (p *Pattern) allInLines(s string, n int, groups bool) [][]int {
	var out [][]int
	for pos := 0; n < 0 || len(out) < n; {
		k := strings.Index(s[pos:], p.lit)
		if k < 0 {
			break
		}
		at := pos + k
		start := pos + strings.LastIndexByte(s[pos:at], '\n') + 1
		end := len(s)
		if e := strings.IndexByte(s[at:], '\n'); e >= 0 {
			end = at + e
		}
		out = p.lineMatches(out, s[start:end], start, n, groups)
		if end == len(s) {
			break
		}
		pos = end + 1 // past the '\n'
	}
	return out
}

// lineMatches appends to out the matches in line, which starts at offset
// start of the text, until out holds n (all when n < 0).
func (p *Pattern) lineMatches(out [][]int, line string, start, n int, groups bool) [][]int {
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
	for off := 0; n < 0 || len(out) < n; {
		var l []int
		if groups {
			l = p.re.FindStringSubmatchIndex(line[off:])
		} else {
			l = p.re.FindStringIndex(line[off:])
		}
		if l == nil {
			break
		}
		end := off + l[1] // the match holds p.lit: it is not empty
		out = append(out, shift(l, start+off))
		off = end
		if !strings.Contains(line[off:], p.lit) {
			break
		}
	}
	return out
}

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
