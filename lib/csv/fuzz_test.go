// Fuzz test of reading and writing: no input panics, and what is read
// writes back to text that reads the same.

package csv_test

import (
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/csv"
)

func FuzzReadWrite(f *testing.F) {
	for _, seed := range []struct {
		text, delim string
		header      bool
	}{
		{"a,b,c\n1,2,3\n", ",", false},
		{"name,age\nann,31\n", ",", true},
		{"\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n", ",", false},
		{"a;b\n\n1;\"\"\n", ";", false},
		{"a,b\nc,d\"e\n", ",", false},
		{"a,a\n1,2\n", ",", true},
		{"x\ty\n", "\t", false},
		{"\"\"\n,\n \"a\"\n", ",", false},
		{"é→ü\n", "→", false},
		{"a\rb\n\"c\rd\"", ",", false},
	} {
		f.Add(seed.text, seed.delim, seed.header)
	}
	read, write := csv.Module.Members["read"], csv.Module.Members["write"]
	f.Fuzz(func(t *testing.T, text, delim string, header bool) {
		thread := &starlark.Thread{}
		kwargs := []starlark.Tuple{{starlark.String("delimiter"), starlark.String(delim)}}
		rows, err := starlark.Call(thread, read, starlark.Tuple{starlark.String(text)}, kwargs)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "csv.read: ") {
				t.Fatalf("read(%q): %v", text, err)
			}
			return
		}
		out, err := starlark.Call(thread, write, starlark.Tuple{rows}, kwargs)
		if err != nil {
			t.Fatalf("write(read(%q)) = %v", text, err)
		}
		again, err := starlark.Call(thread, read, starlark.Tuple{out}, kwargs)
		if err != nil {
			t.Fatalf("read(write(read(%q))) = %v; written %q", text, err, out)
		}
		if eq, err := starlark.Equal(rows, again); err != nil || !eq {
			t.Fatalf("%q read as %s, written as %s, read back as %s", text, rows, out, again)
		}
		if !header || rows.(*starlark.List).Len() == 0 {
			return
		}
		hkwargs := append(kwargs, starlark.Tuple{starlark.String("header"), starlark.True})
		dicts, err := starlark.Call(thread, read, starlark.Tuple{starlark.String(text)}, hkwargs)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "csv.read: line ") {
				t.Fatalf("read(%q, header=True): %v", text, err)
			}
			return
		}
		wkwargs := append(kwargs, starlark.Tuple{starlark.String("header"), rows.(*starlark.List).Index(0)})
		out, err = starlark.Call(thread, write, starlark.Tuple{dicts}, wkwargs)
		if err != nil {
			t.Fatalf("write(read(%q, header=True)) = %v", text, err)
		}
		again, err = starlark.Call(thread, read, starlark.Tuple{out}, hkwargs)
		if err != nil {
			t.Fatalf("read(write(read(%q, header=True))) = %v; written %q", text, err, out)
		}
		if eq, err := starlark.Equal(dicts, again); err != nil || !eq {
			t.Fatalf("%q read as %s, written as %s, read back as %s", text, dicts, out, again)
		}
	})
}
