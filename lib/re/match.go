// This file holds the Match type: one match of a pattern, its groups and
// where they are.

package re

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
)

// Match is one match of a Pattern in a text (Python's re.Match): the text
// is not copied, and groups are sliced from it on demand. Offsets are byte
// offsets, as Starlark indexes strings by byte: s[m.start():m.end()] is
// m.group(). A Match is immutable.
type Match struct {
	p   *Pattern
	t   text
	idx []int // the regexp's submatch index pairs; -1 for a group that did not take part
}

var (
	_ starlark.HasAttrs = (*Match)(nil)
	_ starlark.Mapping  = (*Match)(nil)
)

func (m *Match) String() string {
	return fmt.Sprintf("<re.Match object; span=(%d, %d), match=%s>", m.idx[0], m.idx[1], m.t.value(m.t.s[m.idx[0]:m.idx[1]]))
}
func (m *Match) Type() string          { return "re.Match" }
func (m *Match) Freeze()               {} // immutable
func (m *Match) Truth() starlark.Bool  { return true }
func (m *Match) Hash() (uint32, error) { return 0, errors.New("unhashable type: re.Match") }

// Get implements m[g], the same as m.group(g).
func (m *Match) Get(k starlark.Value) (starlark.Value, bool, error) {
	g, err := m.groupIndex(k)
	if err != nil {
		return nil, false, err
	}
	return m.group(g, starlark.None), true, nil
}

// groupIndex resolves a group given by number or name.
func (m *Match) groupIndex(k starlark.Value) (int, error) {
	n := len(m.idx)/2 - 1
	switch k := k.(type) {
	case starlark.Int:
		g, ok := k.Int64()
		if !ok || g < 0 || g > int64(n) {
			return 0, fmt.Errorf("no such group: %s (the pattern has %d groups)", k, n)
		}
		return int(g), nil
	case starlark.String:
		if g := m.p.re.SubexpIndex(string(k)); g >= 0 {
			return g, nil
		}
		return 0, fmt.Errorf("no such group: %s", k)
	}
	return 0, fmt.Errorf("group: got %s, want int or string", k.Type())
}

// group returns the text of group g, or dflt when it did not take part.
func (m *Match) group(g int, dflt starlark.Value) starlark.Value {
	if m.idx[2*g] < 0 {
		return dflt
	}
	return m.t.value(m.t.s[m.idx[2*g]:m.idx[2*g+1]])
}

var matchMethods = map[string]*starlark.Builtin{
	"group":     starlark.NewBuiltin("group", matchGroup),
	"groups":    starlark.NewBuiltin("groups", matchGroups),
	"groupdict": starlark.NewBuiltin("groupdict", matchGroupdict),
	"start":     starlark.NewBuiltin("start", matchStart),
	"end":       starlark.NewBuiltin("end", matchEnd),
	"span":      starlark.NewBuiltin("span", matchSpan),
	"expand":    starlark.NewBuiltin("expand", matchExpand),
}

func (m *Match) Attr(name string) (starlark.Value, error) {
	switch name {
	case "string":
		return m.t.value(m.t.s), nil
	case "re":
		return m.p, nil
	case "pos":
		return starlark.MakeInt(0), nil
	case "endpos":
		return starlark.MakeInt(len(m.t.s)), nil
	}
	if b, ok := matchMethods[name]; ok {
		return b.BindReceiver(m), nil
	}
	return nil, nil
}

func (m *Match) AttrNames() []string {
	return []string{"end", "endpos", "expand", "group", "groupdict", "groups", "pos", "re", "span", "start", "string"}
}

// group(*groups): group 0 (the whole match) without arguments, one group's
// text (None when it did not take part), or a tuple of several.
func matchGroup(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m := b.Receiver().(*Match)
	if len(kwargs) > 0 {
		return nil, fmt.Errorf("%s: unexpected keyword argument %s", b.Name(), kwargs[0][0])
	}
	if len(args) == 0 {
		return m.group(0, starlark.None), nil
	}
	out := make(starlark.Tuple, len(args))
	for i, a := range args {
		g, err := m.groupIndex(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Name(), err)
		}
		out[i] = m.group(g, starlark.None)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// groups(default=None): every group's text, default for those that did
// not take part.
func matchGroups(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m := b.Receiver().(*Match)
	var dflt starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "default?", &dflt); err != nil {
		return nil, err
	}
	out := make(starlark.Tuple, len(m.idx)/2-1)
	for g := range out {
		out[g] = m.group(g+1, dflt)
	}
	return out, nil
}

// groupdict(default=None): the named groups' texts by name.
func matchGroupdict(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m := b.Receiver().(*Match)
	var dflt starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "default?", &dflt); err != nil {
		return nil, err
	}
	d := starlark.NewDict(0)
	for g, name := range m.p.re.SubexpNames() {
		if name != "" {
			if err := d.SetKey(starlark.String(name), m.group(g, dflt)); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// spanArg resolves the optional group argument of start, end and span.
func spanArg(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (*Match, int, error) {
	m := b.Receiver().(*Match)
	var k starlark.Value = starlark.MakeInt(0)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "group?", &k); err != nil {
		return nil, 0, err
	}
	g, err := m.groupIndex(k)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return m, g, nil
}

// start(group=0): where the group starts, -1 when it did not take part.
func matchStart(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m, g, err := spanArg(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	return starlark.MakeInt(m.idx[2*g]), nil
}

// end(group=0): where the group ends, -1 when it did not take part.
func matchEnd(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m, g, err := spanArg(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	return starlark.MakeInt(m.idx[2*g+1]), nil
}

// span(group=0): (start, end) of the group, (-1, -1) when it did not take part.
func matchSpan(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m, g, err := spanArg(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	return starlark.Tuple{starlark.MakeInt(m.idx[2*g]), starlark.MakeInt(m.idx[2*g+1])}, nil
}

// expand(template): the template with this match's groups put in, as sub does.
func matchExpand(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m := b.Receiver().(*Match)
	var tv starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "template", &tv); err != nil {
		return nil, err
	}
	tt, err := textArg(b.Name(), "template", tv)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplate(tt.s, m.p.re)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	var sb strings.Builder
	tmpl.expand(&sb, m.t.s, m.idx)
	return m.t.value(sb.String()), nil
}
