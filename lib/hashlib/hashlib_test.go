// Tests of the hashlib module: known digests, incremental hashing, copies,
// frozen objects, buffers, bad input and concurrent use.

package hashlib_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/lib/hashlib"
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
		"hashlib": hashlib.Module,
		"buf":     &fakeBuffer{data: []byte("hello world")},
		"gone":    &fakeBuffer{gone: true},
	})
}

// answers are digests from CPython's hashlib and zlib.crc32, and FNV-1a's
// published test vectors.
var answers = []struct{ expr, want string }{
	{`hashlib.sha256(b"abc").hexdigest()`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
	{`hashlib.sha256("abc").hexdigest()`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
	{`hashlib.sha256().hexdigest()`, `"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`},
	{`hashlib.sha256(buf).hexdigest()`, `"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"`},
	{`hashlib.sha1(b"abc").hexdigest()`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
	{`hashlib.sha1(data = "hello world").hexdigest()`, `"2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"`},
	{`hashlib.md5(b"abc").hexdigest()`, `"900150983cd24fb0d6963f7d28e17f72"`},
	{`hashlib.md5(buf).hexdigest()`, `"5eb63bbbe01eeed093cb22bb8f5acdc3"`},
	{`hashlib.crc32(b"abc").hexdigest()`, `"352441c2"`},
	{`hashlib.crc32("123456789").hexdigest()`, `"cbf43926"`},
	{`hashlib.crc32().hexdigest()`, `"00000000"`},
	{`hashlib.crc32("hello world").digest()`, `b"\rJ\x11\x85"`},
	{`hashlib.fnv64().hexdigest()`, `"cbf29ce484222325"`},
	{`hashlib.fnv64("a").hexdigest()`, `"af63dc4c8601ec8c"`},
	{`hashlib.fnv64("foobar").hexdigest()`, `"85944171f73967e8"`},
	{`int(hashlib.fnv64("foobar").hexdigest(), 16)`, `9625390261332436968`},
	{`len(hashlib.sha256("x").digest())`, `32`},
	{`[hashlib.sha256().digest_size, hashlib.sha1().digest_size, hashlib.md5().digest_size, hashlib.crc32().digest_size, hashlib.fnv64().digest_size]`, `[32, 20, 16, 4, 8]`},
	{`hashlib.sha256().block_size`, `64`},
	{`hashlib.md5().name`, `"md5"`},
	{`str(hashlib.md5())`, `"<md5 hash object>"`},
	{`type(hashlib.md5())`, `"hashlib.hash"`},
	{`hashlib.sha256(b"\x7f\x00é").hexdigest() == hashlib.sha256("\x7f\x00é").hexdigest()`, `True`},
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

// TestIncremental checks update and copy against one-shot digests.
func TestIncremental(t *testing.T) {
	const script = `
def check(name):
    f = getattr(hashlib, name)
    h = f(b"hello")
    c = h.copy()
    h.update(" ")
    h.update(buf)
    if h.hexdigest() != f("hello hello world").hexdigest():
        fail(name, "update", h.hexdigest())
    if c.hexdigest() != f("hello").hexdigest():
        fail(name, "copy changed with the original")
    c.update(" world")
    if c.digest() != f("hello world").digest():
        fail(name, "copy", c.hexdigest())
    if h.hexdigest() != h.hexdigest():
        fail(name, "hexdigest changes the state")

for name in ["sha256", "sha1", "md5", "crc32", "fnv64"]:
    check(name)
`
	_, err := starlark.ExecFileOptions(&syntax.FileOptions{TopLevelControl: true}, &starlark.Thread{}, "incremental.star", script,
		starlark.StringDict{"hashlib": hashlib.Module, "buf": &fakeBuffer{data: []byte("hello world")}})
	if err != nil {
		t.Fatal(err)
	}
}

var badInput = []struct{ expr, want string }{
	{`hashlib.sha256(1)`, `hashlib.sha256: got int, want string, bytes or buffer`},
	{`hashlib.sha256(None)`, `hashlib.sha256: got NoneType, want string, bytes or buffer`},
	{`hashlib.md5([1])`, `hashlib.md5: got list, want string, bytes or buffer`},
	{`hashlib.sha1(gone)`, `hashlib.sha1: buffer was transferred to <address $7>`},
	{`hashlib.sha256().update(gone)`, `update: buffer was transferred`},
	{`hashlib.sha256().update()`, `update: got 0 arguments, want 1`},
	{`hashlib.sha256().update(b"a", b"b")`, `update: got 2 arguments, want 1`},
	{`hashlib.sha256().update(3.5)`, `update: got float, want string, bytes or buffer`},
	{`hashlib.sha256(b"a", b"b")`, `hashlib.sha256: got 2 arguments, want at most 1`},
	{`hashlib.sha256(date = b"a")`, `hashlib.sha256: unexpected keyword argument "date"`},
	{`hashlib.sha256().hexdigest(1)`, `hexdigest: got 1 arguments, want 0`},
	{`hashlib.sha256().nope`, `hashlib.hash has no .nope field or method`},
	{`hashlib.sha512`, `module has no .sha512 field or method`},
	{`{hashlib.md5(): 1}`, `unhashable type: hashlib.hash`},
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

// TestFrozen checks that a frozen hash object refuses updates, and that
// many interpreters may read it and hash at once (go test -race).
func TestFrozen(t *testing.T) {
	h, err := eval(`hashlib.sha256(b"abc")`)
	if err != nil {
		t.Fatal(err)
	}
	h.Freeze()
	globals := starlark.StringDict{"h": h, "hashlib": hashlib.Module}
	if _, err := starlark.EvalOptions(&syntax.FileOptions{}, &starlark.Thread{}, "f.star", `h.update(b"x")`, globals); err == nil ||
		!strings.Contains(err.Error(), "update: cannot update a frozen sha256 hash object") {
		t.Fatalf("update of a frozen hash object: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			expr := fmt.Sprintf(`[h.hexdigest() == hashlib.sha256(b"abc").hexdigest(), h.copy().hexdigest(), hashlib.fnv64(str(%d)).hexdigest()]`, w)
			for i := 0; i < 200; i++ {
				v, err := starlark.EvalOptions(&syntax.FileOptions{}, &starlark.Thread{}, "f.star", expr, globals)
				if err != nil {
					errs <- err
					return
				}
				if l := v.(*starlark.List); l.Index(0) != starlark.True {
					errs <- fmt.Errorf("%s: %s", expr, v)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func Example() {
	const script = `
print(hashlib.sha256(b"abc").hexdigest())
h = hashlib.md5()
for chunk in ["hello", " ", "world"]:
    h.update(chunk)
print(h.hexdigest())
shard = int(hashlib.fnv64("user:42").hexdigest(), 16) % 8
print(shard)
`
	thread := &starlark.Thread{Print: func(_ *starlark.Thread, msg string) { fmt.Println(msg) }}
	if _, err := starlark.ExecFileOptions(&syntax.FileOptions{TopLevelControl: true}, thread, "example.star", script, starlark.StringDict{"hashlib": hashlib.Module}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
	// 5eb63bbbe01eeed093cb22bb8f5acdc3
	// 2
}
