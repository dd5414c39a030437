// Tests of arrays in scripts: what each operation gives, and the errors
// of bad input.

package array_test

import (
	"errors"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/array"
)

// exec runs src, which assigns r, and returns r.
func exec(t testing.TB, src string) (starlark.Value, error) {
	t.Helper()
	opts := &syntax.FileOptions{While: true, TopLevelControl: true, GlobalReassign: true}
	globals, err := starlark.ExecFileOptions(opts, &starlark.Thread{}, "t.star", src,
		starlark.StringDict{"array": array.Builtin})
	if err != nil {
		return nil, err
	}
	return globals["r"], nil
}

func TestArray(t *testing.T) {
	tests := []struct{ src, want string }{
		{`r = array("f64", 3)`, `array("f64", [0.0, 0.0, 0.0])`},
		{`r = array("i32", [3, -1, 2])`, `array("i32", [3, -1, 2])`},
		{`r = array("u8", range(3))`, `array("u8", [0, 1, 2])`},
		{`r = array("f32", (1, 2.5))`, `array("f32", [1.0, 2.5])`},
		{`r = array("i16", array("f64", [1.9, -1.9]))`, `array("i16", [1, -1])`},
		{`r = array("f64", 0)`, `array("f64", [])`},
		{`r = array("i8", range(20))`, `array("i8", [0, 1, 2, ..., 17, 18, 19])`},
		{`r = (array("f64", [1.5]).dtype, array("u16", 1).dtype)`, `("f64", "u16")`},
		// indexing, assignment, slicing, iteration
		{`a = array("i64", [1, 2, 3]); r = (a[0], a[-1], len(a))`, `(1, 3, 3)`},
		{`a = array("f64", 2); a[1] = 7; a[-2] = 0.5; r = a`, `array("f64", [0.5, 7.0])`},
		{`a = array("u8", [1, 2, 3, 4]); r = (a[1:3], a[::-1], a[::2], a[5:])`, `(array("u8", [2, 3]), array("u8", [4, 3, 2, 1]), array("u8", [1, 3]), array("u8", []))`},
		{`a = array("i32", [1, 2]); b = a[:]; b[0] = 9; r = a`, `array("i32", [1, 2])`},
		{`r = [x * 2 for x in array("i32", [1, 2])]`, `[2, 4]`},
		{`r = (bool(array("f64", 0)), bool(array("f64", 1)))`, `(False, True)`},
		// arithmetic
		{`a = array("f64", [1, 2]); r = (a + a, a - 1, 10 - a, a * 2.5, a / 4, 1 / a)`, `(array("f64", [2.0, 4.0]), array("f64", [0.0, 1.0]), array("f64", [9.0, 8.0]), array("f64", [2.5, 5.0]), array("f64", [0.25, 0.5]), array("f64", [1.0, 0.5]))`},
		{`a = array("f64", [-7, 7]); r = (a // 2, a % 3, a % -3, a / 0)`, `(array("f64", [-4.0, 3.0]), array("f64", [2.0, 1.0]), array("f64", [-1.0, -2.0]), array("f64", [-inf, +inf]))`},
		{`a = array("i32", [-7, 7]); r = (a // 2, a % 3, a % -3, a / 2, 100 // a)`, `(array("i32", [-4, 3]), array("i32", [2, 1]), array("i32", [-1, -2]), array("f64", [-3.5, 3.5]), array("i32", [-15, 14]))`},
		{`a = array("u8", [200, 55]); r = (a + array("u8", [55, 200]), a - 55, -array("i8", [5, -127]), +a)`, `(array("u8", [255, 255]), array("u8", [145, 0]), array("i8", [-5, 127]), array("u8", [200, 55]))`},
		{`r = array("f32", [16777217, 0.1])`, `array("f32", [1.6777216e+07, 0.10000000149011612])`},
		{`a = array("i64", [1]); a += 1; r = a`, `array("i64", [2])`},
		// reductions
		{`a = array("f64", [3, 1, 2]); r = (a.sum(), a.min(), a.max(), a.mean())`, `(6.0, 1.0, 3.0, 2.0)`},
		{`a = array("u8", [255, 255]); r = (a.sum(), a.min(), a.mean(), a.dot(a))`, `(510, 255, 255.0, 130050)`},
		{`a = array("i64", [9223372036854775807, 9223372036854775807]); r = (a.sum(), a.dot(a))`, `(18446744073709551614, 170141183460469231694793815568465002498)`},
		{`a = array("f64", [1, float("nan"), 0]); r = (a.min(), a.max())`, `(nan, nan)`},
		{`r = array("f64", [1, 2]).dot(array("f64", [3, 4]))`, `11.0`},
		{`r = array("f64", 0).sum()`, `0.0`},
		// sorting, conversions, fill
		{`a = array("f64", [3, float("nan"), 1, 2]); a.sort(); r = a`, `array("f64", [nan, 1.0, 2.0, 3.0])`},
		{`r = array("i8", [3, 1, 3, 0]).argsort()`, `array("i64", [3, 1, 0, 2])`},
		{`r = array("u16", [1, 2]).tolist()`, `[1, 2]`},
		{`a = array("i32", 3); a.fill(-4); r = a`, `array("i32", [-4, -4, -4])`},
		{`r = array("f64", [-1.5, 2.9]).astype("i64")`, `array("i64", [-1, 2])`},
		{`r = array("i8", [-1]).astype("f32")`, `array("f32", [-1.0])`},
		{`a = array("f64", [1]); b = a.copy(); b[0] = 2; r = (a, b)`, `(array("f64", [1.0]), array("f64", [2.0]))`},
		// histogram
		{`r = array("f64", range(100)).histogram(4)`, `array("i64", [25, 25, 25, 25])`},
		{`r = array("f64", [0, 0.5, 1, 1.5, 2, 3]).histogram(2, lo = 0, hi = 2)`, `array("i64", [2, 3])`},
		{`r = array("f64", [5, 5]).histogram(2)`, `array("i64", [0, 2])`},
		{`r = array("f64", [float("nan"), 1]).histogram(1, 0, 2)`, `array("i64", [1])`},
		{`r = array("u8", [0, 255]).histogram(2)`, `array("i64", [1, 1])`},
		// membership: elements, not indices
		{`a = array("i32", [5, 7]); r = (7 in a, 1 in a, 7.0 in a, 7.5 in a, "x" in a, 5 not in a)`, `(True, False, True, False, False, False)`},
		{`a = array("f32", [0.5]); r = (0.5 in a, 0 in a, (1 << 70) in a)`, `(True, False, False)`},
		// equality
		{`a = array("i32", [1, 2]); r = (a == array("i32", [1, 2]), a == array("i64", [1, 2]), a != array("i32", [1]))`, `(True, False, True)`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r, err := exec(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestArrayErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`array("f16", 1)`, `array: unknown dtype "f16"; want one of f64, f32, i64, i32, i16, i8, u32, u16, u8`},
		{`array("u64", 1)`, `unknown dtype "u64"`},
		{`array("f64", -1)`, `array: size must be between 0 and 536870911 for f64, got -1`},
		{`array("u8", 1 << 40)`, `array: size must be between 0 and 4294967295 for u8, got 1099511627776`},
		{`array("f64", "abc")`, `array: want a size or an iterable of numbers, not string`},
		{`array("f64", None)`, `array: want a size or an iterable of numbers, not NoneType`},
		{`array("f64")`, `array: got 1 arguments, want 2`},
		{`array("u8", [1, 300])`, `array: element 1: 300 is out of range for u8 (0..255)`},
		{`array("i8", [-129])`, `array: element 0: -129 is out of range for i8 (-128..127)`},
		{`array("i32", [1.0])`, `array: element 0: i32 elements are ints, not float`},
		{`array("f64", [1, "x"])`, `array: element 1: f64 elements are numbers, not string`},
		{`array("f64", [True])`, `array: element 0: f64 elements are numbers, not bool`},
		{`array("f32", [1e39])`, `array: element 0: 1e+39 is beyond f32's range`},
		{`array("f64", [int("1" + "0" * 400)])`, `array: element 0: int too large for f64`},
		{`array("i64", [1 << 63])`, `9223372036854775808 is out of range for i64`},
		{`array("u8", array("i32", [256]))`, `array: element 0: 256 is out of range for u8 (0..255)`},
		{`array("i32", array("f64", [float("nan")]))`, `array: element 0: NaN is out of range for i32`},
		{`array("i64", array("f64", [9.3e18]))`, `array: element 0: 9.3e+18 is out of range for i64`},
		{`a = array("u8", 2); a[0] = 256`, `array[0] = int: 256 is out of range for u8 (0..255)`},
		{`a = array("u8", 2); a[0] = -1`, `-1 is out of range for u8 (0..255)`},
		{`a = array("i32", 2); a[0] = 0.5`, `array[0] = float: i32 elements are ints, not float`},
		{`a = array("u8", 2); a[2]`, `array index 2 out of range [0:2]`},
		{`a = array("u8", 2); a[-3] = 1`, `array index -3 out of range [0:2]`},
		{`a = array("u8", 2); a["x"]`, `array index: got string, want int`},
		{`array("u8", [250]) + array("u8", [10])`, `array + array: element 0: 250 + 10 is out of range for u8 (0..255)`},
		{`array("u8", [1]) - 2`, `array - int: element 0: 1 - 2 is out of range for u8 (0..255)`},
		{`-array("u8", [1])`, `-array: element 0: 0 - 1 is out of range for u8 (0..255)`},
		{`-array("i8", [-128])`, `-array: element 0: 0 - -128 is out of range for i8 (-128..127)`},
		{`array("i64", [1 << 62]) * 4`, `array * int: element 0: 4611686018427387904 * 4 is out of range for i64`},
		{`array("i64", [-9223372036854775807 - 1]) // -1`, `array // int: element 0: -9223372036854775808 // -1 is out of range for i64`},
		{`array("i64", [9223372036854775807]) + 1`, `array + int: element 0: 9223372036854775807 + 1 is out of range for i64`},
		{`array("i64", [-9223372036854775807]) - 2`, `array - int: element 0: -9223372036854775807 - 2 is out of range for i64`},
		{`array("i32", [1, 2]) // 0`, `array // int: division by zero`},
		{`array("i32", [1, 2]) % array("i32", [1, 0])`, `array % array: element 1: division by zero`},
		{`array("i32", [1, 2]) / array("i32", [0, 1])`, `array / array: element 0: division by zero`},
		{`5 // array("u8", [1, 0])`, `int // array: element 1: division by zero`},
		{`array("i32", [1]) + 1.5`, `array + float: a float with a i32 array; convert one of them first`},
		{`array("i32", [1]) + (1 << 64)`, `array + int: 18446744073709551616 does not fit 64 bits`},
		{`array("f64", [1]) + array("f64", [1, 2])`, `array + array: lengths differ (1 and 2)`},
		{`array("f64", [1]) * array("f32", [1])`, `array * array: dtypes differ (f64 and f32); convert one with astype()`},
		{`array("f64", [1]) + "x"`, `unknown binary op: array + string`},
		{`array("f64", [1]) + [1]`, `unknown binary op: array + list`},
		{`array("f64", [1]) < array("f64", [2])`, `array < array is not supported`},
		{`~array("i32", [1])`, `unknown unary op: ~ array`},
		{`{array("f64", 1): 1}`, `unhashable type: array`},
		{`array("f64", 0).min()`, `min: the array is empty`},
		{`array("f64", 0).max()`, `max: the array is empty`},
		{`array("f64", 0).mean()`, `mean: the array is empty`},
		{`array("f64", 1).min(1)`, `min: got 1 arguments, want 0`},
		{`array("f64", 1).dot(array("f64", 2))`, `dot: lengths differ (1 and 2)`},
		{`array("f64", 1).dot(array("i64", 1))`, `dot: dtypes differ (f64 and i64)`},
		{`array("f64", 1).dot([1.0])`, `dot: for parameter 1: got list, want array`},
		{`array("u8", 1).fill(256)`, `fill: 256 is out of range for u8 (0..255)`},
		{`array("f64", 1).astype("x")`, `astype: unknown dtype "x"`},
		{`array("f64", [1e10]).astype("i32")`, `astype: element 0: 1e+10 is out of range for i32 (-2147483648..2147483647)`},
		{`array("f64", [1e300]).astype("f32")`, `astype: element 0: 1e+300 is beyond f32's range`},
		{`array("f64", 1).histogram(0)`, `histogram: bins must be between 1 and 16777216, got 0`},
		{`array("f64", 1).histogram(2, lo = 1, hi = 1)`, `histogram: lo (1) must be less than hi (1)`},
		{`array("f64", 1).histogram(2, lo = float("nan"))`, `histogram: lo must be a finite number, not nan`},
		{`array("f64", 0).histogram(2)`, `histogram: an empty array needs lo and hi`},
		{`array("f64", [float("inf")]).histogram(2)`, `histogram: the array holds nan or inf; give lo and hi`},
		{`array("f64", 1).nope`, `array has no .nope field or method`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := exec(t, "r = "+tt.src)
			if strings.HasPrefix(tt.src, "a = ") {
				_, err = exec(t, tt.src)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant an error containing %q", err, tt.want)
			}
		})
	}
}

// A frozen array (a library's) can be read but not changed or moved.
func TestFrozen(t *testing.T) {
	a := array.Of([]int32{3, 1})
	a.Freeze()
	g := starlark.StringDict{"a": a, "array": array.Builtin}
	for _, src := range []string{`a[0] = 1`, `a.fill(1)`, `a.sort()`} {
		_, err := starlark.ExecFile(&starlark.Thread{}, "t.star", src, g)
		if err == nil || !strings.Contains(err.Error(), "cannot modify a frozen array") {
			t.Errorf("%s: %v", src, err)
		}
	}
	if _, err := starlark.ExecFile(&starlark.Thread{}, "t.star", "r = (a[0], a.sum(), a + 1, sorted(a))", g); err != nil {
		t.Errorf("reading a frozen array: %v", err)
	}
	if _, err := a.TransferBytes(); err == nil || !strings.Contains(err.Error(), "frozen array") {
		t.Errorf("moving a frozen array: %v", err)
	}
}

func TestGo(t *testing.T) {
	s := []float64{1, 2}
	a := array.Of(s)
	if a.DType() != "f64" || a.Len() != 2 {
		t.Errorf("Of: %s of %d", a.DType(), a.Len())
	}
	d, err := a.Data()
	if err != nil || &d.([]float64)[0] != &s[0] {
		t.Errorf("Data: %v, %v: want s itself", d, err)
	}
	if got := array.Of[uint8](nil).String(); got != `array("u8", [])` {
		t.Errorf("Of(nil): %s", got)
	}
	if _, err := a.Detach("<address $1>"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Data(); !errors.Is(err, array.ErrDetached) {
		t.Errorf("Data after Detach: %v", err)
	}
}
