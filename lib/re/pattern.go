// This file holds the Pattern type: compiling a pattern and what a compiled
// pattern does (search, match, fullmatch, findall, finditer, sub, split).

package re

import (
	"errors"
	"fmt"
	"regexp"
	rsyntax "regexp/syntax"
	"strings"
	"sync"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// The flags re accepts, with Python's values.
const (
	IGNORECASE = 2   // re.I: case-insensitive matching ((?i))
	MULTILINE  = 8   // re.M: ^ and $ match at line boundaries ((?m))
	DOTALL     = 16  // re.S: . matches \n too ((?s))
	ASCII      = 256 // re.A: accepted; \w, \d, \s and \b are always ASCII here
)

// PatternError reports a pattern that does not compile: the pattern, the
// byte offset of the fault when it is known (-1 when not), and why.
type PatternError struct {
	Pattern string
	Pos     int
	Msg     string
	Err     error // the *syntax.Error of Go's regexp, if any
}

func (e *PatternError) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("bad pattern %s at position %d: %s", quote(e.Pattern), e.Pos, e.Msg)
	}
	return fmt.Sprintf("bad pattern %s: %s", quote(e.Pattern), e.Msg)
}

func (e *PatternError) Unwrap() error { return e.Err }

// quote writes s as a Starlark string literal, cut short when long.
func quote(s string) string {
	const max = 200
	if len(s) > max {
		return starlark.String(s[:max]).String() + "..."
	}
	return starlark.String(s).String()
}

// Pattern is a compiled regular expression (Python's re.Pattern). It is
// immutable and safe for concurrent use: one cached Pattern serves every
// interpreter that uses its source.
type Pattern struct {
	src         string
	flags       int
	re          *regexp.Regexp // unanchored, for search and the rest
	anchored    *regexp.Regexp // \A(?:src), for match
	full        *regexp.Regexp // \A(?:src)\z, for fullmatch
	after       *regexp.Regexp // \A(?s:.)(?:src), for the empty matches Go skips; nil unless nullable
	nullable    bool           // whether it may match the empty string
	run         *classRun      // set when the pattern is a run of one class: the fast path
	lit         literal        // a literal every match holds (requiredLiteral); "" when none is known
	lines       bool           // lit is set and matches are sought only in the lines that hold it (allInLines)
	seq         *seq           // set when p.lines and the pattern never backtracks: the scan of seq.go
	contextFree bool           // no ^, $, \b, \B, \A, \z: a line may be matched again from an offset

	chunkOnce sync.Once
	chunk     int // the size of the blocks of lines a big text is matched in; 0: whole
}

var (
	_ starlark.HasAttrs   = (*Pattern)(nil)
	_ starlark.Comparable = (*Pattern)(nil)
)

// compile compiles src with Python's flags into a Pattern.
func compile(src string, flags int) (*Pattern, error) {
	if bad := flags &^ (IGNORECASE | MULTILINE | DOTALL | ASCII); bad != 0 {
		return nil, &PatternError{Pattern: src, Pos: -1,
			Msg: fmt.Sprintf("unsupported flags %#x: re supports IGNORECASE, MULTILINE, DOTALL and ASCII (VERBOSE, LOCALE and UNICODE are not)", bad)}
	}
	prefix := flagPrefix(flags)
	body, quoted := pythonEscapes(src)
	re, err := regexp.Compile(prefix + body)
	if err != nil {
		return nil, patternError(src, prefix, err)
	}
	if err := checkNames(src, re.SubexpNames()); err != nil {
		return nil, err
	}
	tree, err := rsyntax.Parse(prefix+body, rsyntax.Perl)
	if err != nil {
		return nil, patternError(src, prefix, err) // regexp parsed it: not reached
	}
	p := &Pattern{src: src, flags: flags, re: re, nullable: nullable(tree), run: newClassRun(tree),
		lit: newLiteral(requiredLiteral(tree)), contextFree: contextFree(tree)}
	p.lines = p.lit.s != "" && !p.nullable && lineLocal(tree)
	if p.lines && p.contextFree {
		p.seq = newSeq(tree, re.NumSubexp())
	}
	// The variants put src in a non-capturing group, which keeps its group
	// numbers; a \Q that src leaves open is closed first, or it would quote
	// the group's ")".
	if quoted {
		body += `\E`
	}
	variant := func(before, after string) (*regexp.Regexp, error) {
		re, err := regexp.Compile(prefix + before + body + after)
		if err != nil {
			return nil, &PatternError{Pattern: src, Pos: -1, Msg: "cannot be anchored: " + err.Error(), Err: err}
		}
		return re, nil
	}
	if p.anchored, err = variant(`\A(?:`, `)`); err != nil {
		return nil, err
	}
	if p.full, err = variant(`\A(?:`, `)\z`); err != nil {
		return nil, err
	}
	if p.nullable {
		if p.after, err = variant(`\A(?s:.)(?:`, `)`); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// flagPrefix returns the RE2 flag group for Python's flags.
func flagPrefix(flags int) string {
	var f string
	if flags&IGNORECASE != 0 {
		f += "i"
	}
	if flags&MULTILINE != 0 {
		f += "m"
	}
	if flags&DOTALL != 0 {
		f += "s"
	}
	if f == "" {
		return ""
	}
	return "(?" + f + ")"
}

// pythonEscapes rewrites Python's \Z (end of text) as RE2's \z, outside
// RE2's \Q...\E quotes, and reports whether src ends inside such a quote.
// The length is unchanged, so positions in errors stay those of src.
func pythonEscapes(src string) (string, bool) {
	if !strings.Contains(src, `\`) {
		return src, false
	}
	var b []byte // a copy once something changes
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '\\' {
			continue
		}
		switch src[i+1] {
		case 'Z':
			if b == nil {
				b = []byte(src)
			}
			b[i+1] = 'z'
		case 'Q':
			k := strings.Index(src[i+2:], `\E`)
			if k < 0 {
				return orig(b, src), true
			}
			i += 2 + k // at the \E
		}
		i++ // past the escaped character
	}
	return orig(b, src), false
}

// orig returns b as a string, or src when b is nil.
func orig(b []byte, src string) string {
	if b == nil {
		return src
	}
	return string(b)
}

// patternError turns a regexp error into a PatternError, with the position
// of the fault when its fragment occurs once in the pattern.
func patternError(src, prefix string, err error) error {
	var se *rsyntax.Error
	if !errors.As(err, &se) {
		return &PatternError{Pattern: src, Pos: -1, Msg: err.Error(), Err: err}
	}
	e := &PatternError{Pattern: src, Pos: -1, Msg: string(se.Code), Err: err}
	expr := strings.TrimPrefix(se.Expr, prefix)
	translated, _ := pythonEscapes(src) // what regexp saw, the same length as src
	if expr != "" && expr != translated {
		if i := strings.Index(translated, expr); i >= 0 && strings.LastIndex(translated, expr) == i {
			e.Pos = i
			expr = src[i : i+len(expr)]
		}
		e.Msg += ": " + expr
	}
	switch se.Code {
	case rsyntax.ErrMissingParen, rsyntax.ErrUnexpectedParen:
		e.Pos = parenFault(translated)
	case rsyntax.ErrTrailingBackslash:
		e.Pos = len(src) - 1
	}
	switch {
	case strings.HasPrefix(expr, "(?=") || strings.HasPrefix(expr, "(?!") || strings.HasPrefix(expr, "(?<=") || strings.HasPrefix(expr, "(?<!"):
		e.Msg += " (lookaround is not supported: RE2 matches in linear time)"
	case strings.HasPrefix(expr, "(?P=") || len(expr) == 2 && expr[0] == '\\' && expr[1] >= '1' && expr[1] <= '9':
		e.Msg += " (backreferences are not supported: RE2 matches in linear time)"
	}
	return e
}

// parenFault returns the offset of the first ")" that closes nothing, else
// of the last "(" left open, else -1. Escapes, \Q...\E quotes and
// character classes are skipped, as regexp's parser skips them.
func parenFault(s string) int {
	var open []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if strings.HasPrefix(s[i:], `\Q`) {
				k := strings.Index(s[i+2:], `\E`)
				if k < 0 {
					i = len(s)
					continue
				}
				i += 2 + k
			}
			i++
		case '[':
			i = classEnd(s, i)
		case '(':
			open = append(open, i)
		case ')':
			if len(open) == 0 {
				return i
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return open[len(open)-1]
	}
	return -1
}

// classEnd returns the offset of the "]" that ends the class opened at
// s[i], or len(s).
func classEnd(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '^' {
		j++
	}
	if j < len(s) && s[j] == ']' { // a "]" first is a character
		j++
	}
	for ; j < len(s); j++ {
		switch {
		case s[j] == '\\':
			j++
		case strings.HasPrefix(s[j:], "[:"):
			if k := strings.Index(s[j+2:], ":]"); k >= 0 {
				j += 2 + k + 1
			}
		case s[j] == ']':
			return j
		}
	}
	return len(s)
}

// checkNames rejects what Python rejects and RE2 allows: a group name used
// twice, or one that is not an identifier.
func checkNames(src string, names []string) error {
	seen := make(map[string]int)
	for i, n := range names {
		if n == "" {
			continue
		}
		if !isIdent(n) {
			return &PatternError{Pattern: src, Pos: -1, Msg: fmt.Sprintf("bad character in group name %q", n)}
		}
		if j, ok := seen[n]; ok {
			return &PatternError{Pattern: src, Pos: -1, Msg: fmt.Sprintf("redefinition of group name %q as group %d; was group %d", n, i, j)}
		}
		seen[n] = i
	}
	return nil
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// String returns the pattern as Python shows it: re.compile("a+", flags).
func (p *Pattern) String() string {
	if p.flags == 0 {
		return fmt.Sprintf("re.compile(%s)", starlark.String(p.src))
	}
	return fmt.Sprintf("re.compile(%s, %d)", starlark.String(p.src), p.flags)
}

func (p *Pattern) Type() string         { return "re.Pattern" }
func (p *Pattern) Freeze()              {} // immutable
func (p *Pattern) Truth() starlark.Bool { return true }
func (p *Pattern) Hash() (uint32, error) {
	h, err := starlark.String(p.src).Hash()
	return h ^ uint32(p.flags), err
}

// CompareSameType reports whether two patterns have the same source and
// flags, for == and !=.
func (p *Pattern) CompareSameType(op syntax.Token, y starlark.Value, _ int) (bool, error) {
	q := y.(*Pattern)
	eq := p.src == q.src && p.flags == q.flags
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, fmt.Errorf("%s %s %s not implemented", p.Type(), op, q.Type())
}

func (p *Pattern) Attr(name string) (starlark.Value, error) {
	switch name {
	case "pattern":
		return starlark.String(p.src), nil
	case "flags":
		return starlark.MakeInt(p.flags), nil
	case "groups":
		return starlark.MakeInt(p.re.NumSubexp()), nil
	case "groupindex":
		d := starlark.NewDict(0)
		for i, n := range p.re.SubexpNames() {
			if n != "" {
				_ = d.SetKey(starlark.String(n), starlark.MakeInt(i)) // a new dict
			}
		}
		return d, nil
	}
	if o, ok := opByName[name]; ok {
		return o.method.BindReceiver(p), nil
	}
	return nil, nil
}

func (p *Pattern) AttrNames() []string {
	names := []string{"flags", "groupindex", "groups", "pattern"}
	for _, o := range ops {
		names = append(names, o.name)
	}
	return names
}

// text is a subject string: a Starlark string or bytes, whose type the
// results keep.
type text struct {
	s     string
	bytes bool
}

func (t text) value(s string) starlark.Value {
	if t.bytes {
		return starlark.Bytes(s)
	}
	return starlark.String(s)
}

// search returns the first match anywhere in t, or None.
func (p *Pattern) search(t text) starlark.Value {
	if p.run == nil && !p.lines && (len(t.s) <= blockSize || p.blockSize() == 0) {
		if p.lit.s != "" && p.lit.index(t.s) < 0 {
			return starlark.None
		}
		return p.matchWith(p.re, t)
	}
	locs := p.all(t.s, 1, true)
	if len(locs) == 0 {
		return starlark.None
	}
	return &Match{p: p, t: t, idx: locs[0]}
}

// matchStart returns a match at the start of t, or None.
func (p *Pattern) matchStart(t text) starlark.Value {
	return p.matchWith(p.anchored, t)
}

// fullmatch returns a match of all of t, or None.
func (p *Pattern) fullmatch(t text) starlark.Value {
	return p.matchWith(p.full, t)
}

func (p *Pattern) matchWith(re *regexp.Regexp, t text) starlark.Value {
	idx := re.FindStringSubmatchIndex(t.s)
	if idx == nil {
		return starlark.None
	}
	return &Match{p: p, t: t, idx: idx}
}

// findall returns the matches in t: strings when the pattern has at most
// one group (the group's text when it has one), else tuples of groups.
func (p *Pattern) findall(t text) *starlark.List {
	if p.run != nil { // a string per run, whether in a group or not
		n := 0
		p.run.each(t.s, -1, func(int, int) { n++ }) // a list of the right size at once: less for the GC
		out := make([]starlark.Value, 0, n)
		p.run.each(t.s, -1, func(start, end int) { out = append(out, t.value(t.s[start:end])) })
		return starlark.NewList(out)
	}
	ng := p.re.NumSubexp()
	if ng == 0 {
		locs := p.all(t.s, -1, false)
		out := make([]starlark.Value, len(locs))
		for i, l := range locs {
			out[i] = t.value(t.s[l[0]:l[1]])
		}
		return starlark.NewList(out)
	}
	locs := p.all(t.s, -1, true)
	out := make([]starlark.Value, len(locs))
	var groups []starlark.Value // the tuples' elements, all in one: fewer allocations
	if ng > 1 {
		groups = make([]starlark.Value, len(locs)*ng)
	}
	for i, l := range locs {
		if ng == 1 {
			out[i] = t.value(groupText(t.s, l, 1))
			continue
		}
		tup := starlark.Tuple(groups[i*ng : (i+1)*ng : (i+1)*ng])
		for g := 1; g <= ng; g++ {
			tup[g-1] = t.value(groupText(t.s, l, g))
		}
		out[i] = tup
	}
	return starlark.NewList(out)
}

// groupText returns group g of a match, "" when it did not take part.
func groupText(s string, idx []int, g int) string {
	if idx[2*g] < 0 {
		return ""
	}
	return s[idx[2*g]:idx[2*g+1]]
}

// finditer returns every match in t as a list of match objects.
func (p *Pattern) finditer(t text) *starlark.List {
	locs := p.all(t.s, -1, true)
	out := make([]starlark.Value, len(locs))
	for i, l := range locs {
		out[i] = &Match{p: p, t: t, idx: l}
	}
	return starlark.NewList(out)
}

// split splits t at the matches, with the groups' texts (None for a group
// that did not take part) between the pieces; at most maxsplit splits when
// maxsplit > 0.
func (p *Pattern) split(t text, maxsplit int) *starlark.List {
	n := -1
	if maxsplit > 0 {
		n = maxsplit
	}
	ng := p.re.NumSubexp()
	locs := p.all(t.s, n, true)
	out := make([]starlark.Value, 0, len(locs)*(ng+1)+1)
	last := 0
	for _, l := range locs {
		out = append(out, t.value(t.s[last:l[0]]))
		for g := 1; g <= ng; g++ {
			if l[2*g] < 0 {
				out = append(out, starlark.None)
			} else {
				out = append(out, t.value(t.s[l[2*g]:l[2*g+1]]))
			}
		}
		last = l[1]
	}
	return starlark.NewList(append(out, t.value(t.s[last:])))
}

// subn replaces the first count matches in t (all when count is 0) by repl,
// a template string or a function of the match, and returns the new text
// and the number of replacements.
func (p *Pattern) subn(thread *starlark.Thread, fn string, repl starlark.Value, t text, count int) (starlark.Value, int, error) {
	var tmpl *template
	call, isFunc := repl.(starlark.Callable)
	if !isFunc {
		r, err := textArg(fn, "repl", repl)
		if err != nil {
			return nil, 0, fmt.Errorf("%s (or a function)", err)
		}
		if tmpl, err = parseTemplate(r.s, p.re); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", fn, err)
		}
	}
	n := -1
	if count > 0 {
		n = count
	}
	locs := p.all(t.s, n, true)
	if len(locs) == 0 {
		return t.value(t.s), 0, nil
	}
	var b strings.Builder
	b.Grow(len(t.s))
	last := 0
	for _, l := range locs {
		b.WriteString(t.s[last:l[0]])
		last = l[1]
		if tmpl != nil {
			tmpl.expand(&b, t.s, l)
			continue
		}
		v, err := starlark.Call(thread, call, starlark.Tuple{&Match{p: p, t: t, idx: l}}, nil)
		if err != nil {
			return nil, 0, err
		}
		r, err := textArg(fn, "repl's result", v)
		if err != nil {
			return nil, 0, err
		}
		b.WriteString(r.s)
	}
	b.WriteString(t.s[last:])
	return t.value(b.String()), len(locs), nil
}
