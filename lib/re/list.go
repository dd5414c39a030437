// This file holds how matches are listed: a big text a block of lines at a
// time when that finds the same matches faster, and Python 3.7's rule for
// empty matches (one right after a previous match counts).

package re

import (
	rsyntax "regexp/syntax"
	"strings"
	"unicode/utf8"
)

// blockSize is the size of the blocks of lines a big text is matched in,
// when the pattern allows it (see chunkSize).
const blockSize = 1 << 10

// blockSize returns the size of the blocks of lines p matches a big text
// in, 0 when it takes the text whole; it is worked out on first use.
func (p *Pattern) blockSize() int {
	p.chunkOnce.Do(func() {
		body, _ := pythonEscapes(p.src)
		if tree, err := rsyntax.Parse(flagPrefix(p.flags)+body, rsyntax.Perl); err == nil {
			p.chunk = chunkSize(tree)
		}
	})
	return p.chunk
}

// chunkSize returns the size of the blocks of lines in which p's matches
// can be sought, or 0 when the text must be taken whole.
//
// Go's regexp runs a backtracker on small inputs and a slower NFA on big
// ones: findall over blocks of about a kilobyte takes 1.2 to 1.5 times
// less CPU than over a text of megabytes. A block ends before a '\n', and
// the matches in the blocks are the matches in the text when the pattern
// cannot match '\n' (so no match spans two blocks) and has no \A or \z (^
// and $ without re.MULTILINE): for \b, \B and the (?m) ^ and $ the end of
// a block looks like the '\n' that follows it, and its start like the '\n'
// before.
func chunkSize(tree *rsyntax.Regexp) int {
	if !lineLocal(tree) {
		return 0
	}
	prog, err := rsyntax.Compile(tree.Simplify())
	if err != nil || len(prog.Inst) > 500 { // Go's regexp never backtracks such a program
		return 0
	}
	return min(blockSize, 256<<10/len(prog.Inst)-1) // below the smallest input Go does not backtrack on
}

// lineLocal reports whether re can never match '\n' nor test for the start
// or end of the text.
func lineLocal(re *rsyntax.Regexp) bool {
	switch re.Op {
	case rsyntax.OpBeginText, rsyntax.OpEndText, rsyntax.OpAnyChar:
		return false
	case rsyntax.OpLiteral:
		if strings.ContainsRune(string(re.Rune), '\n') {
			return false
		}
	case rsyntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return false
			}
		}
	}
	for _, sub := range re.Sub {
		if !lineLocal(sub) {
			return false
		}
	}
	return true
}

// all returns the first n matches of p in s (all when n < 0), with their
// groups' offsets when groups is set (always, for a run of one class), in
// Python's order. A text without p's required literal has none; a pattern
// that cannot match '\n' and has one is sought only in the lines that hold
// it (allInLines); other patterns that cannot match '\n' are matched a block
// of lines at a time.
func (p *Pattern) all(s string, n int, groups bool) [][]int {
	if p.run != nil {
		return p.run.all(s, n)
	}
	if p.lit.s != "" && p.lit.index(s) < 0 {
		return nil
	}
	if p.lines {
		return p.allInLines(s, n, groups)
	}
	size := 0
	if len(s) > blockSize {
		size = p.blockSize()
	}
	return p.allBy(s, n, groups, size)
}

// allBy is all, matching s by blocks of lines of about size bytes when
// size > 0.
func (p *Pattern) allBy(s string, n int, groups bool, size int) [][]int {
	if size == 0 || len(s) <= size {
		return p.allIn(s, n, groups)
	}
	var out [][]int
	for start := 0; ; {
		end := blockEnd(s, start, size)
		rest := -1
		if n >= 0 {
			rest = n - len(out)
		}
		for _, l := range p.allIn(s[start:end], rest, groups) {
			for j, x := range l {
				if x >= 0 {
					l[j] = x + start
				}
			}
			out = append(out, l)
		}
		if end == len(s) || n >= 0 && len(out) >= n {
			return out
		}
		start = end + 1 // past the '\n'
	}
}

// blockEnd returns where the block of lines that starts at start ends: at
// a '\n' (not included) about size bytes on, or at the end of s.
func blockEnd(s string, start, size int) int {
	if len(s)-start <= size {
		return len(s)
	}
	if k := strings.LastIndexByte(s[start:start+size], '\n'); k >= 0 {
		return start + k
	}
	if k := strings.IndexByte(s[start+size:], '\n'); k >= 0 {
		return start + size + k // a line longer than a block
	}
	return len(s)
}

// allIn returns the matches in s, which is taken whole.
//
// Go lists the same matches as Python except one: after a non-empty match
// ending at e, Go skips an empty match at e, and Python 3.7 keeps it
// (re.findall("a*", "baa") is ["", "aa", ""]). all puts such matches back.
// Patterns that cannot match the empty string, most of them, cost nothing
// more than Go's own listing.
func (p *Pattern) allIn(s string, n int, groups bool) [][]int {
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
	idx := p.after.FindStringSubmatchIndex(s[e-w:])
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
