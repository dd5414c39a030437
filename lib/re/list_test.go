// Tests that matching a big text a block of lines at a time finds what
// matching it whole does, and that it is used only where it may be.

package re

import (
	"strings"
	"testing"
)

func TestBlocksFindTheSame(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 6000; i++ {
		b.WriteString([]string{"the ", "cat", " sat\n", "\n", "on 2026-11-29 ", "éa", "x\xffy", "  \n\n", strings.Repeat("long", 400) + "\n"}[i%9])
	}
	text := b.String()
	for _, pat := range []string{`[a-z]+`, `\w*`, `\b`, `\B`, `(?m)^`, `(?m)$`, `(?m)^\w+$`, `(\d+)-(\d+)?`, `x*`, `a|`, `.+`, `\S+`, `(?i)CAT|ON`, `é*`} {
		p, err := compile(pat, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.blockSize() == 0 {
			t.Errorf("%q is matched whole; it could be matched by blocks", pat)
			continue
		}
		whole := p.allIn(text, -1, true)
		for _, n := range []int{-1, 0, 1, 5, 1000} {
			if got := p.all(text, n, true); !sameMatches(got, whole, n) {
				t.Errorf("%q, n=%d: by blocks %d matches, whole %d", pat, n, len(got), len(whole))
			}
		}
	}
}

func TestBlocksOnlyWhereSafe(t *testing.T) {
	for _, pat := range []string{`\s+`, `[^,]+`, `a\nb`, `(?s).`, `^a`, `a$`, `\Aa`, `a\z`, `a\Z`, `[\x00-\x7f]`, strings.Repeat(`(a|b)`, 200)} {
		p, err := compile(pat, 0)
		if err != nil {
			t.Fatal(err)
		}
		if size := p.blockSize(); size != 0 {
			t.Errorf("%q would be matched by blocks of %d", pat, size)
		}
	}
}

func TestClassRunFindsTheSame(t *testing.T) {
	texts := []string{"", "a", "the cat, sat", "x\xffy\xe2\x82 z", "Éé ǅǆ ſK k", "٣4 5\u00a0x", strings.Repeat("ab1 ", 3000)}
	for _, pat := range []string{`[a-z]+`, `\w+`, `(\d+)`, `\S+`, `[^\s,]+`, `.+`, `(?s).+`, `é+`, `\pL+`, `(?i)[a-z]+`, `(?i)[k]+`, `[^a]+`, `[\x{fffd}]+`} {
		p, err := compile(pat, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.run == nil {
			t.Errorf("%q is not scanned as a run of one class", pat)
			continue
		}
		for _, s := range texts {
			for _, n := range []int{-1, 0, 1, 3} {
				if got, want := p.all(s, n, true), p.allIn(s, -1, true); !sameMatches(got, want, n) {
					t.Errorf("%q in %q, n=%d: scan %v, regexp %v", pat, s, n, got, want)
				}
			}
		}
	}
	for _, pat := range []string{`[a-z]+?`, `[a-z]*`, `(?i)k+`, `a+b`, `(a)+`, `((a+))`, `[a-z]{2,}`} {
		if p, err := compile(pat, 0); err != nil || p.run != nil {
			t.Errorf("%q: scanned as a run of one class (%v)", pat, err)
		}
	}
}
