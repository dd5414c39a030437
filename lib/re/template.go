// This file holds replacement templates, as Python's re.sub reads them:
// \1 and \g<name> refer to groups, \n and its kin are characters.

package re

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// template is a parsed replacement: literal text and group references in
// turn.
type template struct {
	parts []part
}

// part is literal text, or group g when g >= 0.
type part struct {
	lit string
	g   int
}

// TemplateError reports a replacement template that does not parse: the
// template, the byte offset of the fault, and why.
type TemplateError struct {
	Template string
	Pos      int
	Msg      string
}

func (e *TemplateError) Error() string {
	return fmt.Sprintf("bad template %s at position %d: %s", quote(e.Template), e.Pos, e.Msg)
}

// templateEscapes are the character escapes of a template, as in Python.
var templateEscapes = map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\'}

// parseTemplate parses tmpl for re, following Python's rules: \g<name>,
// \g<number> and \1 to \99 are groups; \0 and three-digit octal escapes
// are characters; an unknown escape of an ASCII letter is an error, and
// other unknown escapes are kept as they are.
func parseTemplate(tmpl string, re *regexp.Regexp) (*template, error) {
	t := &template{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String(), g: -1})
			lit.Reset()
		}
	}
	fail := func(pos int, format string, args ...any) error {
		return &TemplateError{Template: tmpl, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	group := func(pos, g int) error {
		if g > re.NumSubexp() {
			return fail(pos, "invalid group reference %d: the pattern has %d groups", g, re.NumSubexp())
		}
		flush()
		t.parts = append(t.parts, part{g: g})
		return nil
	}
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		if c != '\\' {
			j := strings.IndexByte(tmpl[i:], '\\')
			if j < 0 {
				j = len(tmpl) - i
			}
			lit.WriteString(tmpl[i : i+j])
			i += j
			continue
		}
		if i+1 == len(tmpl) {
			return nil, fail(i, `bad escape (end of template)`)
		}
		d := tmpl[i+1]
		switch {
		case d == 'g':
			name, next, err := groupName(tmpl, i)
			if err != nil {
				return nil, err
			}
			g, err := resolveGroup(name, re)
			if err != nil {
				return nil, fail(i+3, "%s", err)
			}
			if err := group(i+3, g); err != nil {
				return nil, err
			}
			i = next
		case d == '0':
			j, v := i+2, 0
			for ; j < len(tmpl) && j < i+4 && isOctal(tmpl[j]); j++ {
				v = v*8 + int(tmpl[j]-'0')
			}
			lit.WriteRune(rune(v))
			i = j
		case '1' <= d && d <= '9':
			j := i + 2
			if j < len(tmpl) && isDigit(tmpl[j]) {
				j++
				if d <= '7' && isOctal(tmpl[j-1]) && j < len(tmpl) && isOctal(tmpl[j]) {
					v, _ := strconv.ParseUint(tmpl[i+1:j+1], 8, 32)
					if v > 0o377 {
						return nil, fail(i, `octal escape value \%s outside of range 0-0o377`, tmpl[i+1:j+1])
					}
					lit.WriteRune(rune(v))
					i = j + 1
					continue
				}
			}
			g, _ := strconv.Atoi(tmpl[i+1 : j])
			if err := group(i, g); err != nil {
				return nil, err
			}
			i = j
		default:
			if e, ok := templateEscapes[d]; ok {
				lit.WriteByte(e)
			} else if 'a' <= d && d <= 'z' || 'A' <= d && d <= 'Z' {
				return nil, fail(i, `bad escape \%c`, d)
			} else {
				lit.WriteByte('\\') // kept, as Python keeps \& and its kin
				lit.WriteByte(d)
			}
			i += 2
		}
	}
	flush()
	return t, nil
}

// groupName reads the name in \g<name> at tmpl[i:], returning it and the
// offset after the closing >.
func groupName(tmpl string, i int) (string, int, error) {
	if i+2 >= len(tmpl) || tmpl[i+2] != '<' {
		return "", 0, &TemplateError{Template: tmpl, Pos: i + 2, Msg: `missing < after \g`}
	}
	end := strings.IndexByte(tmpl[i+3:], '>')
	if end < 0 {
		return "", 0, &TemplateError{Template: tmpl, Pos: i + 3, Msg: "missing >, unterminated name"}
	}
	if end == 0 {
		return "", 0, &TemplateError{Template: tmpl, Pos: i + 3, Msg: "missing group name"}
	}
	return tmpl[i+3 : i+3+end], i + 3 + end + 1, nil
}

// resolveGroup returns the number of the group a \g<...> names.
func resolveGroup(name string, re *regexp.Regexp) (int, error) {
	if isDigits(name) {
		g, err := strconv.Atoi(name)
		if err != nil || g > re.NumSubexp() {
			return 0, fmt.Errorf("invalid group reference %s: the pattern has %d groups", name, re.NumSubexp())
		}
		return g, nil
	}
	if !isIdent(name) {
		return 0, fmt.Errorf("bad character in group name %q", name)
	}
	if g := re.SubexpIndex(name); g >= 0 {
		return g, nil
	}
	return 0, fmt.Errorf("unknown group name %q", name)
}

// expand writes the replacement for match idx of s to b; a group that did
// not take part in the match is empty.
func (t *template) expand(b *strings.Builder, s string, idx []int) {
	for _, p := range t.parts {
		if p.g < 0 {
			b.WriteString(p.lit)
		} else if idx[2*p.g] >= 0 {
			b.WriteString(s[idx[2*p.g]:idx[2*p.g+1]])
		}
	}
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
