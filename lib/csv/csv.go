// Package csv is a Starlark module that reads and writes comma-separated
// values (RFC 4180), on Go's encoding/csv.
//
//	csv.read(text, delimiter=",", header=False)
//	    the records of text (a string or bytes): a list of lists of strings,
//	    or with header=True a list of dicts keyed by the first record's names
//	csv.write(rows, delimiter=",", header=None)
//	    the text of rows (lists or tuples of fields) ending in "\n"; with
//	    header=[names], that line first, and rows may also be dicts
//
// Reading follows RFC 4180 as Go reads it: quoted fields may hold the
// delimiter, quotes ("" inside quotes) and line breaks; \r\n ends a line as
// \n does, and is read as \n inside a quoted field; blank lines are skipped.
// Records may have different numbers of fields, except with header=True,
// where each must have as many as the header (and the header's names must
// differ). A malformed record is an error naming its line and column:
// csv.read: line 3, column 4: bare " in non-quoted-field.
//
// Writing quotes a field when it needs it. Fields are strings, ints,
// floats, bools (written as str() writes them) or None (an empty field);
// anything else is an error naming its row and column. A dict row is
// written in the header's order, a key it lacks as an empty field; a key
// the header lacks is an error, so no value is lost. A row of no fields is
// an error, as it would read back as a blank line, which is skipped.
//
// The functions keep no state and are safe for concurrent use.
package csv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the csv module.
var Module = &starlarkstruct.Module{
	Name: "csv",
	Members: starlark.StringDict{
		"read":  starlark.NewBuiltin("csv.read", read),
		"write": starlark.NewBuiltin("csv.write", write),
	},
}

// delimiter checks a delimiter argument: one character, not a quote or a
// line break.
func delimiter(fn, d string) (rune, error) {
	r, n := utf8.DecodeRuneInString(d)
	if n == 0 || n != len(d) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, fmt.Errorf("%s: delimiter must be one character other than a quote, \\r or \\n, got %s", fn, starlark.String(d))
	}
	return r, nil
}

// csv.read(text, delimiter=",", header=False)
func read(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var tv starlark.Value
	delim, header := ",", false
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "text", &tv, "delimiter?", &delim, "header?", &header); err != nil {
		return nil, err
	}
	var text string
	switch tv := tv.(type) {
	case starlark.String:
		text = string(tv)
	case starlark.Bytes:
		text = string(tv)
	default:
		return nil, fmt.Errorf("%s: got %s, want string or bytes", b.Name(), tv.Type())
	}
	comma, err := delimiter(b.Name(), delim)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var names []starlark.String
	var rows []starlark.Value
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readError(b.Name(), err)
		}
		switch {
		case !header:
			row := make([]starlark.Value, len(rec))
			for i, f := range rec {
				row[i] = starlark.String(f)
			}
			rows = append(rows, starlark.NewList(row))
		case names == nil:
			if names, err = headerNames(rec); err != nil {
				line, _ := r.FieldPos(0)
				return nil, fmt.Errorf("%s: line %d: %v", b.Name(), line, err)
			}
		default:
			if len(rec) != len(names) {
				line, _ := r.FieldPos(0)
				return nil, fmt.Errorf("%s: line %d: %d fields, but the header has %d", b.Name(), line, len(rec), len(names))
			}
			d := starlark.NewDict(len(names))
			for i, f := range rec {
				_ = d.SetKey(names[i], starlark.String(f)) // a new dict, string keys
			}
			rows = append(rows, d)
		}
	}
	return starlark.NewList(rows), nil
}

// headerNames returns a header record's names, which must differ.
func headerNames(rec []string) ([]starlark.String, error) {
	names := make([]starlark.String, len(rec))
	seen := make(map[string]int, len(rec))
	for i, f := range rec {
		if j, ok := seen[f]; ok {
			return nil, fmt.Errorf("column %d of the header repeats the name %s of column %d", i+1, starlark.String(f), j+1)
		}
		seen[f] = i
		names[i] = starlark.String(f)
	}
	return names, nil
}

// readError words a parse error with its line and column.
func readError(fn string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", fn, err)
	}
	msg := fmt.Sprintf("%s: line %d, column %d: %v", fn, pe.Line, pe.Column, pe.Err)
	if pe.StartLine != pe.Line {
		msg += fmt.Sprintf(" (in the record that starts on line %d)", pe.StartLine)
	}
	return errors.New(msg)
}

// csv.write(rows, delimiter=",", header=None)
func write(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var rows starlark.Iterable
	var headerv starlark.Value = starlark.None
	delim := ","
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "rows", &rows, "delimiter?", &delim, "header?", &headerv); err != nil {
		return nil, err
	}
	comma, err := delimiter(b.Name(), delim)
	if err != nil {
		return nil, err
	}
	var header []string
	var known map[string]bool // header's names
	if headerv != starlark.None {
		if header, err = headerArg(b.Name(), headerv); err != nil {
			return nil, err
		}
		known = make(map[string]bool, len(header))
		for _, name := range header {
			known[name] = true
		}
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.Comma = comma
	put := func(rec []string) {
		if len(rec) == 1 && rec[0] == "" {
			w.Flush()
			sb.WriteString(`""` + "\n") // a bare empty line would read back as no record
			return
		}
		_ = w.Write(rec) // writes to a strings.Builder: only a bad delimiter fails, checked above
	}
	if header != nil {
		put(header)
	}
	it := rows.Iterate()
	defer it.Done()
	var row starlark.Value
	var rec []string
	for n := 1; it.Next(&row); n++ {
		if rec, err = record(rec[:0], row, header, known); err != nil {
			return nil, fmt.Errorf("%s: row %d%v", b.Name(), n, err)
		}
		put(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	return starlark.String(sb.String()), nil
}

// headerArg checks header=: a list or tuple of strings.
func headerArg(fn string, v starlark.Value) ([]string, error) {
	seq, ok := v.(starlark.Indexable)
	if _, isString := v.(starlark.String); !ok || isString {
		return nil, fmt.Errorf("%s: header: got %s, want a list of strings", fn, v.Type())
	}
	names := make([]string, seq.Len())
	for i := range names {
		s, ok := seq.Index(i).(starlark.String)
		if !ok {
			return nil, fmt.Errorf("%s: header[%d]: got %s, want string", fn, i, seq.Index(i).Type())
		}
		names[i] = string(s)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: header is empty", fn)
	}
	return names, nil
}

// record appends the fields of one row to rec. Errors start where the row
// number ends: ", column 2: ...".
func record(rec []string, row starlark.Value, header []string, known map[string]bool) ([]string, error) {
	if d, ok := row.(starlark.IterableMapping); ok {
		if header == nil {
			return nil, fmt.Errorf(" is a %s: give header=[names] for the order of its columns", row.Type())
		}
		return dictRecord(rec, d, header, known)
	}
	seq, ok := row.(starlark.Indexable)
	if _, isString := row.(starlark.String); !ok || isString {
		return nil, fmt.Errorf(": got %s, want a list or tuple of fields", row.Type())
	}
	if seq.Len() == 0 {
		return nil, errors.New(" has no fields: it would read back as a blank line, which is skipped")
	}
	for i := 0; i < seq.Len(); i++ {
		f, err := field(seq.Index(i))
		if err != nil {
			return nil, fmt.Errorf(", column %d: %v", i+1, err)
		}
		rec = append(rec, f)
	}
	return rec, nil
}

// dictRecord appends a dict row's fields in the header's order.
func dictRecord(rec []string, d starlark.IterableMapping, header []string, known map[string]bool) ([]string, error) {
	for _, kv := range d.Items() {
		if k, ok := kv[0].(starlark.String); !ok || !known[string(k)] {
			return nil, fmt.Errorf(": key %s is not in the header", kv[0])
		}
	}
	for i, name := range header {
		v, found, err := d.Get(starlark.String(name))
		if err != nil {
			return nil, fmt.Errorf(", column %d: %v", i+1, err)
		}
		if !found {
			rec = append(rec, "")
			continue
		}
		f, err := field(v)
		if err != nil {
			return nil, fmt.Errorf(", column %d (%s): %v", i+1, starlark.String(name), err)
		}
		rec = append(rec, f)
	}
	return rec, nil
}

// field returns the text of one field.
func field(v starlark.Value) (string, error) {
	switch v := v.(type) {
	case starlark.String:
		return string(v), nil
	case starlark.NoneType:
		return "", nil
	case starlark.Int, starlark.Float, starlark.Bool:
		return v.String(), nil
	}
	return "", fmt.Errorf("got %s, want a string, number, bool or None", v.Type())
}
