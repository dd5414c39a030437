// Tests of the scan for patterns that never backtrack: which patterns it
// takes, and that it finds what regexp finds.

package re

import (
	"strings"
	"testing"
)

func TestSeqTakes(t *testing.T) {
	tests := []struct {
		pattern string
		seq     bool
	}{
		{`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, true},
		{`abc`, true},
		{`a+b`, true},
		{`ab*c`, true},
		{`x?y`, true},
		{`\d{2,4}x`, true},
		{`(x(\d+)|y(\w)z)!`, true},
		{`((a)b(c+))d`, true},
		{`[^;\n]+;`, true},
		{`(q[a-z]*Z|zq)!`, true},
		{`[ab]?a`, false},      // the repeat may give back what the a needs
		{`\S*=\S*`, false},     // = is in \S
		{`\d{2,}x`, false},     // an unlimited repeat of at least two
		{`(a)?bc`, false},      // a repeat of a group
		{`(?i)key=\d+`, false}, // literals that fold case
		{`x+?y`, false},        // lazy
		{`(\d+|1x)y`, false},   // branches that start alike
		{`\bab`, false},        // an assertion
		{`é+ü`, false},         // other than ASCII on both sides: not told apart by their first byte
		{`a\x{fffd}b`, false},  // U+FFFD matches a byte that is not UTF-8
	}
	for _, tt := range tests {
		p, err := compile(tt.pattern, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.seq != nil; got != tt.seq {
			t.Errorf("%q: scanned %v, want %v", tt.pattern, got, tt.seq)
		}
	}
}

func TestSeqFindsTheSame(t *testing.T) {
	texts := append(lineTexts(),
		"aaaa", "aaab aab ab b", strings.Repeat("qz", 2000)+"Z!", "qzzzzZ! zq! zqzq!",
		"12x 1234x 12345x 1x", "xy y xxy", "x12! yaz! y!z! x!", "abccd abd abcd",
		"é;x\xff; ;;\n\xe2\x82;", "\"GET /é\xff HTTP/1.1\" 200 -\n\"GET  HTTP/1.1\" 2000 5")
	for _, tt := range []string{`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, `abc`, `a+b`, `ab*c`, `x?y`, `\d{2,4}x`,
		`(x(\d+)|y(\w)z)!`, `((a)b(c+))d`, `[^;\n]+;`, `(q[a-z]*Z|zq)!`, `(a|b)c?d`, `[^x\n]+x`, `a{0}b`, `(\d+|-)x`} {
		p, err := compile(tt, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.seq == nil {
			t.Errorf("%q is not scanned", tt)
			continue
		}
		for _, s := range texts {
			for _, groups := range []bool{true, false} {
				whole := p.allIn(s, -1, groups)
				for _, n := range []int{-1, 1, 3} {
					if got := p.all(s, n, groups); !sameMatches(got, whole, n) {
						t.Errorf("%q in %.40q, n=%d, groups %v: scan %v, regexp %v", tt, s, n, groups, head(got), head(whole))
					}
				}
			}
		}
	}
}

// FuzzSeq checks the scan against regexp on patterns it takes (others are
// skipped), for whole matches and with groups.
func FuzzSeq(f *testing.F) {
	for _, seed := range [][2]string{
		{`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, "\"GET /é\xff HTTP/1.1\" 200 -\n\"GET  HTTP/1.1\" 2000 5"},
		{`(q[a-z]*Z|zq)!`, "qzqzqz zq! qzZ!"},
		{`(x(\d+)|y(\w)z)!\d{2,4}`, "x12!123 yaz!1 y!z!99"},
		{`[^;\n]+;`, "é;x\xff; ;;\n\xe2\x82;"},
		{`a+b`, "aaaa aab\nab"},
		{`((a)b(c+))d`, "abccd abd"},
		{`x?y{0,3}z`, "xyyyyz yz z xz"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		p, err := compile(pattern, 0)
		if err != nil || p.seq == nil {
			return
		}
		for _, groups := range []bool{true, false} {
			whole := p.allIn(s, -1, groups)
			for _, n := range []int{-1, 1, 2} {
				if got := p.all(s, n, groups); !sameMatches(got, whole, n) {
					t.Fatalf("%q in %q, n=%d, groups %v: scan %v, regexp %v", pattern, s, n, groups, got, whole)
				}
			}
		}
	})
}

// TestMemoClaim checks claim's word arithmetic against a slice of bools.
func TestMemoClaim(t *testing.T) {
	var m memo
	const slots, n = 3, 200
	m.reset(slots, n)
	model := make([]bool, slots*(n+1))
	rng := uint32(1)
	next := func(k int) int { rng = rng*1664525 + 1013904223; return int(rng>>8) % k }
	for range 2000 {
		slot, from := next(slots), next(n+1)
		to := from + next(min(n+1-from, 130))
		want := false
		for x := from; x <= to; x++ {
			want = want || model[slot*(n+1)+x]
			model[slot*(n+1)+x] = true
		}
		if got := m.claim(slot, from, to); got != want {
			t.Fatalf("claim(%d, %d, %d) = %v, want %v", slot, from, to, got, want)
		}
		if next(50) == 0 {
			m.reset(slots, n)
			clear(model)
		}
	}
}
