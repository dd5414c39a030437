// This file holds the live view: the View handler, its sampler of the
// system's snapshots, and what it keeps of the system's events.

package observe

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/murmur-go/murmur/actor"
)

//go:embed ui
var uiFiles embed.FS

// ViewOptions configures a View. The zero value samples every second,
// keeps 5 minutes of history and the last 20 failures and dead letters.
type ViewOptions struct {
	// Interval is how often the view samples the system and updates its
	// pages. Zero means a second. With nobody watching it samples ten
	// times less often.
	Interval time.Duration
	// History is how far back the chart goes. Zero means 5 minutes.
	History time.Duration
	// Keep is how many failures and dead letters the view keeps. Zero means 20.
	Keep int
}

// View is the live web view of one system, an http.Handler. Its methods are
// safe for concurrent use. Close it before the system shuts down.
type View struct {
	sys    *actor.System
	opts   ViewOptions
	mux    *http.ServeMux
	unsub  func()
	done   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup // the sampler and the event streams

	mu       sync.Mutex
	watchers int           // event streams open
	latest   *report       // the last sample
	tick     chan struct{} // closed when latest changes
	history  []point
	failures []failure
	dead     []deadLetter
	prev     actor.Snapshot // the last sample, for rates
}

// point is one sample of the chart.
type point struct {
	T     int64   `json:"t"` // unix milliseconds
	Rate  float64 `json:"rate"`
	Live  int     `json:"live"`
	Queue int     `json:"queued"`
}

type failure struct {
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Script string    `json:"script"`
	Error  string    `json:"error"` // the script's traceback, when it has one
}

type deadLetter struct {
	Time   time.Time `json:"time"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// NewView starts sampling sys and listening to its events.
func NewView(sys *actor.System, opts ViewOptions) *View {
	opts.Interval = cmp.Or(opts.Interval, time.Second)
	opts.History = cmp.Or(opts.History, 5*time.Minute)
	opts.Keep = cmp.Or(opts.Keep, 20)
	v := &View{sys: sys, opts: opts, done: make(chan struct{}), tick: make(chan struct{})}
	v.unsub = sys.Subscribe(v.event)
	v.mux = http.NewServeMux()
	static, _ := fs.Sub(uiFiles, "ui") // ui is embedded: Sub cannot fail
	v.mux.Handle("GET /", http.FileServerFS(static))
	v.mux.HandleFunc("GET /api/snapshot", v.serveSnapshot)
	v.mux.HandleFunc("GET /api/events", v.serveEvents)
	v.sample()
	v.wg.Add(1)
	go v.sampler()
	return v
}

// ServeHTTP serves the page, /api/snapshot and /api/events.
func (v *View) ServeHTTP(w http.ResponseWriter, r *http.Request) { v.mux.ServeHTTP(w, r) }

// Close stops the sampler, ends the event streams and stops listening to
// the system's events. It waits for the view's goroutines.
func (v *View) Close() {
	v.closed.Do(func() {
		close(v.done)
		v.unsub()
	})
	v.wg.Wait()
}

// event keeps the failures and dead letters the system reports.
func (v *View) event(e actor.Event) {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	switch e := e.(type) {
	case *actor.FailureEvent:
		v.failures = keep(v.failures, failure{Time: now, Actor: e.Actor.ID, Script: e.Script, Error: e.Err.Error()}, v.opts.Keep)
	case *actor.DeadLetterEvent:
		v.dead = keep(v.dead, deadLetter{Time: now, To: e.To.ID, Reason: e.Reason}, v.opts.Keep)
	}
}

// keep appends x to s, dropping the oldest beyond n.
func keep[T any](s []T, x T, n int) []T {
	s = append(s, x)
	if len(s) > n {
		s = append(s[:0:0], s[len(s)-n:]...)
	}
	return s
}

// sampler samples the system every interval while someone watches, and
// every ten intervals otherwise. A snapshot visits every actor (about a
// microsecond each): when one takes more than a quarter of the interval,
// the next waits four times as long, so that the view never takes more
// than a quarter of a core.
func (v *View) sampler() {
	defer v.wg.Done()
	wait := v.opts.Interval
	t := time.NewTimer(wait)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-v.done:
			return
		case <-t.C:
		}
		v.mu.Lock()
		idle := v.watchers == 0
		v.mu.Unlock()
		wait = v.opts.Interval
		if !idle || n%10 == 0 {
			start := time.Now()
			v.sample()
			wait = max(wait, 4*time.Since(start))
		}
		t.Reset(wait)
	}
}

// sample takes a snapshot, adds it to the history and wakes the streams.
func (v *View) sample() {
	snap := v.sys.Snapshot(actor.SnapshotOptions{Top: topDefault})
	v.mu.Lock()
	defer v.mu.Unlock()
	rep := v.report(snap, v.prev)
	v.prev = snap
	v.history = append(v.history, point{T: snap.Time.UnixMilli(), Rate: rep.Rate, Live: snap.Actors, Queue: snap.Queued})
	if cut := snap.Time.Add(-v.opts.History).UnixMilli(); len(v.history) > 0 && v.history[0].T < cut {
		i := 0
		for i < len(v.history) && v.history[i].T < cut {
			i++
		}
		v.history = append(v.history[:0:0], v.history[i:]...)
	}
	v.latest = rep
	close(v.tick)
	v.tick = make(chan struct{})
}

// topDefault is how many actors each list of the page shows.
const topDefault = 20

// query is what a page asks to see beyond the aggregates.
type query struct {
	top    int
	search string
	under  string
}

func parseQuery(r *http.Request) (query, error) {
	q := query{top: topDefault, search: r.FormValue("search"), under: r.FormValue("under")}
	if s := r.FormValue("top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return q, errors.New("observe: top: want a number from 1 to 1000, got " + strconv.Quote(s))
		}
		q.top = n
	}
	return q, nil
}

// current returns the report for q. Fresh, it is made from a new
// snapshot (rates since the last sample); else it is the last sample, with
// q's lists from a new snapshot when q asks for other lists than it holds.
func (v *View) current(q query, fresh bool) *report {
	v.mu.Lock()
	rep, last := v.latest, v.prev
	v.mu.Unlock()
	if !fresh && q == (query{top: topDefault}) {
		return v.finish(rep)
	}
	snap := v.sys.Snapshot(actor.SnapshotOptions{Top: q.top, Search: q.search, Under: q.under})
	now := v.report(snap, last)
	if fresh {
		now.Under, now.Search = q.under, q.search
		return v.finish(now)
	}
	own := *rep
	own.Found, own.Children, own.Under, own.Search = now.Found, now.Children, q.under, q.search
	if q.top != topDefault {
		own.TopQueued, own.TopMessages, own.TopFailures = now.TopQueued, now.TopMessages, now.TopFailures
	}
	return v.finish(&own)
}

// finish adds the history and the events to a copy of rep.
func (v *View) finish(rep *report) *report {
	out := *rep
	v.mu.Lock()
	defer v.mu.Unlock()
	out.History = append([]point(nil), v.history...)
	out.Failures = append([]failure(nil), v.failures...)
	out.DeadLog = append([]deadLetter(nil), v.dead...)
	return &out
}

func (v *View) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v.current(q, true))
}

// serveEvents streams a report after every sample, as server-sent events,
// until the client goes, the server shuts down or the view closes.
func (v *View) serveEvents(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	v.wg.Add(1)
	defer v.wg.Done()
	v.mu.Lock()
	v.watchers++
	v.mu.Unlock()
	defer func() {
		v.mu.Lock()
		v.watchers--
		v.mu.Unlock()
	}()
	for {
		v.mu.Lock()
		tick := v.tick
		v.mu.Unlock()
		b, err := json.Marshal(v.current(q, false))
		if err != nil {
			return
		}
		if _, err := w.Write(append(append([]byte("data: "), b...), '\n', '\n')); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-tick:
		case <-r.Context().Done():
			return
		case <-v.done:
			return
		}
	}
}

// Listen listens on addr ("host:port"), on loopback when its host is
// empty, for Serve.
func Listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("observe: listen on %q: want host:port", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.Listen("tcp", net.JoinHostPort(host, port))
}

// Serve serves h on ln until ctx is done, then shuts the server down and
// returns: requests' contexts end with ctx, so event streams end too.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
