// Package re is a Starlark module of regular expressions in the shape of
// Python's re, on Go's RE2 engine (package regexp).
//
//	re.compile(pattern, flags=0)              a Pattern (cached; see below)
//	re.search(pattern, string, flags=0)       the first match anywhere, or None
//	re.match(pattern, string, flags=0)        a match at the start, or None
//	re.fullmatch(pattern, string, flags=0)    a match of the whole string, or None
//	re.findall(pattern, string, flags=0)      every match: strings, or tuples of groups
//	re.finditer(pattern, string, flags=0)     every match as a match object, in a list
//	re.sub(pattern, repl, string, count=0, flags=0)   the string with matches replaced
//	re.subn(pattern, repl, string, count=0, flags=0)  (new string, number of replacements)
//	re.split(pattern, string, maxsplit=0, flags=0)    the pieces between matches, and the groups
//	re.escape(string)                         string with the pattern metacharacters escaped
//	re.IGNORECASE (re.I), re.MULTILINE (re.M), re.DOTALL (re.S), re.ASCII (re.A)
//
// A Pattern has the same methods without the pattern and flags arguments
// (p.findall(string), p.sub(repl, string, count=0), ...) and the
// attributes pattern, flags, groups and groupindex. A match object has
// group(*g), groups(default=None), groupdict(default=None), start(g=0),
// end(g=0), span(g=0), expand(template), m[g], and string, re, pos, endpos.
// Groups are numbers or names: (?P<name>...) or (?<name>...).
//
// As in Python, findall returns strings when the pattern has no group, the
// group's text when it has one, and tuples of groups when it has several; a
// group that took no part is "" there, None in match objects and split. A
// replacement is a function of the match, or a template where \1 to \99,
// \g<1> and \g<name> stand for groups and \n, \t, \\ and their kin for
// characters. Subjects may be strings or bytes, and results have the
// subject's type. Offsets (start, end, span) are byte offsets, as Starlark
// indexes strings by byte: s[m.start():m.end()] == m.group().
//
// # Linear time
//
// RE2 matches in time linear in the length of the text, times the size of
// the pattern, whatever the pattern: no pattern makes a script hang a core,
// as (a+)+$ does in engines that backtrack (there, a line of 30 a's takes
// minutes; here, microseconds). The price is what RE2 leaves out:
// backreferences (\1 in a pattern), lookahead and lookbehind ((?=...),
// (?<=...)), possessive quantifiers and atomic groups; such a pattern fails
// to compile with an error saying so. Repeat counts above 1000 are refused
// too, so re.compile("a{100000}") is an error, not a huge program. A match
// in progress is not interrupted by max_steps or message_timeout, which act
// between builtins: a huge pattern (thousands of repeats) over megabytes
// of text still takes its time.
//
// # Where it differs from Python
//
//   - \d, \w, \s and \b are ASCII only (as Python's re.ASCII); (?i) folds
//     Unicode case.
//   - $ without re.MULTILINE matches at the very end only, not before a
//     final newline (Python's \Z; \Z is accepted and means the same).
//   - An empty match right after a previous match is skipped, as in Go and
//     in Python before 3.7: re.sub("x*", "-", "abxd") is "-a-b-d-", where
//     Python 3.7 gives "-a-b--d-".
//   - finditer returns a list, not an iterator; match and search take no
//     pos or endpos (slice the string instead: slicing does not copy).
//   - re.VERBOSE and (?#...) comments are not supported; flags go in
//     flags= or inline ((?i), (?m), (?s), (?U) for lazy-by-default).
//
// # Speed
//
// A pattern that is one character class repeated, the tokenizers of text
// jobs ([a-z]+, \w+, \S+, (\d+), [^,\n]+), is found by a plain scan:
// findall over a text runs at about three times CPython's speed. Other
// patterns run on Go's regexp, about half as fast as CPython's engine on
// text. A literal that every match must hold (" HTTP/" in
// `"GET (\S+) HTTP/\d`) is sought first: a text without it has no match.
// Over a big text, a pattern that cannot match a newline and has no \A or
// \z (nor ^ or $ without re.MULTILINE) is matched only in the lines that
// hold its literal, when it has one, and else a block of lines at a time,
// with the same results, 1.2 to 1.5 times faster than whole. In those
// lines, a pattern that never needs to backtrack, a sequence of literals,
// groups and greedy repeats of one class where what follows a repeat cannot
// start with its class and the branches of an alternation start with
// different characters (`"[A-Z]+ (\S+) HTTP/\d\.\d" (\d{3}) (\d+|-)`), is
// found by a plain scan, about twice as fast as regexp; repeats marked as
// tried keep it linear in time.
//
// # Cache and concurrency
//
// Compiled patterns are cached by source and flags (256 of them, the least
// recently used making room), shared by every interpreter: re.findall(p,
// line) in a loop compiles p once. Patterns and match objects are immutable,
// and every function is safe for concurrent use; a pattern compiled in a
// library's top level may be used by every actor at once. Matching does not
// copy the subject: groups are slices of it.
package re

import (
	"fmt"
	"regexp"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the re module.
var Module = &starlarkstruct.Module{
	Name: "re",
	Members: starlark.StringDict{
		"compile":    starlark.NewBuiltin("re.compile", reCompile),
		"escape":     starlark.NewBuiltin("re.escape", reEscape),
		"IGNORECASE": starlark.MakeInt(IGNORECASE),
		"I":          starlark.MakeInt(IGNORECASE),
		"MULTILINE":  starlark.MakeInt(MULTILINE),
		"M":          starlark.MakeInt(MULTILINE),
		"DOTALL":     starlark.MakeInt(DOTALL),
		"S":          starlark.MakeInt(DOTALL),
		"ASCII":      starlark.MakeInt(ASCII),
		"A":          starlark.MakeInt(ASCII),
	},
}

// op is one operation of a pattern, offered both as a Pattern method and
// as a module function that takes the pattern first and flags last.
type op struct {
	name   string
	params []string // the method's parameters
	run    func(thread *starlark.Thread, fn string, p *Pattern, a []starlark.Value) (starlark.Value, error)
	method *starlark.Builtin
}

var (
	ops      []*op
	opByName = map[string]*op{}
)

func init() {
	ops = []*op{
		{name: "search", params: []string{"string"}, run: oneText((*Pattern).search)},
		{name: "match", params: []string{"string"}, run: oneText((*Pattern).matchStart)},
		{name: "fullmatch", params: []string{"string"}, run: oneText((*Pattern).fullmatch)},
		{name: "findall", params: []string{"string"}, run: oneText(func(p *Pattern, t text) starlark.Value { return p.findall(t) })},
		{name: "finditer", params: []string{"string"}, run: oneText(func(p *Pattern, t text) starlark.Value { return p.finditer(t) })},
		{name: "split", params: []string{"string", "maxsplit?"}, run: runSplit},
		{name: "sub", params: []string{"repl", "string", "count?"}, run: runSub(false)},
		{name: "subn", params: []string{"repl", "string", "count?"}, run: runSub(true)},
	}
	for _, o := range ops {
		o := o
		opByName[o.name] = o
		o.method = starlark.NewBuiltin(o.name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a, err := unpack(b.Name(), args, kwargs, o.params)
			if err != nil {
				return nil, err
			}
			return o.run(thread, b.Name(), b.Receiver().(*Pattern), a)
		})
		params := append(append([]string{"pattern"}, o.params...), "flags?")
		Module.Members[o.name] = starlark.NewBuiltin("re."+o.name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a, err := unpack(b.Name(), args, kwargs, params)
			if err != nil {
				return nil, err
			}
			p, err := patternArg(b.Name(), a[0], a[len(a)-1])
			if err != nil {
				return nil, err
			}
			return o.run(thread, b.Name(), p, a[1:len(a)-1])
		})
	}
}

// unpack unpacks arguments into one value per parameter; an optional
// parameter not given is nil.
func unpack(fn string, args starlark.Tuple, kwargs []starlark.Tuple, names []string) ([]starlark.Value, error) {
	vals := make([]starlark.Value, len(names))
	pairs := make([]any, 0, 2*len(names))
	for i, n := range names {
		pairs = append(pairs, n, &vals[i])
	}
	return vals, starlark.UnpackArgs(fn, args, kwargs, pairs...)
}

// oneText adapts an operation on one subject string.
func oneText(f func(*Pattern, text) starlark.Value) func(*starlark.Thread, string, *Pattern, []starlark.Value) (starlark.Value, error) {
	return func(_ *starlark.Thread, fn string, p *Pattern, a []starlark.Value) (starlark.Value, error) {
		t, err := textArg(fn, "string", a[0])
		if err != nil {
			return nil, err
		}
		return f(p, t), nil
	}
}

func runSplit(_ *starlark.Thread, fn string, p *Pattern, a []starlark.Value) (starlark.Value, error) {
	t, err := textArg(fn, "string", a[0])
	if err != nil {
		return nil, err
	}
	maxsplit, err := countArg(fn, "maxsplit", a[1])
	if err != nil {
		return nil, err
	}
	return p.split(t, maxsplit), nil
}

// runSub is sub, or subn when withCount is set.
func runSub(withCount bool) func(*starlark.Thread, string, *Pattern, []starlark.Value) (starlark.Value, error) {
	return func(thread *starlark.Thread, fn string, p *Pattern, a []starlark.Value) (starlark.Value, error) {
		t, err := textArg(fn, "string", a[1])
		if err != nil {
			return nil, err
		}
		count, err := countArg(fn, "count", a[2])
		if err != nil {
			return nil, err
		}
		v, n, err := p.subn(thread, fn, a[0], t, count)
		if err != nil {
			return nil, err
		}
		if withCount {
			return starlark.Tuple{v, starlark.MakeInt(n)}, nil
		}
		return v, nil
	}
}

// textArg checks that v, the argument called name, is a string or bytes.
func textArg(fn, name string, v starlark.Value) (text, error) {
	switch v := v.(type) {
	case starlark.String:
		return text{s: string(v)}, nil
	case starlark.Bytes:
		return text{s: string(v), bytes: true}, nil
	}
	return text{}, fmt.Errorf("%s: %s: got %s, want string or bytes", fn, name, v.Type())
}

// countArg checks an optional count: 0 when v is nil, else an int >= 0.
func countArg(fn, name string, v starlark.Value) (int, error) {
	if v == nil {
		return 0, nil
	}
	n, err := starlark.AsInt32(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %s: %v", fn, name, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("%s: %s must be >= 0, got %d", fn, name, n)
	}
	return n, nil
}

// patternArg returns the pattern an argument gives: a Pattern as it is, or
// a string or bytes compiled with flags (through the cache).
func patternArg(fn string, pv, flagsv starlark.Value) (*Pattern, error) {
	flags := 0
	if flagsv != nil {
		var err error
		if flags, err = starlark.AsInt32(flagsv); err != nil {
			return nil, fmt.Errorf("%s: flags: %v", fn, err)
		}
	}
	if p, ok := pv.(*Pattern); ok {
		if flags != 0 {
			return nil, fmt.Errorf("%s: cannot process flags argument with a compiled pattern", fn)
		}
		return p, nil
	}
	t, err := textArg(fn, "pattern", pv)
	if err != nil {
		return nil, fmt.Errorf("%s or re.Pattern", err)
	}
	p, err := cache.get(t.s, flags)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return p, nil
}

// re.compile(pattern, flags=0)
func reCompile(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	a, err := unpack(b.Name(), args, kwargs, []string{"pattern", "flags?"})
	if err != nil {
		return nil, err
	}
	return patternArg(b.Name(), a[0], a[1])
}

// re.escape(string)
func reEscape(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "pattern", &v); err != nil {
		return nil, err
	}
	t, err := textArg(b.Name(), "pattern", v)
	if err != nil {
		return nil, err
	}
	return t.value(regexp.QuoteMeta(t.s)), nil
}
