// Benchmarks of the paths a text job takes: findall over a big text, and
// findall(pattern, line) per line through the cache, alone and in parallel.

package re

import (
	"regexp"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

// corpus returns about n bytes of lines of words.
func corpus(n int) string {
	words := strings.Fields("the quick brown fox jumps over the lazy dog while murmur counts every word in parallel 2026")
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(words[i%len(words)])
		if i%12 == 11 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

const wordPattern = `[a-z]+`

// BenchmarkFindallText is re.findall over 4 MB at once, by the scan for a
// run of one class.
func BenchmarkFindallText(b *testing.B) {
	s := corpus(4 << 20)
	p, err := compile(wordPattern, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		p.findall(text{s: s})
	}
}

// BenchmarkFindallTextRegexp is findall over 4 MB with a pattern that
// runs on Go's regexp, matched a block of lines at a time.
func BenchmarkFindallTextRegexp(b *testing.B) {
	s := corpus(4 << 20)
	p, err := compile(`\b[a-z]+ing\b|(\d+)`, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		p.findall(text{s: s})
	}
}

// BenchmarkGoFindAllText is Go's own FindAllString on the same text: the
// floor findall stands on.
func BenchmarkGoFindAllText(b *testing.B) {
	text := corpus(4 << 20)
	re := regexp.MustCompile(wordPattern)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		re.FindAllString(text, -1)
	}
}

// BenchmarkFindallLines is re.findall(pattern, line) called per line from
// a script's point of view: argument unpacking, the cache, the list.
func BenchmarkFindallLines(b *testing.B) {
	lines := strings.Split(corpus(1<<20), "\n")
	findall := Module.Members["findall"]
	thread := &starlark.Thread{}
	args := make([]starlark.Tuple, len(lines))
	for i, l := range lines {
		args[i] = starlark.Tuple{starlark.String(wordPattern), starlark.String(l)}
	}
	b.SetBytes(1 << 20)
	for b.Loop() {
		for _, a := range args {
			if _, err := starlark.Call(thread, findall, a, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCacheParallel is the cache's hit path from every core at once.
func BenchmarkCacheParallel(b *testing.B) {
	if _, err := cache.get(wordPattern, 0); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cache.get(wordPattern, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
