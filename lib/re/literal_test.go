// Tests of the required literal: which literal a pattern requires, and that
// seeking matches only in the lines holding it finds what matching the text
// whole does.

package re

import (
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

func TestRequiredLiteral(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
		lines   bool // sought only in the lines holding it
	}{
		{`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, ` HTTP/`, true},
		{`abc`, `abc`, true},
		{`a?bc`, `bc`, true},
		{`(ab)+cd`, `ab`, true},
		{`x{0,3}yz`, `yz`, true},
		{`(?:foo){2}\d`, `foo`, true},
		{`(?:foo){0,2}\d`, ``, false},
		{`(foo)*bar`, `bar`, true},
		{`foo|bar`, ``, false},
		{`(?i)error: \d+`, ``, false},
		{`(?i:x)error`, `error`, true},
		{`\x{fffd}abc`, ``, false},
		{`\d+`, ``, false},
		{`ab\ncd`, "ab\ncd", false},  // may match '\n'
		{`(?s)id=.*;`, `id=`, false}, // . matches '\n'
		{`\Aabc`, `abc`, false},      // \A is the start of the text, not of a line
		{`abc$`, `abc`, false},       // $ is \z without re.MULTILINE
		{`(?m)^abc$`, `abc`, true},
		{`\bkey=(\w*)`, `key=`, true},
		{`(key=)?x*`, ``, false}, // may match the empty string
		{`é+ü`, `é`, true},       // the first of the longest
		{`[^,]+,x`, `,x`, false}, // [^,] holds '\n'
	}
	for _, tt := range tests {
		p, err := compile(tt.pattern, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.lit.s != tt.want || p.lines != tt.lines {
			t.Errorf("%q: literal %q, lines %v; want %q, %v", tt.pattern, p.lit.s, p.lines, tt.want, tt.lines)
		}
	}
}

// lineTexts are texts with lines of every kind: empty, without a final
// '\n', CRLF, bytes that are not UTF-8, a long line, a literal at the
// start and at the end of a line.
func lineTexts() []string {
	var b strings.Builder
	for i := 0; b.Len() < 5000; i++ {
		b.WriteString([]string{
			`1.2.3.4 - - [x] "GET /a?b=1 HTTP/1.1" 200 512 "Mozilla/5.0"` + "\n",
			`5.6.7.8 - - [x] "POST /b HTTP/2.0" 304 - "curl"` + "\n",
			`9.9.9.9 - - [x] "-" 400 0 "-"` + "\n",
			"\n", "key=v1 key= key=x\xffy HTTP/ HTTP/1.1\r\n",
			" HTTP/1.0\" 200 7", "abcabc\nabc", "fooba foobar barfoo\n", "éü éééü ü\n",
			strings.Repeat("abc ", 300) + "\n",
		}[i%10])
	}
	return []string{"", "\n", "abc", "abc\n", "\nabc", " HTTP/", "x\xff HTTP/1.1\" 200 5", b.String()}
}

func TestLinesFindTheSame(t *testing.T) {
	patterns := []string{
		`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`,
		`abc`, `(a)?bc`, `(ab)+c?`, `(?m)^abc`, `(?m)abc$`, `(?m)^abc$`, `\babc\b`, `\Babc`,
		`\bkey=(\w*)`, `key=(\w*|x)`, `foo(bar)?`, `(foo)*bar`, `é+ü`, `HTTP/(\d)\.(\d)`, `(?i:h)TTP/`,
		` HTTP/1\.\d" (\d+) (\d+|(-))`, `[^\n]*abc`, `abc[^\n]*`, `\S*=\S*`,
	}
	for _, pat := range patterns {
		p, err := compile(pat, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !p.lines {
			t.Errorf("%q is not sought by lines", pat)
			continue
		}
		for _, s := range lineTexts() {
			for _, groups := range []bool{true, false} {
				whole := p.allIn(s, -1, groups)
				for _, n := range []int{-1, 0, 1, 2, 7, 100} {
					if got := p.all(s, n, groups); !sameMatches(got, whole, n) {
						t.Errorf("%q in %.40q, n=%d, groups %v: by lines %v, whole %v", pat, s, n, groups, head(got), head(whole))
					}
				}
			}
		}
	}
}

// head returns the first matches of a list, for messages.
func head(l [][]int) [][]int { return l[:min(len(l), 4)] }

// TestLiteralPrefilter checks that a text without the required literal has
// no match, by every function, for patterns that are not sought by lines.
func TestLiteralPrefilter(t *testing.T) {
	for _, pat := range []string{`ab\ncd`, `\Aabc`, `abc$`, `(?s)id=.*;`} {
		p, err := compile(pat, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"ab\ncd", "abc", "id=\n;", "xyz", "ab\n\ncd"} {
			whole := p.allIn(s, -1, true)
			if got := p.all(s, -1, true); !sameMatches(got, whole, -1) {
				t.Errorf("%q in %q: %v, want %v", pat, s, got, whole)
			}
			if got, want := p.search(text{s: s}) != starlark.None, len(whole) > 0; got != want {
				t.Errorf("%q in %q: search found %v, want %v", pat, s, got, want)
			}
		}
	}
}

func TestLiteralIndex(t *testing.T) {
	lits := []string{" HTTP/", "a", "Q", "ab", "HH", "xHx", "é", "\xff", "aaab", "P/"}
	texts := []string{
		"", "a", "H", " HTTP", " HTTP/", "x HTTP/1.1 HTTP/", "HTTP/ HTTP/ xHx",
		strings.Repeat("H", 300) + " HTTP/", // the rare byte is common here: strings.Index takes over
		strings.Repeat("xHy", 500) + "xHx", strings.Repeat("aaa", 400) + "b", "aaab", "aab",
		"é", "e\xcc\x81 é", "\xff\xfe", "P", "P/", strings.Repeat("P", 100),
	}
	for _, lit := range lits {
		l := newLiteral(lit)
		if l.rare < 0 || l.rare >= len(lit) {
			t.Fatalf("%q: rare byte at %d", lit, l.rare)
		}
		for _, s := range texts {
			if got, want := l.index(s), strings.Index(s, lit); got != want {
				t.Errorf("%q in %.30q: index %d, want %d", lit, s, got, want)
			}
		}
	}
	if l := newLiteral(" HTTP/"); l.s[l.rare] != 'H' {
		t.Errorf(`" HTTP/" is sought by %q; want "H", the rarest`, l.s[l.rare])
	}
}

// FuzzLiteralIndex checks the search by the rare byte against strings.Index.
func FuzzLiteralIndex(f *testing.F) {
	f.Add(" HTTP/", "x HTTP/1.1 HTTP/")
	f.Add("HH", strings.Repeat("H", 100))
	f.Add("xHx", strings.Repeat("xHy", 100)+"xHx")
	f.Add("é", "e\xcc\x81 é")
	f.Fuzz(func(t *testing.T, lit, s string) {
		if lit == "" {
			return
		}
		if got, want := newLiteral(lit).index(s), strings.Index(s, lit); got != want {
			t.Fatalf("%q in %q: index %d, want %d", lit, s, got, want)
		}
	})
}
