// This file holds int(), Starlark's own with a shortcut for the call text
// jobs make per line: int of a string of decimal digits.

package interp

import "go.starlark.net/starlark"

// universeInt is Starlark's int(), which pyInt calls for all but the
// shortcut.
var universeInt = starlark.Universe["int"].(*starlark.Builtin)

// pyInt is int(x, base=10). A string of up to 18 decimal digits, with a
// sign or not, is parsed here; Starlark parses every string through
// math/big, a tenth of the CPU of a log job that counts bytes (bench's
// T1). Anything else, and every error, is Starlark's int().
func pyInt(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 1 && len(kwargs) == 0 {
		if s, ok := args[0].(starlark.String); ok {
			if n, ok := decimal(string(s)); ok {
				return starlark.MakeInt64(n), nil
			}
		}
	}
	return universeInt.CallInternal(thread, args, kwargs)
}

// decimal parses s, an optional sign then 1 to 18 decimal digits without
// a leading zero (or "0" alone); ok is false for anything else.
func decimal(s string) (n int64, ok bool) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) == 0 || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	if neg {
		n = -n
	}
	return n, true
}
