// This file holds T1's corpus: web-server log files generated from a seed,
// cached in a folder named after what made them, and the job's answer
// computed in Go from the files.

package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"math/rand/v2"
)

// Defaults of T1Options: 200 files of 1 MiB.
const (
	T1Files    = 200
	T1FileSize = 1 << 20
	T1Top      = 20 // paths (and statuses) in the answer
)

// t1Version names the generator; change it whenever the lines it writes
// change, so that cached corpora of the old kind are not reused.
const t1Version = "v1"

// T1Options says which corpus to generate. The zero value is 200 files of
// 1 MiB from seed 0, cached under os.TempDir().
type T1Options struct {
	Seed     uint64 // the generator's seed (any value, zero included)
	Files    int    // number of files; zero means T1Files
	FileSize int    // bytes per file at most (whole lines); zero means T1FileSize, at least 1024
	Dir      string // folder that holds the cached corpora; empty means os.TempDir()
}

// T1Corpus is a generated corpus: files access-0000.log, access-0001.log...
// in Dir.
type T1Corpus struct {
	Dir   string
	Files int
	Bytes int64 // all files together
}

// t1Manifest is written last into a corpus folder; a corpus is reused only
// when its manifest and files agree with it.
type t1Manifest struct {
	Version  string `json:"version"`
	Seed     uint64 `json:"seed"`
	Files    int    `json:"files"`
	FileSize int    `json:"file_size"`
	Bytes    int64  `json:"bytes"`
}

const t1ManifestName = "corpus.json"

// T1Generate returns the corpus opts describes, generating it unless a
// previous run left it in opts.Dir. A corpus is generated into a temporary
// folder that is renamed into place when complete, so a folder under its
// final name is always whole, also when processes generate it at once.
func T1Generate(opts T1Options) (T1Corpus, error) {
	files, size := cmp.Or(opts.Files, T1Files), cmp.Or(opts.FileSize, T1FileSize)
	switch {
	case files < 0:
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %d files; want at least 1", files)
	case size < 1024:
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: file size %d bytes; want at least 1024", size)
	}
	parent := cmp.Or(opts.Dir, os.TempDir())
	want := t1Manifest{Version: t1Version, Seed: opts.Seed, Files: files, FileSize: size}
	dir := filepath.Join(parent, fmt.Sprintf("murmur-t1-%s-seed%d-%dx%d", t1Version, opts.Seed, files, size))
	if c, err := t1Open(dir, want); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(dir)+".tmp-")
	if err != nil {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	defer os.RemoveAll(tmp) // gone once renamed; left over only on failure
	if want.Bytes, err = t1Write(tmp, opts.Seed, files, size); err != nil {
		return T1Corpus{}, err
	}
	m, err := json.Marshal(want)
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, t1ManifestName), m, 0o644)
	}
	if err != nil {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have put the same corpus there first.
		if c, oerr := t1Open(dir, want); oerr == nil {
			return c, nil
		}
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	return T1Corpus{Dir: dir, Files: files, Bytes: want.Bytes}, nil
}

// t1Open returns the corpus in dir if its manifest says it is want and its
// files add up; an error wrapping fs.ErrNotExist if there is none.
func t1Open(dir string, want t1Manifest) (T1Corpus, error) {
	b, err := os.ReadFile(filepath.Join(dir, t1ManifestName))
	if err != nil {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	var got t1Manifest
	if err := json.Unmarshal(b, &got); err != nil {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus %s: manifest: %w; remove the folder to generate it again", dir, err)
	}
	var total int64
	for i := range want.Files {
		st, err := os.Stat(filepath.Join(dir, t1FileName(i)))
		if err != nil {
			return T1Corpus{}, fmt.Errorf("bench: T1 corpus %s is incomplete (%v); remove the folder to generate it again", dir, err)
		}
		total += st.Size()
	}
	if want.Bytes = got.Bytes; got != want || total != got.Bytes {
		return T1Corpus{}, fmt.Errorf("bench: T1 corpus %s does not match its manifest (%d bytes of files, manifest %+v, want %+v); remove the folder to generate it again",
			dir, total, got, want)
	}
	return T1Corpus{Dir: dir, Files: want.Files, Bytes: total}, nil
}

func t1FileName(i int) string { return fmt.Sprintf("access-%04d.log", i) }

// t1Write writes the files into dir, in parallel (each file has a random
// stream of its own, so the order does not matter), and returns their size.
func t1Write(dir string, seed uint64, files, size int) (int64, error) {
	paths := newT1Paths()
	var (
		mu    sync.Mutex
		total int64
		errs  []error
		wg    sync.WaitGroup
		next  = make(chan int)
	)
	for range min(files, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				b := t1File(paths, seed, i, size)
				err := os.WriteFile(filepath.Join(dir, t1FileName(i)), b, 0o644)
				mu.Lock()
				total += int64(len(b))
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("bench: T1 corpus: %w", err)
	}
	return total, nil
}

// t1Paths is the site's paths with their popularity (a Zipf law): the
// cumulative weights, for drawing one.
type t1Paths struct {
	names []string
	cdf   []float64
	sizes []int // the typical size of each path's answer
}

func newT1Paths() *t1Paths {
	const n = 5000
	sections := []struct{ dir, ext string }{
		{"products", ""}, {"blog", ".html"}, {"static/js", ".js"}, {"static/css", ".css"},
		{"images", ".png"}, {"api/v1/users", ""}, {"api/v1/orders", ""}, {"docs", ".html"},
		{"search", ""}, {"cart", ""},
	}
	p := &t1Paths{}
	for _, fixed := range []string{"/", "/favicon.ico", "/robots.txt", "/index.html", "/login"} {
		p.names = append(p.names, fixed)
	}
	for i := len(p.names); i < n; i++ {
		s := sections[i%len(sections)]
		name := "/" + s.dir + "/" + strconv.Itoa(1000+i*7) + s.ext
		if s.dir == "search" {
			name = "/search?q=item" + strconv.Itoa(i) + "&page=" + strconv.Itoa(1+i%5)
		}
		p.names = append(p.names, name)
	}
	sum := 0.0
	for i, name := range p.names {
		sum += 1 / math.Pow(float64(i+1), 1.07)
		p.cdf = append(p.cdf, sum)
		p.sizes = append(p.sizes, 200+int(uint32(len(name)*2654435761+i*40503)%60000))
	}
	return p
}

// t1Rand is the generator's random stream: PCG, a fixed algorithm, with
// reductions of our own, so a seed gives the same files with every Go.
type t1Rand struct{ src *rand.PCG }

func (r t1Rand) intn(n int) int { return int(r.src.Uint64() % uint64(n)) }

func (r t1Rand) float() float64 { return float64(r.src.Uint64()>>11) / (1 << 53) }

// pick draws an index by weights (which add up to 1000).
func (r t1Rand) pick(weights []int) int {
	x := r.intn(1000)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

var (
	t1Methods       = []string{"GET", "POST", "HEAD", "PUT"}
	t1MethodWeights = []int{900, 60, 30, 10}
	t1Protocols     = []string{"HTTP/1.1", "HTTP/2.0", "HTTP/1.0"}
	t1ProtoWeights  = []int{850, 130, 20}
	t1Statuses      = []int{200, 304, 404, 301, 302, 206, 403, 500, 503}
	t1StatusWeights = []int{760, 80, 70, 30, 20, 10, 10, 12, 8}
	t1AgentWeights  = []int{300, 200, 150, 100, 80, 60, 50, 30, 20, 10}
	t1Agents        = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"curl/8.5.0",
		"python-requests/2.32.3",
		"Go-http-client/2.0",
	}
	t1Start = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)
)

// t1File returns file i of the corpus: whole lines, at most size bytes.
// About one line in 500 is a bad request nginx logs with a request "-",
// one in 2,000 the bytes of a TLS handshake sent to the plain port; the
// job skips both.
func t1File(paths *t1Paths, seed uint64, i, size int) []byte {
	r := t1Rand{rand.NewPCG(seed, uint64(i))}
	at := t1Start.Add(time.Duration(i) * time.Hour)
	out := make([]byte, 0, size)
	var line []byte
	for {
		at = at.Add(time.Duration(r.intn(1000)) * time.Millisecond)
		line = t1Line(line[:0], r, paths, at)
		if len(out)+len(line) > size {
			return out
		}
		out = append(out, line...)
	}
}

// t1Line appends one line:
//
//	203.0.113.9 - - [01/Nov/2026:00:00:01 +0000] "GET /blog/1035.html HTTP/1.1" 200 5120 "Mozilla/5.0 (...)"
func t1Line(b []byte, r t1Rand, paths *t1Paths, at time.Time) []byte {
	b = strconv.AppendInt(b, int64(1+r.intn(223)), 10)
	for range 2 {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.intn(256)), 10)
	}
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(1+r.intn(254)), 10)
	b = append(b, " - - ["...)
	b = at.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
	b = append(b, "] \""...)
	switch x := r.intn(2000); {
	case x < 4:
		return append(b, "-\" 400 0 \"-\"\n"...)
	case x == 4:
		return append(b, `\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-"`+"\n"...)
	}
	p := sort.SearchFloat64s(paths.cdf, r.float()*paths.cdf[len(paths.cdf)-1])
	p = min(p, len(paths.names)-1)
	b = append(b, t1Methods[r.pick(t1MethodWeights)]...)
	b = append(b, ' ')
	b = append(b, paths.names[p]...)
	b = append(b, ' ')
	b = append(b, t1Protocols[r.pick(t1ProtoWeights)]...)
	b = append(b, "\" "...)
	status := t1Statuses[r.pick(t1StatusWeights)]
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	switch status {
	case 304:
		b = append(b, '-')
	case 200:
		b = strconv.AppendInt(b, int64(paths.sizes[p]*(90+r.intn(21))/100), 10)
	case 206:
		b = strconv.AppendInt(b, int64(r.intn(paths.sizes[p]+1)), 10)
	case 301, 302:
		b = strconv.AppendInt(b, int64(150+r.intn(100)), 10)
	default:
		b = strconv.AppendInt(b, int64(150+r.intn(400)), 10)
	}
	b = append(b, " \""...)
	b = append(b, t1Agents[r.pick(t1AgentWeights)]...)
	return append(b, "\"\n"...)
}

// t1LineRE is the job's extraction, the same on every side: the path, the
// status and the size (a number, or "-" for none) of a request line.
var t1LineRE = regexp.MustCompile(`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`)

// T1Answer is the job's answer: the requests counted, the top paths by
// requests, and the statuses by bytes sent, each sorted by count (highest
// first), then by key, T1Top at most.
type T1Answer struct {
	Requests int
	Paths    []T1Count
	Bytes    []T1Count
}

// T1Count is a key and its count.
type T1Count struct {
	Key string
	N   int
}

// String is the answer as every side prints it (bench/t1/report.star).
func (a T1Answer) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests %d\ntop %d paths by requests\n", a.Requests, T1Top)
	for _, c := range a.Paths {
		fmt.Fprintf(&b, "%d %s\n", c.N, c.Key)
	}
	b.WriteString("bytes by status\n")
	for _, c := range a.Bytes {
		fmt.Fprintf(&b, "%d %s\n", c.N, c.Key)
	}
	return b.String()
}

// Check returns an error naming the first line where output, what side
// printed, differs from the answer; nil when they are the same.
func (a T1Answer) Check(side, output string) error {
	want := a.String()
	if output == want {
		return nil
	}
	got, exp := strings.Split(output, "\n"), strings.Split(want, "\n")
	for i := range max(len(got), len(exp)) {
		g, e := "(nothing)", "(nothing)"
		if i < len(got) {
			g = strconv.Quote(got[i])
		}
		if i < len(exp) {
			e = strconv.Quote(exp[i])
		}
		if g != e {
			return fmt.Errorf("bench: T1 %s: line %d of its answer is %s, want %s", side, i+1, g, e)
		}
	}
	return fmt.Errorf("bench: T1 %s: answer differs", side)
}

// T1Expected computes the answer in Go, a file at a time in parallel, with
// the regular expression of the scripts.
func T1Expected(ctx context.Context, c T1Corpus) (T1Answer, error) {
	type part struct {
		requests     int
		paths, bytes map[string]int
		err          error
	}
	parts := make([]part, c.Files)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(c.Files, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				p := &parts[i]
				b, err := os.ReadFile(filepath.Join(c.Dir, t1FileName(i)))
				if err != nil {
					p.err = err
					continue
				}
				p.paths, p.bytes = make(map[string]int), make(map[string]int)
				// A line at a time: no match spans lines, and on a short
				// input Go's regexp runs its backtracker, 3-4 times faster
				// on this corpus than the NFA it runs on a whole file.
				for line := range bytes.Lines(b) {
					for _, m := range t1LineRE.FindAllSubmatch(line, -1) {
						p.requests++
						p.paths[string(m[1])]++
						n, _ := strconv.Atoi(string(m[3])) // "-" counts 0
						p.bytes[string(m[2])] += n
					}
				}
			}
		})
	}
	for i := range c.Files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return T1Answer{}, err
	}
	var a T1Answer
	paths, bytes := make(map[string]int), make(map[string]int)
	for _, p := range parts {
		if p.err != nil {
			return T1Answer{}, fmt.Errorf("bench: T1 answer: %w", p.err)
		}
		a.Requests += p.requests
		for k, n := range p.paths {
			paths[k] += n
		}
		for k, n := range p.bytes {
			bytes[k] += n
		}
	}
	a.Paths, a.Bytes = t1Ranked(paths), t1Ranked(bytes)
	return a, nil
}

// t1Ranked returns the T1Top highest counts, ties by key.
func t1Ranked(m map[string]int) []T1Count {
	out := make([]T1Count, 0, len(m))
	for k, n := range m {
		out = append(out, T1Count{k, n})
	}
	slices.SortFunc(out, func(a, b T1Count) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Key, b.Key)) })
	return out[:min(len(out), T1Top)]
}
