// Tests that int() with its shortcut answers as Starlark's int() does,
// results and errors, on a table of inputs and under fuzzing.

package interp

import (
	"testing"

	"go.starlark.net/starlark"
)

// sameInt calls int(args) through pyInt and through Starlark's own, and
// fails unless both give the same value or the same error.
func sameInt(t *testing.T, args starlark.Tuple, kwargs []starlark.Tuple) {
	t.Helper()
	thread := &starlark.Thread{}
	got, gerr := starlark.Call(thread, starlark.NewBuiltin("int", pyInt), args, kwargs)
	want, werr := starlark.Call(thread, universeInt, args, kwargs)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("int%v: error %v, Starlark's %v", args, gerr, werr)
	}
	if gerr == nil {
		if eq, err := starlark.Equal(got, want); err != nil || !eq {
			t.Fatalf("int%v = %v, Starlark's %v", args, got, want)
		}
	}
}

func TestInt(t *testing.T) {
	for _, s := range []string{"0", "7", "-7", "+7", "10123", "-0", "+0", "00", "007", "-", "+", "", " 1", "1 ", "1_000",
		"123456789012345678", "-123456789012345678", "1234567890123456789", "99999999999999999999", "0x1f", "1e3", "१२", "12a", "--1"} {
		t.Run(s, func(t *testing.T) { sameInt(t, starlark.Tuple{starlark.String(s)}, nil) })
	}
	for name, args := range map[string]starlark.Tuple{
		"int":        {starlark.MakeInt(5)},
		"float":      {starlark.Float(2.7)},
		"bool":       {starlark.True},
		"none":       {starlark.None},
		"no args":    {},
		"two args":   {starlark.String("ff"), starlark.MakeInt(16)},
		"base 0":     {starlark.String("0x1f"), starlark.MakeInt(0)},
		"bad base":   {starlark.String("12"), starlark.MakeInt(99)},
		"three args": {starlark.String("1"), starlark.MakeInt(10), starlark.MakeInt(1)},
	} {
		t.Run(name, func(t *testing.T) { sameInt(t, args, nil) })
	}
	t.Run("base keyword", func(t *testing.T) {
		sameInt(t, starlark.Tuple{starlark.String("12")}, []starlark.Tuple{{starlark.String("base"), starlark.MakeInt(8)}})
	})
}

func FuzzInt(f *testing.F) {
	for _, s := range []string{"0", "-12", "+3", "007", "1_0", "123456789012345678", "99999999999999999999", "0b11", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameInt(t, starlark.Tuple{starlark.String(s)}, nil)
	})
}
