// Tests of the view's JSON and event stream, without a browser.

package observe_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/observe"
)

// snapshotJSON is the part of /api/snapshot the tests read.
type snapshotJSON struct {
	Actors  int `json:"actors"`
	Scripts []struct {
		Script string `json:"script"`
		Actors int    `json:"actors"`
	} `json:"scripts"`
	Found []struct {
		ID     string `json:"id"`
		Script string `json:"script"`
	} `json:"found"`
	Children []struct {
		ID string `json:"id"`
	} `json:"children"`
	Failures []struct {
		Actor string `json:"actor"`
		Error string `json:"error"`
	} `json:"failures"`
}

func get(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if into != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func TestViewJSON(t *testing.T) {
	sys, err := actor.NewSystem(actor.Config{FS: scripts})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	view := observe.NewView(sys, observe.ViewOptions{Interval: 20 * time.Millisecond})
	srv := httptest.NewServer(view)
	defer srv.Close()
	defer view.Close()
	bg := context.Background()
	app, _ := sys.Load("app.star")
	root, err := sys.Spawn(bg, app, actor.SpawnOptions{Name: "app", Args: []any{2}})
	if err != nil {
		t.Fatal(err)
	}
	var kids []actor.Address
	if err := sys.Request(bg, root, "kids", &kids); err != nil {
		t.Fatal(err)
	}
	var got snapshotJSON
	get(t, srv.URL+"/api/snapshot?search=leaf-1&under=app", &got)
	if got.Actors != 3 || len(got.Scripts) != 2 || got.Scripts[1].Script != "leaf.star" || got.Scripts[1].Actors != 2 {
		t.Errorf("snapshot = %+v, want 3 actors: 1 app.star, 2 leaf.star", got)
	}
	if len(got.Found) != 1 || got.Found[0].ID != "app/leaf-1" || len(got.Children) != 2 {
		t.Errorf("found %+v and children %+v, want app/leaf-1 and 2 children", got.Found, got.Children)
	}
	for _, bad := range []string{"top=0", "top=x", "top=1001"} {
		if code := get(t, srv.URL+"/api/snapshot?"+bad, nil); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, code)
		}
	}

	// The event stream sends a report now and one after each sample.
	resp, err := http.Get(srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	events := bufio.NewScanner(resp.Body)
	events.Buffer(nil, 1<<20)
	next := func() snapshotJSON {
		t.Helper()
		for events.Scan() {
			if data, ok := strings.CutPrefix(events.Text(), "data: "); ok {
				var r snapshotJSON
				if err := json.Unmarshal([]byte(data), &r); err != nil {
					t.Fatal(err)
				}
				return r
			}
		}
		t.Fatalf("event stream ended: %v", events.Err())
		return snapshotJSON{}
	}
	for next().Actors != 3 { // the first event may hold a sample from before the spawns
	}
	// A failure comes with a later event, its traceback included: the
	// stream goes on without a new request.
	if err := sys.Send(bg, kids[0], "crash"); err != nil {
		t.Fatal(err)
	}
	for {
		r := next()
		if len(r.Failures) > 0 {
			if f := r.Failures[0]; f.Actor != "app/leaf-0" || !strings.Contains(f.Error, "Traceback") {
				t.Errorf("failure %+v, want app/leaf-0's traceback", f)
			}
			break
		}
	}
}
