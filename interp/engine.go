// This file holds the Engine: options, the application root, compiling
// scripts and the frozen library cache behind load().

package interp

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"strings"
	"sync"

	"go.starlark.net/lib/json"
	"go.starlark.net/lib/math"
	"go.starlark.net/lib/time"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/array"
	"github.com/murmur-go/murmur/lib/base64"
	"github.com/murmur-go/murmur/lib/counter"
	"github.com/murmur-go/murmur/lib/csv"
	"github.com/murmur-go/murmur/lib/hashlib"
	"github.com/murmur-go/murmur/lib/random"
	"github.com/murmur-go/murmur/lib/re"
	"github.com/murmur-go/murmur/serialize"
)

// Options configures an Engine. The zero value is the default: scripts are
// read from the current directory, use the Python-like dialect, have no step
// limit and no clock.
type Options struct {
	// Root is the application's root folder: scripts and load() paths are
	// resolved inside it, never outside. Empty means the current directory.
	Root string
	// FS, if set, is used instead of Root to read scripts (tests, embedded apps).
	FS fs.FS
	// ShowRoot is put before root-relative file names in positions and
	// tracebacks, so they read as the user typed them (the command line sets
	// it to the folder it was given). Empty means names relative to the root.
	ShowRoot string
	// Strict turns off the Python-like dialect options (while, recursion, set,
	// top-level control flow, global reassignment). False means they are on.
	Strict bool
	// MaxSteps is the default per-message execution step limit of every
	// instance. Zero means no limit.
	MaxSteps uint64
	// Clock grants scripts the time module. False means scripts see no clock.
	Clock bool
	// Builtins are extra predeclared names from the host ("extension
	// modules"). They are called from many interpreters at once, so each must
	// be safe for concurrent use; their values are frozen.
	Builtins starlark.StringDict
	// Limits bound the messages scripts send and receive. Zero means
	// serialize's defaults.
	Limits serialize.Limits
}

// Engine compiles scripts for one actor system and keeps the libraries they
// load, each executed once and frozen. It is safe for concurrent use.
type Engine struct {
	opts        Options
	fsys        fs.FS
	root        *os.Root // nil when opts.FS is used
	fileOpts    *syntax.FileOptions
	predeclared starlark.StringDict // frozen; shared by every instance

	mu   sync.Mutex // serializes library loading
	libs map[string]*library
}

// library is one file reached through load(): its frozen globals, or the
// error that loading it gave.
type library struct {
	src     []byte   // its source, for shipping to other nodes (Module.Sources)
	loads   []string // the libraries it loads, as given to load()
	globals starlark.StringDict
	err     error
	loading bool
}

// NewEngine returns an Engine for the application rooted at opts.Root, or
// read from opts.FS when it is set.
func NewEngine(opts Options) (*Engine, error) {
	e := &Engine{opts: opts, libs: make(map[string]*library)}
	switch {
	case opts.FS != nil:
		e.fsys = opts.FS
	default:
		dir := opts.Root
		if dir == "" {
			dir = "."
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, fmt.Errorf("interp: application root: %w", err)
		}
		e.root = root
		e.fsys = root.FS()
	}
	if !opts.Strict {
		e.fileOpts = &syntax.FileOptions{
			Set:             true,
			While:           true,
			TopLevelControl: true,
			GlobalReassign:  true,
			Recursion:       true,
		}
	} else {
		e.fileOpts = &syntax.FileOptions{}
	}
	e.predeclared = e.makePredeclared()
	return e, nil
}

// Close releases the application root. Modules already loaded stay usable.
func (e *Engine) Close() error {
	if e.root != nil {
		return e.root.Close()
	}
	return nil
}

func (e *Engine) makePredeclared() starlark.StringDict {
	d := make(starlark.StringDict, len(builtins)+len(e.opts.Builtins)+3)
	for name, b := range builtins {
		d[name] = b
	}
	addPython(d) // sum, divmod, round, map, filter; min, max, enumerate, sorted as Python's
	d["json"] = json.Module
	d["math"] = math.Module
	d["counter"] = counter.Builtin // lib/counter
	d["array"] = array.Builtin     // lib/array
	d["re"] = re.Module
	d["hashlib"] = hashlib.Module
	d["base64"] = base64.Module
	d["csv"] = csv.Module
	d["random"] = random.Module // its generator lives in each instance's thread
	if e.opts.Clock {
		d["time"] = time.Module
	}
	for name, v := range e.opts.Builtins {
		d[name] = v
	}
	d.Freeze()
	return d
}

// isPredeclared reports whether name is predeclared for every script.
func (e *Engine) isPredeclared(name string) bool {
	_, ok := e.predeclared[name]
	return ok
}

// cleanPath checks that name stays inside the application root and returns
// its canonical form.
func cleanPath(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty script path")
	case strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || (len(name) > 1 && name[1] == ':'):
		return "", fmt.Errorf("%q: absolute paths are not allowed; paths are relative to the application root", name)
	}
	p := path.Clean(name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("%q: path escapes the application root", name)
	}
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("%q: invalid path", name)
	}
	return p, nil
}

func (e *Engine) readFile(name string) ([]byte, error) {
	src, err := fs.ReadFile(e.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, errNoFile)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return src, nil
}

// show returns a root-relative name as users should see it.
func (e *Engine) show(name string) string {
	if e.opts.ShowRoot == "" || e.opts.ShowRoot == "." {
		return name
	}
	return path.Join(e.opts.ShowRoot, name)
}

var errNoFile = errors.New("no such file")

// Load reads, compiles and links the script at name, a path relative to the
// application root. Libraries it loads are executed (once per Engine) and
// frozen. Errors are *CompileError (with position) or say which file failed.
func (e *Engine) Load(name string) (*Module, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, &CompileError{File: e.show(name), Msg: err.Error()}
	}
	src, err := e.readFile(p)
	if err != nil {
		return nil, &CompileError{File: e.show(p), Msg: errors.Unwrap(err).Error()}
	}
	return e.Compile(p, src)
}

// Compile compiles src under the given file name (used in positions and
// tracebacks) and links the libraries it loads.
func (e *Engine) Compile(filename string, src []byte) (*Module, error) {
	prog, err := e.compile(filename, src)
	if err != nil {
		return nil, err
	}
	loads, err := e.resolveLoads(prog, nil)
	if err != nil {
		return nil, err
	}
	m := newModule(e, filename, src, prog, loads)
	m.sources = e.sourcesOf(filename, src, m.loads)
	return m, nil
}

func (e *Engine) compile(filename string, src []byte) (*starlark.Program, error) {
	filename = e.show(filename)
	_, prog, err := starlark.SourceProgramOptions(e.fileOpts, filename, src, e.isPredeclared)
	if err != nil {
		return nil, compileError(filename, err)
	}
	return prog, nil
}

// resolveLoads loads every library prog names. chain holds the libraries
// being loaded above this one, to report cycles.
func (e *Engine) resolveLoads(prog *starlark.Program, chain []string) (map[string]starlark.StringDict, error) {
	n := prog.NumLoads()
	if n == 0 {
		return nil, nil
	}
	loads := make(map[string]starlark.StringDict, n)
	for i := 0; i < n; i++ {
		name, pos := prog.Load(i)
		globals, err := e.library(name, chain)
		if err != nil {
			var ce *CompileError
			if errors.As(err, &ce) && ce.Line > 0 {
				return nil, err // already positioned in the library itself
			}
			return nil, &CompileError{File: pos.Filename(), Line: int(pos.Line), Col: int(pos.Col),
				Msg: fmt.Sprintf("load(%q): %v", name, err)}
		}
		loads[name] = globals
	}
	return loads, nil
}

// library returns the frozen globals of the library file name, executing it
// the first time.
func (e *Engine) library(name string, chain []string) (starlark.StringDict, error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		e.mu.Lock()
		defer e.mu.Unlock()
	}
	if lib, ok := e.libs[p]; ok {
		if lib.loading {
			return nil, fmt.Errorf("load cycle: %s -> %s", strings.Join(chain, " -> "), p)
		}
		return lib.globals, lib.err
	}
	lib := &library{loading: true}
	e.libs[p] = lib
	lib.globals, lib.err = e.execLibrary(lib, p, append(chain, p))
	lib.loading = false
	return lib.globals, lib.err
}

func (e *Engine) execLibrary(lib *library, p string, chain []string) (starlark.StringDict, error) {
	src, err := e.readFile(p)
	if err != nil {
		return nil, err
	}
	lib.src = src
	prog, err := e.compile(p, src)
	if err != nil {
		return nil, err
	}
	lib.loads = loadNames(prog)
	loads, err := e.resolveLoads(prog, chain)
	if err != nil {
		return nil, err
	}
	thread := &starlark.Thread{
		Name:  "load " + p,
		Load:  loader(loads),
		Print: func(*starlark.Thread, string) {},
	}
	if e.opts.MaxSteps > 0 {
		thread.SetMaxExecutionSteps(e.opts.MaxSteps)
	}
	globals, err := prog.Init(thread, e.predeclared)
	if err != nil {
		return nil, newScriptError(p, "<toplevel>", err)
	}
	globals.Freeze()
	return globals, nil
}

// loader returns a Thread.Load function over libraries resolved beforehand.
func loader(loads map[string]starlark.StringDict) func(*starlark.Thread, string) (starlark.StringDict, error) {
	return func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
		if g, ok := loads[module]; ok {
			return g, nil
		}
		return nil, fmt.Errorf("load(%q): library was not resolved when the script was compiled", module)
	}
}

// loadNames returns the libraries prog loads, as given to load().
func loadNames(prog *starlark.Program) []string {
	names := make([]string, prog.NumLoads())
	for i := range names {
		names[i], _ = prog.Load(i)
	}
	return names
}

// Sources returns the source of the module's script and of every library
// it loads, directly or not, by path relative to the application root: what
// another node needs to compile the same module. Scripts compiled from
// source by Compile are under the name they were given. The sources are
// those the module was compiled from, even after Engine.Refresh.
func (m *Module) Sources() map[string][]byte { return maps.Clone(m.sources) }

// sourcesOf returns the sources of a script named name and of the libraries
// it loads (loads, as given to load()), from the libraries cached now.
func (e *Engine) sourcesOf(name string, src []byte, loads []string) map[string][]byte {
	out := map[string][]byte{name: src}
	e.mu.Lock()
	defer e.mu.Unlock()
	var walk func(names []string)
	walk = func(names []string) {
		for _, name := range names {
			p, err := cleanPath(name)
			if err != nil {
				continue
			}
			lib, ok := e.libs[p]
			if _, seen := out[p]; seen || !ok {
				continue
			}
			out[p] = lib.src
			walk(lib.loads)
		}
	}
	walk(loads)
	return out
}
