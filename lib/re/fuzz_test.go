// Fuzz test of compiling and matching: no input panics, and what the
// functions answer agrees with itself.

package re

import (
	"errors"
	rsyntax "regexp/syntax"
	"slices"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

func FuzzRe(f *testing.F) {
	for _, seed := range [][3]string{
		{`\w+`, "the quick brown fox", `<\g<0>>`},
		{`(a)|b`, "abab", `[\1]`},
		{`x*`, "abxd", "-"},
		{`\b`, "hi there", "|"},
		{`(?m)^\s*`, "a\n  b\n", `\n`},
		{`(?P<y>\d{4})-(?P<m>\d\d)?`, "2024-05 2025-", `\g<m>/\g<y>`},
		{`a{100000}`, "a", ""},
		{`(a)\1`, "aa", `\1`},
		{`é*`, "aéé b\xff", `\0`},
		{`a*?`, "aa", `\101`},
		{`(?i)ǅ|$`, "ǆ", `\g<1`},
		{`[`, "", `\q`},
		{`[)(]\(\Q)(\E[[:alpha:]\]]()a)`, "", ""},
		{`[]a](b`, "", ""},
		{`(?m)^\w+$|\b`, "ab\ncd e\n\nf", ""},
		{`\B\S*`, "x yz\n\nw", ""},
		{`(?i)[a-z]*`, "Ab\ncD", ""},
		{`^\w|\w$`, "ab\ncd", ""},
		{`(?i)[a-zé]+`, "Éa\xffBé ǅ", ""},
		{`([^\s,]+)`, "a,b  c\u00a0d", `<\1>`},
		{`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, "a \"GET /x HTTP/1.1\" 200 5 \"b\"\n\"- HTTP/1.1\" 2 -\n", `\2`},
		{`\bkey=(\w*)`, "key=1 akey=2\nkey=\xff key=", `\1`},
		{`(?m)^ab(c)?$`, "abc\nab\r\nab", ""},
		{`(ab)+c?`, "ababc\nabab ab", ""},
		{`x\x{fffd}y`, "x\xffy x\ufffdy", ""},
		{`(q[a-z]*Z|zq)!`, "qzqzqz zq! qzZ!", ""},
		{`(x(\d+)|y(\w)z)!\d{2,4}`, "x12!123 yaz!1 y!z!99", ""},
		{`[^;\n]+;`, "é;x\xff; ;;\n\xe2\x82;", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, pattern, s, tmpl string) {
		p, err := compile(pattern, 0)
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), "bad pattern") {
				t.Fatalf("compile(%q): %T %v", pattern, err, err)
			}
			var se *rsyntax.Error
			if errors.As(err, &se) && (se.Code == rsyntax.ErrMissingParen || se.Code == rsyntax.ErrUnexpectedParen) &&
				(pe.Pos < 0 || pe.Pos >= len(pattern) || !strings.ContainsRune("()", rune(pattern[pe.Pos]))) {
				t.Fatalf("compile(%q): %v: not at a parenthesis", pattern, err)
			}
			return
		}
		if tree, err := rsyntax.Parse(pattern, rsyntax.Perl); err == nil {
			if prog, err := rsyntax.Compile(tree.Simplify()); err == nil && len(prog.Inst) > 5000 {
				return // slow to match (time grows with the program), and not more telling
			}
		}
		locs := p.all(s, -1, true)
		if p.run != nil { // the scan finds what regexp does
			for _, n := range []int{-1, 1, 2} {
				if got, want := p.run.all(s, n), p.allIn(s, -1, true); !sameMatches(got, want, n) {
					t.Fatalf("%q in %q, n=%d: scan %v, regexp %v", pattern, s, n, got, want)
				}
			}
		}
		if p.blockSize() > 0 { // blocks of lines find what the whole text does, even tiny blocks
			whole := p.allIn(s, -1, true)
			for _, size := range []int{1, 3, 16} {
				for _, n := range []int{-1, 1, 2} {
					if got, want := p.allBy(s, n, true, size), whole; !sameMatches(got, want, n) {
						t.Fatalf("%q in %q by blocks of %d, n=%d: %v, whole: %v", pattern, s, size, n, got, want)
					}
				}
			}
		}
		if p.lit.s != "" { // every match holds the required literal; by lines finds what whole does
			for _, groups := range []bool{true, false} {
				whole := p.allIn(s, -1, groups)
				for _, l := range whole {
					if !strings.Contains(s[l[0]:l[1]], p.lit.s) {
						t.Fatalf("%q in %q: match %v lacks the required literal %q", pattern, s, l, p.lit.s)
					}
				}
				for _, n := range []int{-1, 1, 2} {
					if got := p.all(s, n, groups); !sameMatches(got, whole, n) {
						t.Fatalf("%q in %q, n=%d, groups %v: %v, whole: %v", pattern, s, n, groups, got, whole)
					}
				}
			}
		}
		prev := 0
		for _, l := range locs {
			if l[0] < prev || l[1] < l[0] || l[1] > len(s) || len(l) != 2*(p.re.NumSubexp()+1) {
				t.Fatalf("%q in %q: bad match %v after %d", pattern, s, l, prev)
			}
			prev = l[1]
		}
		tx := text{s: s}
		if (p.search(tx) == starlark.None) != (len(locs) == 0) {
			t.Fatalf("%q in %q: search and findall disagree", pattern, s)
		}
		if m, ok := p.matchStart(tx).(*Match); ok && m.idx[0] != 0 {
			t.Fatalf("%q: match at %d", pattern, m.idx[0])
		}
		if m, ok := p.fullmatch(tx).(*Match); ok && (m.idx[0] != 0 || m.idx[1] != len(s)) {
			t.Fatalf("%q: fullmatch spans %v of %d bytes", pattern, m.idx[:2], len(s))
		}
		if n := p.findall(tx).Len(); n != len(locs) {
			t.Fatalf("%q in %q: findall has %d, want %d", pattern, s, n, len(locs))
		}
		if n := p.split(tx, 0).Len(); n != len(locs)*(p.re.NumSubexp()+1)+1 {
			t.Fatalf("%q in %q: split gives %d pieces for %d matches", pattern, s, n, len(locs))
		}
		thread := &starlark.Thread{}
		same, n, err := p.subn(thread, "sub", starlark.String(`\g<0>`), tx, 0)
		if err != nil || string(same.(starlark.String)) != s || n != len(locs) {
			t.Fatalf("%q in %q: sub(\\g<0>) = %v, %d, %v", pattern, s, same, n, err)
		}
		if _, _, err := p.subn(thread, "sub", starlark.String(tmpl), tx, 0); err != nil {
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("template %q: %T %v", tmpl, err, err)
			}
		}
	})
}

// sameMatches reports whether got is the first n of want (all when n < 0).
func sameMatches(got, want [][]int, n int) bool {
	if n >= 0 && len(want) > n {
		want = want[:n]
	}
	return slices.EqualFunc(got, want, slices.Equal)
}
