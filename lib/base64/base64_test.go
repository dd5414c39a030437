// Tests of the base64 module: CPython's answers, round trips, buffers and
// bad input.

package base64_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/base64"
)

// fakeBuffer stands for murmur's buffer: a value with a Bytes method,
// which fails once it is "transferred".
type fakeBuffer struct {
	data []byte
	gone bool
}

func (b *fakeBuffer) String() string        { return "<buffer>" }
func (b *fakeBuffer) Type() string          { return "buffer" }
func (b *fakeBuffer) Freeze()               {}
func (b *fakeBuffer) Truth() starlark.Bool  { return true }
func (b *fakeBuffer) Hash() (uint32, error) { return 0, errors.New("unhashable") }
func (b *fakeBuffer) Bytes() ([]byte, error) {
	if b.gone {
		return nil, errors.New("buffer was transferred to <address $7>")
	}
	return b.data, nil
}

func eval(expr string) (starlark.Value, error) {
	return starlark.EvalOptions(&syntax.FileOptions{}, &starlark.Thread{}, "expr.star", expr, starlark.StringDict{
		"base64": base64.Module,
		"buf":    &fakeBuffer{data: []byte{0xfb, 0xff, 0x00}},
		"gone":   &fakeBuffer{gone: true},
	})
}

// answers agree with CPython's base64.b64encode, urlsafe_b64encode and
// their decoders.
var answers = []struct{ expr, want string }{
	{`base64.encode(b"hello world")`, `"aGVsbG8gd29ybGQ="`},
	{`base64.encode("hello world")`, `"aGVsbG8gd29ybGQ="`},
	{`base64.encode("hello world", padding = False)`, `"aGVsbG8gd29ybGQ"`},
	{`base64.encode(b"")`, `""`},
	{`base64.encode(b"\xfb\xff")`, `"+/8="`},
	{`base64.encode(b"\xfb\xff", urlsafe = True)`, `"-_8="`},
	{`base64.encode(b"\xfb\xff", True, False)`, `"-_8"`},
	{`base64.encode(buf)`, `"+/8A"`},
	{`base64.encode("é")`, `"w6k="`},
	{`base64.decode("aGVsbG8gd29ybGQ=")`, `b"hello world"`},
	{`base64.decode("aGVsbG8gd29ybGQ")`, `b"hello world"`},
	{`base64.decode(b"aGVsbG8gd29ybGQ=")`, `b"hello world"`},
	{`base64.decode("aGVsbG8g\nd29y\r\nbGQ=\n")`, `b"hello world"`},
	{`base64.decode("-_8=", urlsafe = True)`, `b"\xfb\xff"`},
	{`base64.decode("-_8", urlsafe = True)`, `b"\xfb\xff"`},
	{`base64.decode("+/8A")`, `b"\xfb\xff\x00"`},
	{`base64.decode("")`, `b""`},
	{`base64.decode("QQ==")`, `b"A"`},
	{`base64.decode("QQ")`, `b"A"`},
	{`base64.decode("QUI=")`, `b"AB"`},
	{`base64.decode("QUJD")`, `b"ABC"`},
	{`base64.decode(base64.encode("round trip ☃", urlsafe = True, padding = False), urlsafe = True)`, `b"round trip ☃"`},
}

func TestAnswers(t *testing.T) {
	for _, c := range answers {
		v, err := eval(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("%s = %s, want %s", c.expr, got, c.want)
		}
	}
}

// TestRoundTrip encodes and decodes every length up to 70 in every mode.
func TestRoundTrip(t *testing.T) {
	const script = `
def check():
    for n in range(70):
        data = bytes([(i * 37 + n) % 256 for i in range(n)])
        for urlsafe in [False, True]:
            for padding in [False, True]:
                text = base64.encode(data, urlsafe = urlsafe, padding = padding)
                if base64.decode(text, urlsafe = urlsafe) != data:
                    fail(n, urlsafe, padding, text)
check()
`
	globals := starlark.StringDict{"base64": base64.Module, "bytes": starlark.NewBuiltin("bytes", bytesOfInts)}
	if _, err := starlark.ExecFile(&starlark.Thread{}, "roundtrip.star", script, globals); err != nil {
		t.Fatal(err)
	}
}

// bytesOfInts is bytes(list of ints), which Starlark's bytes lacks.
func bytesOfInts(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var l *starlark.List
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &l); err != nil {
		return nil, err
	}
	out := make([]byte, l.Len())
	for i := range out {
		n, err := starlark.AsInt32(l.Index(i))
		if err != nil {
			return nil, err
		}
		out[i] = byte(n)
	}
	return starlark.Bytes(out), nil
}

var badInput = []struct{ expr, want string }{
	{`base64.encode(1)`, `base64.encode: got int, want string, bytes or buffer`},
	{`base64.encode(gone)`, `base64.encode: buffer was transferred to <address $7>`},
	{`base64.encode(b"a", urlsafe = 1)`, `base64.encode: for parameter "urlsafe": got int, want bool`},
	{`base64.encode()`, `base64.encode: missing argument for data`},
	{`base64.decode(buf)`, `base64.decode: got buffer, want string or bytes`},
	{`base64.decode("QU!D")`, `base64.decode: invalid base64 at byte 2: '!' is not a base64 character`},
	{`base64.decode("aGVs\nbG8!")`, `invalid base64 at byte 8: '!' is not a base64 character`},
	{`base64.decode("-_8=")`, `invalid base64 at byte 0: '-' is not in the standard alphabet (URL-safe base64? use urlsafe=True)`},
	{`base64.decode("+/8=", urlsafe = True)`, `invalid base64 at byte 0: '+' is not in the URL-safe alphabet (standard base64? use urlsafe=False)`},
	{`base64.decode("Q")`, `invalid base64 at byte 0: a group of 4 characters is cut short or badly padded`},
	{`base64.decode("QQ=")`, `invalid base64 at byte 3: the text ends inside a group of 4 characters`},
	{`base64.decode("QQ==QQ==")`, `invalid base64 at byte 4: text after the padding`},
	{`base64.decode("=QQ=")`, `invalid base64 at byte 0: misplaced padding`},
	{`base64.decode("QUJDé")`, `invalid base64 at byte 4: byte 0xc3 is not a base64 character`},
	{`base64.decode("QQ== ")`, `invalid base64 at byte 4: ' ' is not a base64 character`},
}

func TestBadInput(t *testing.T) {
	for _, c := range badInput {
		v, err := eval(c.expr)
		if err == nil {
			t.Errorf("%s = %s, want an error containing %q", c.expr, v, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.expr, err, c.want)
		}
	}
}

func Example() {
	const script = `
token = base64.encode(b"\x00\x01\xfe\xff", urlsafe = True, padding = False)
print(token)
print(repr(base64.decode(token, urlsafe = True)))
print(base64.encode("murmur"))
`
	thread := &starlark.Thread{Print: func(_ *starlark.Thread, msg string) { fmt.Println(msg) }}
	if _, err := starlark.ExecFile(thread, "example.star", script, starlark.StringDict{"base64": base64.Module}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// AAH-_w
	// b"\x00\x01\xfe\xff"
	// bXVybXVy
}
