// Tests of -metrics and -ui against a real `murmur run` process.

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// served returns the address a murmur process said it serves what on
// (what it printed on stderr before its script started).
func served(t *testing.T, p *proc, what string) string {
	t.Helper()
	m := regexp.MustCompile(`murmur: ` + regexp.QuoteMeta(what) + ` on http://(\S+)`).FindStringSubmatch(p.stderr.String())
	if m == nil {
		t.Fatalf("no %q address on stderr:\n%s", what, p.stderr.String())
	}
	return m[1]
}

// scrape reads the Prometheus text at url into series -> value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetricsScrape runs a script that does a known amount of work under
// `murmur run -metrics`, scrapes the process and checks every series of
// what it did.
func TestMetricsScrape(t *testing.T) {
	const n = 250
	p := start(t, "run", "-metrics", "127.0.0.1:0", "-ui", "127.0.0.1:0", "testdata/metered.star", strconv.Itoa(n))
	p.expect(fmt.Sprintf(`^ready %d$`, n*(n-1)), 60*time.Second)
	got := scrape(t, "http://"+served(t, p, "metrics at /metrics")+"/metrics")
	w := `{script="metered_worker.star"}`
	want := map[string]float64{
		"murmur_actor_messages_total" + w:                    3*n + 4,             // the numbers, a crash, three sums
		"murmur_actor_processing_duration_seconds_count" + w: (3*n + 4 + 15) / 16, // one message in 16 is timed
		"murmur_actor_failures_total" + w:                    1,
		"murmur_actor_restarts_total" + w:                    1,
		"murmur_actor_spawns_total" + w:                      3,
		"murmur_actor_stops_total" + w:                       3,
		"murmur_actor_live" + w:                              0,
		"murmur_actor_mailbox_depth" + w:                     0,
		`murmur_actor_spawns_total{script="metered.star"}`:   1,
		`murmur_actor_live{script="metered.star"}`:           1,
		`murmur_actor_messages_total{script="metered.star"}`: 0, // main's recv() takes its messages itself
		`murmur_actor_stops_total{script="metered.star"}`:    0,
		`murmur_actor_failures_total{script="metered.star"}`: 0,
		`murmur_dead_letters_total`:                          1,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present: %v), want %v", k, g, ok, v)
		}
	}
	if t.Failed() {
		t.Logf("scraped:\n%v", got)
	}
	// The live view's JSON, from the same process.
	resp, err := http.Get("http://" + served(t, p, "live view") + "/api/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var view struct {
		Actors      int    `json:"actors"`
		DeadLetters uint64 `json:"deadLetters"`
		Scripts     []struct {
			Script string `json:"script"`
			Actors int    `json:"actors"`
		} `json:"scripts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil {
		t.Fatal(err)
	}
	if view.Actors != 1 || view.DeadLetters != 1 || len(view.Scripts) != 1 || view.Scripts[0].Script != "metered.star" {
		t.Errorf("live view's snapshot = %+v, want metered.star's main alone and 1 dead letter", view)
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	if status := p.wait(30 * time.Second); status != 130 {
		t.Errorf("exit status %d after SIGINT, want 130; stderr:\n%s", status, p.stderr.String())
	}
}
