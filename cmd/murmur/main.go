// Command murmur runs and checks murmur actor scripts.
//
// Usage:
//
//	murmur run [flags] app.star [args...]      run the script's main(args) as the root actor (-watch: reload changed scripts)
//	murmur node [flags]                        serve as a node other processes put actors on
//	murmur check [-builtins a,b] file.star...  compile scripts and report errors with positions
//	murmur replay FILE                         run a crash recording (run -record DIR) again, offline
//	murmur test [flags] [files or folders]     run the test_ functions of *_test.star scripts
//
// `murmur run` resolves app.star's load() and spawn() paths inside the
// folder that holds app.star. It prints what the scripts print, and exits
// with status 1 and the script's traceback when main fails, 2 on a usage
// error. SIGINT (Ctrl-C) or SIGTERM stops the system cleanly (every actor's
// stopping() hook runs), after which it exits with 130 or 143, as shells
// expect of a process a signal stopped. It grants scripts the time module
// (a clock) and read-only access to the files under the application root
// (read_file(path), list_files(dir=".", suffix="")), and shows a progress
// bar on stderr for long pmap calls when stderr is a terminal. Unless the
// environment sets GOGC, `murmur run` and `murmur node` run Go's garbage
// collector with GOGC=400 and a soft memory limit of half the machine's
// memory (internal/gctune): scripts make much short-lived garbage.
//
// With -peer (or -listen) `murmur run` is itself a node, and its scripts can
// put actors on the peers: nodes() lists them, spawn(..., node=) and
// pool(..., nodes=) use them. `murmur node` runs a worker node that prints
// "murmur node listening on host:port" once it is ready and runs until
// interrupted. A node runs code sent by peers only when started with
// -allow-remote-spawn; that code gets a clock and no files.
//
// `murmur run -watch` reloads the scripts whose files (or libraries)
// change into the running system, upgrading their actors; `murmur run
// -record DIR` writes a crash recording of each actor that fails to DIR,
// which `murmur replay FILE` runs again offline, exiting 1 when it fails
// the same way (3 when not).
//
// `murmur run` and `murmur node` take -metrics host:port, which serves the
// system's metrics in Prometheus's text format at /metrics, and -ui
// host:port, which serves the live view of the system (package observe);
// both listen on loopback unless another interface is named.
//
// `murmur check` compiles with the builtins of `murmur run`; -builtins
// declares the names a Go host adds (Config.Builtins), so that scripts
// written for that host check too.
//
// `murmur test` runs the test_ functions of *_test.star scripts (the files
// named, or those in the folders named and below, not in testdata), each in
// a fresh system on a virtual clock, with an assert module; see package
// actortest. Its flags are go test's -run, -v and -timeout (per test,
// 30s by default), and -wallclock; its output and exit status are go
// test's: 1 when a test fails, 2 on a usage or compile error.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/internal/gctune"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/lib/files"
)

const usage = `murmur runs actor scripts: every actor owns its own Starlark interpreter.

Usage:
  murmur run [flags] app.star [args...]   run app.star's main(args) as the root actor
                                          (flags: -cores N, -max-steps N, -timeout D, -log-level L,
                                           -peer host:port to use other nodes, -listen host:port,
                                           -metrics 127.0.0.1:9464 for Prometheus, -ui 127.0.0.1:7070 for the live view,
                                           -watch: reload changed scripts into the running actors,
                                           -record DIR: write a crash recording of each failed actor there,
                                           -cluster NAME -kind user=user.star: be a cluster member hosting grains,
                                           -ship user=user.star: send it to the members with -kind user=@shipped)
  murmur replay FILE                      run a crash recording again, offline; exit 1 if it fails the same way
  murmur node [flags]                     serve as a node: -listen 127.0.0.1:7001, -allow-remote-spawn,
                                          -metrics host:port, -ui host:port, -cluster NAME -kind k=file.star (or k=@shipped)
  murmur check file.star...               compile scripts (with run's builtins); report errors as file:line:col
                                          (-builtins name,name: names a Go host adds)
  murmur test [flags] [files or folders]  run the test_ functions of *_test.star scripts, go test's way
                                          (flags: -run REGEXP, -v, -timeout D, -wallclock)
  murmur help                             show this help

Run 'murmur run -h' for the flags of run.
`

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command line args and returns the exit status.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return run(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "node":
		return node(args[1:], stdout, stderr)
	case "replay":
		return replay(args[1:], stdout, stderr)
	case "test":
		return test(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "murmur: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("murmur run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf := procFlags(fs, "cores to use (GOMAXPROCS), and the default pool size (0: all of them)")
	timeout := fs.Duration("timeout", 0, "stop the whole run after this long, e.g. 30s (0: none)")
	nf := nodeFlags(fs, "")
	watchOn := fs.Bool("watch", false, "reload scripts and libraries whose files change, upgrading their running actors")
	watchEvery := fs.Duration("watch-interval", 500*time.Millisecond, "how often -watch looks at the files")
	recordDir := fs.String("record", "", "write a crash recording of every actor that fails to this `folder`, for murmur replay")
	recordLast := fs.Int("record-last", 100, "with -record, the messages each actor keeps (its last ones)")
	cf := addClusterFlags(fs)
	of := observeFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: murmur run [flags] app.star [args...]\n\nRuns app.star's main(args) as the root actor. "+gcHelp+" Flags:\n")
		fs.PrintDefaults()
	}
	if status, done := parse(fs, args); done {
		return status
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	level, restore, err := pf.apply()
	if err == nil {
		defer restore()
	}
	nc, nerr := nf.config(len(nf.peers) > 0 || cf.name != "") // a cluster member is a node
	cc, cerr := cf.config()
	nerr = cmp.Or(nerr, cerr)
	if err = cmp.Or(err, nerr); err != nil {
		fmt.Fprintf(stderr, "murmur run: %v\n", err)
		return 2
	}
	defer of.shutdown()
	defer of.close()
	if err := of.listen(); err != nil {
		fmt.Fprintf(stderr, "murmur run: %v\n", err)
		return 2
	}
	maxSteps := pf.maxSteps
	app := fs.Arg(0)
	ctx, stop := onSignals(context.Background())
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	root, err := os.OpenRoot(filepath.Dir(app))
	if err != nil {
		fmt.Fprintf(stderr, "murmur run: %v\n", err)
		return 1
	}
	defer root.Close()
	var mu sync.Mutex // print() comes from many actors at once
	progress := newProgress(stderr)
	defer progress.finish()
	sys, err := actor.NewSystem(of.configure(actor.Config{
		Clock:     true,                 // the command line grants a clock: time.now() for timings
		Builtins:  files.Builtins(root), // and read-only files under the application root
		Progress:  progress.update,
		Root:      filepath.Dir(app),
		ShowRoot:  filepath.Dir(app),
		MaxSteps:  *maxSteps,
		Node:      nc,
		Cluster:   cc,
		Record:    recordCount(*recordDir, *recordLast),
		RecordDir: *recordDir,
		Logger:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Print: func(_ actor.Address, msg string) {
			mu.Lock()
			defer mu.Unlock()
			progress.clear()
			fmt.Fprintln(stdout, msg)
		},
	}))
	if err != nil {
		fmt.Fprintf(stderr, "murmur run: %v\n", err)
		return 1
	}
	of.serve(sys, stderr)
	status := 0
	mod, err := sys.Load(filepath.Base(app))
	stopWatch := func() {}
	if err == nil && *watchOn && *watchEvery > 0 {
		stopWatch = watch(sys, *watchEvery, stderr, &mu)
	}
	if err == nil {
		err = sys.Run(ctx, mod, fs.Args()[1:])
	}
	stopWatch()
	var intr interrupted
	var se *interp.ScriptError
	if err != nil {
		status = 1
		switch {
		case errors.As(context.Cause(ctx), &intr):
			fmt.Fprintf(stderr, "murmur run: %s: %v\n", app, intr)
			status = intr.status()
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintf(stderr, "murmur run: %s: stopped after -timeout %v\n", app, *timeout)
		case errors.Is(err, interp.ErrNoFunction) && !errors.As(err, &se):
			fmt.Fprintf(stderr, "%s: defines no main(args): an application script needs def main(args):\n", app)
		default:
			fmt.Fprintln(stderr, err)
		}
	}
	// Stopped by a signal or not, the system stops cleanly: every actor's
	// stopping() runs.
	of.close()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sys.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "murmur run: %v\n", err)
		status = 1
	}
	return status
}

// recordCount is Config.Record for run's -record and -record-last.
func recordCount(dir string, last int) int {
	if dir == "" {
		return 0
	}
	return max(last, 1)
}

// interrupted is the cause of a run's context when a signal stopped it.
type interrupted struct{ sig syscall.Signal }

func (e interrupted) Error() string {
	if e.sig == syscall.SIGTERM {
		return "interrupted by SIGTERM"
	}
	return "interrupted by SIGINT"
}

// status is the exit status shells expect of a process a signal stopped:
// 128 + its number (130 for SIGINT, 143 for SIGTERM).
func (e interrupted) status() int { return 128 + int(e.sig) }

// onSignals returns a context that SIGINT (Ctrl-C) or SIGTERM cancels with
// an interrupted cause. stop releases the signals and waits for the
// goroutine that watches them.
func onSignals(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case s := <-ch:
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{sig})
		case <-done:
		}
	})
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
		cancel(nil)
	}
}

// gcHelp says what run and node do to the garbage collector (gctune).
const gcHelp = `Unless the environment sets GOGC, it runs
the garbage collector with GOGC=400 and, unless GOMEMLIMIT is set, a soft memory
limit of half the machine's memory (scripts make much short-lived garbage;
GOGC=100 restores Go's default).`

// processFlags are the flags run and node share.
type processFlags struct {
	cores    *int
	maxSteps *uint64
	logLevel *string
}

func procFlags(fs *flag.FlagSet, coresHelp string) *processFlags {
	return &processFlags{
		cores:    fs.Int("cores", 0, coresHelp),
		maxSteps: fs.Uint64("max-steps", 0, "per-message execution step limit of every actor (0: none)"),
		logLevel: fs.String("log-level", "warn", "log level: debug, info, warn, error"),
	}
}

// apply checks the flags, sets GOMAXPROCS and the collector's defaults
// (gctune; restore puts both back) and returns the log level.
func (p *processFlags) apply() (level slog.Level, restore func(), err error) {
	if *p.cores < 0 {
		return 0, nil, errors.New("-cores must not be negative")
	}
	if err := level.UnmarshalText([]byte(*p.logLevel)); err != nil {
		return 0, nil, fmt.Errorf("-log-level: %w", err)
	}
	_, restoreGC := gctune.Apply()
	restore = restoreGC
	if *p.cores > 0 {
		old := runtime.GOMAXPROCS(*p.cores)
		restore = func() { runtime.GOMAXPROCS(old); restoreGC() }
	}
	return level, restore, nil
}

// parse parses args into fs; done says the command ends there, with status.
func parse(fs *flag.FlagSet, args []string) (status int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("murmur check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	declared := starlark.StringDict{}
	fs.Func("builtins", "`names` a Go host adds to its scripts (comma-separated, repeatable): declared, so scripts that use them compile",
		func(v string) error { return declare(declared, v) })
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: murmur check [-builtins name,name] file.star...\n\nCompiles each script (and the libraries it loads) with the builtins of murmur run\nand reports errors as file:line:col. Flags:\n")
		fs.PrintDefaults()
	}
	if status, done := parse(fs, args); done {
		return status
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status, undefined := 0, false
	for _, file := range fs.Args() {
		err := checkFile(file, declared)
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 1
			undefined = undefined || strings.Contains(err.Error(), ": undefined: ")
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", file)
	}
	if undefined {
		fmt.Fprintln(stderr, "murmur check: if a Go host adds the undefined names to its scripts, declare them with -builtins name,name")
	}
	return status
}

// declare adds the comma-separated names of list to d, each a builtin that
// fails if called: check only compiles, but a library's top level runs.
func declare(d starlark.StringDict, list string) error {
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		e, err := syntax.ParseExpr("", name, 0)
		if id, ok := e.(*syntax.Ident); err != nil || !ok || id.Name != name {
			return fmt.Errorf("%q is not a Starlark name", name)
		}
		d[name] = starlark.NewBuiltin(name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return nil, fmt.Errorf("%s: declared by murmur check -builtins: only its Go host defines it", name)
		})
	}
	return nil
}

// checkFile compiles file as `murmur run` would, with the same builtins
// and the names declared.
func checkFile(file string, declared starlark.StringDict) error {
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return err
	}
	defer root.Close()
	builtins := files.Builtins(root)
	maps.Copy(builtins, declared)
	sys, err := actor.NewSystem(actor.Config{
		Root: filepath.Dir(file), ShowRoot: filepath.Dir(file),
		Clock: true, Builtins: builtins,
	})
	if err != nil {
		return err
	}
	defer sys.Shutdown(context.Background())
	_, err = sys.Load(filepath.Base(file))
	return err
}
