// The live view in a real headless browser (Debian's chromium, driven with
// chromedp): it loads without console errors, shows the actor tree, a
// failure's traceback, live updates and 100,000 actors.

package observe_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/observe"
)

// scripts is the application the browser looks at.
var scripts = fstest.MapFS{
	"app.star": {Data: []byte(`
kids = []

def init(n):
    for i in range(n):
        kids.append(spawn("leaf.star", name = "leaf-%d" % i))

def receive(msg):
    if msg == "kids":
        reply(kids)
`)},
	"leaf.star": {Data: []byte(`
state = {"n": 0}

def receive(msg):
    if msg == "crash":
        explode(msg)
    state["n"] += 1

def explode(why):
    fail("leaf asked to " + why)
`)},
	"idle.star": {Data: []byte(`
def receive(msg):
    pass
`)},
}

// chromium returns the browser's path: the test fails without it in CI
// (.ci/run installs it) and is skipped elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: the live view's browser test needs it (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH")
	return ""
}

// browser starts a headless chromium with a fresh profile and returns a
// chromedp context for one tab, and the console errors the tab reports.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers' /dev/shm is small
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	var (
		mu     sync.Mutex
		errs   []string
		reader sync.WaitGroup
	)
	console := chromedp.Console(ctx)
	reader.Add(1)
	go func() {
		defer reader.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, string(m.Type)+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		reader.Wait()
	})
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// text returns the text of the element sel, as the page shows it now.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).innerText`, sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// until waits for the JavaScript predicate to hold in the page (the page
// updates itself from server-sent events; nothing reloads it).
func until(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, predicate, err)
	}
}

func TestBrowser(t *testing.T) {
	ctx, consoleErrors := browser(t)
	sys, err := actor.NewSystem(actor.Config{FS: scripts})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		// No deadline: stopping 100,000 actors under the race detector on a
		// loaded machine takes tens of seconds; go test's timeout catches a hang.
		start := time.Now()
		if err := sys.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
		t.Logf("shutdown took %v", time.Since(start).Round(time.Millisecond))
	}()
	view := observe.NewView(sys, observe.ViewOptions{Interval: 200 * time.Millisecond})
	srv := httptest.NewServer(view)
	defer srv.Close()
	defer view.Close() // before the server: it ends the event streams
	bg := context.Background()

	app, err := sys.Load("app.star")
	if err != nil {
		t.Fatal(err)
	}
	root, err := sys.Spawn(bg, app, actor.SpawnOptions{Name: "app", Args: []any{3}})
	if err != nil {
		t.Fatal(err)
	}
	var kids []actor.Address
	if err := sys.Request(bg, root, "kids", &kids); err != nil {
		t.Fatal(err)
	}
	leaf, err := sys.Load("leaf.star")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := sys.NewPool(bg, leaf, actor.PoolOptions{Name: "workers", Size: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		if err := sys.Send(bg, pool.Address(), i); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	// A mark that a reload would wipe out.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	until(t, ctx, "the top-level actors", `document.querySelector("#tree").innerText.includes("app.star")`)
	if got := text(t, ctx, "#pools"); !strings.Contains(got, "workers") || !strings.Contains(got, "leaf.star") {
		t.Errorf("pools table = %q, want the pool workers of leaf.star", got)
	}
	// The tree: into app's children.
	if _, err := chromedp.Run(ctx, chromedp.Click(`#tree a[title="app"]`)); err != nil {
		t.Fatal(err)
	}
	until(t, ctx, "app's children", `document.querySelector("#tree").innerText.includes("app/leaf-2")`)
	if got := text(t, ctx, "#tree"); strings.Count(got, "leaf.star") != 3 || !strings.Contains(got, "idle") {
		t.Errorf("app's children = %q, want three idle leaf.star actors", got)
	}
	if got := text(t, ctx, "#crumbs"); !strings.Contains(got, "top level / app") {
		t.Errorf("breadcrumbs = %q, want top level / app", got)
	}

	// A failure's traceback, once the script fails.
	if err := sys.Send(bg, kids[1], "crash"); err != nil {
		t.Fatal(err)
	}
	until(t, ctx, "the failure", `document.querySelector("#failures").innerText.includes("Traceback")`)
	got := text(t, ctx, "#failures")
	for _, want := range []string{"app/leaf-1", "leaf.star:6:16: in receive", "leaf.star:10:9: in explode", "leaf asked to crash"} {
		if !strings.Contains(got, want) {
			t.Errorf("failures = %q, want it to hold %q", got, want)
		}
	}

	// 100,000 live actors: the page shows them, still updating itself.
	const many = 100_000
	idle, err := sys.Load("idle.star")
	if err != nil {
		t.Fatal(err)
	}
	for range many {
		if _, err := sys.Spawn(bg, idle, actor.SpawnOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	spawned := time.Now()
	until(t, ctx, "100,000 more actors", fmt.Sprintf(`document.querySelector("#scripts").innerText.includes("idle.star\t%s")`, "100.0k"))
	shown := time.Since(spawned)
	// Responsive: a search by address answers while the system holds them all.
	start := time.Now()
	if _, err := chromedp.Run(ctx, chromedp.SendKeys("#search", "leaf-0")); err != nil {
		t.Fatal(err)
	}
	until(t, ctx, "the search's answer", `document.querySelector("#top").innerText.includes("app/leaf-0") && !document.querySelector("#top").innerText.includes("leaf-2")`)
	searched := time.Since(start)
	renderMS, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => { const t = performance.now(); render(state.report); return performance.now() - t; })()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("with %d live actors: the page showed them %v after the last spawn (sampling every 200ms), answered a search in %v, renders a report in %.1f ms",
		many+8, shown.Round(time.Millisecond), searched.Round(time.Millisecond), renderMS)
	if got := text(t, ctx, "#actors"); got != "100.0k" {
		t.Errorf("live actors shown = %q, want 100.0k", got)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !ok {
		t.Errorf("the page reloaded (mark %v, %v)", ok, err)
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ui.png")
	if out := os.Getenv("MURMUR_UI_PNG"); out != "" {
		path = out // how docs/ui.png is made
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
