// Benchmarks of the paths a text job takes: findall over a big text, and
// findall(pattern, line) per line through the cache, alone and in parallel.

package re

import (
	"fmt"
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

// logText returns about n bytes of web-server log lines like bench's T1
// corpus, with a bad request now and then.
func logText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i%500 == 7 {
			b.WriteString(`10.0.0.1 - - [01/Nov/2026:00:00:00 +0000] "-" 400 0 "-" "-"` + "\n")
			continue
		}
		fmt.Fprintf(&b, `10.%d.%d.%d - - [01/Nov/2026:00:00:%02d +0000] "%s /item/%d?page=%d HTTP/1.1" %d %d "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"`+"\n",
			i%256, i/256%256, i%7, i%60, []string{"GET", "POST", "HEAD"}[i%3], i*7919%5000, i%9, []int{200, 304, 404}[i%3], i*31%20000)
	}
	return b.String()
}

// BenchmarkFindallLog is T1's findall over 1 MiB of log lines: by the scan
// of seq.go (scan), by regexp in the lines holding the literal (regexp),
// and by regexp a block of lines at a time, as before both (blocks).
func BenchmarkFindallLog(b *testing.B) {
	s := logText(1 << 20)
	for _, how := range []string{"scan", "regexp", "blocks"} {
		b.Run(how, func(b *testing.B) {
			p, err := compile(`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`, 0)
			if err != nil || p.seq == nil {
				b.Fatalf("%v, scanned %v", err, p.seq != nil)
			}
			switch how {
			case "regexp":
				p.seq = nil
			case "blocks":
				p.seq, p.lines, p.lit = nil, false, literal{}
			}
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				p.findall(text{s: s})
			}
		})
	}
}
