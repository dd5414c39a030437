// Package base64 is a Starlark module that encodes bytes as base64 text
// (RFC 4648) and decodes it, on Go's encoding/base64.
//
//	base64.encode(data, urlsafe=False, padding=True)   a string
//	base64.decode(text, urlsafe=False)                 bytes
//
// data is a string (its UTF-8 bytes), bytes, or a buffer (any value with a
// Bytes() ([]byte, error) method, as murmur's buffer has). urlsafe selects
// the URL and file name alphabet (- and _ for + and /); padding=False
// leaves out the trailing "=". decode takes a string or bytes, with or
// without padding, and ignores line breaks (\r and \n) as MIME writes them;
// anything else outside the alphabet is an error naming its byte offset:
// base64.decode: invalid base64 at byte 2: '!' is not a base64 character.
//
// The functions keep no state and are safe for concurrent use.
package base64

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"github.com/murmur-go/murmur/lib/internal/bytesof"
)

// Module is the base64 module.
var Module = &starlarkstruct.Module{
	Name: "base64",
	Members: starlark.StringDict{
		"encode": starlark.NewBuiltin("base64.encode", encode),
		"decode": starlark.NewBuiltin("base64.decode", decode),
	},
}

// data returns the bytes of a string, bytes or buffer without copying
// them; the caller must not modify them.
var data = bytesof.Data

func encoding(urlsafe, padding bool) *base64.Encoding {
	switch {
	case urlsafe && padding:
		return base64.URLEncoding
	case urlsafe:
		return base64.RawURLEncoding
	case padding:
		return base64.StdEncoding
	}
	return base64.RawStdEncoding
}

// base64.encode(data, urlsafe=False, padding=True)
func encode(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	urlsafe, padding := false, true
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "data", &v, "urlsafe?", &urlsafe, "padding?", &padding); err != nil {
		return nil, err
	}
	p, err := data(b.Name(), v)
	if err != nil {
		return nil, err
	}
	enc := encoding(urlsafe, padding)
	out := make([]byte, enc.EncodedLen(len(p)))
	enc.Encode(out, p)
	return starlark.String(unsafe.String(unsafe.SliceData(out), len(out))), nil // out is not used again
}

// base64.decode(text, urlsafe=False)
func decode(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	urlsafe := false
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "text", &v, "urlsafe?", &urlsafe); err != nil {
		return nil, err
	}
	var s string
	switch v := v.(type) {
	case starlark.String:
		s = string(v)
	case starlark.Bytes:
		s = string(v)
	default:
		return nil, fmt.Errorf("%s: got %s, want string or bytes", b.Name(), v.Type())
	}
	// Padded text has a length that is a multiple of 4, line breaks aside;
	// text without padding is read by the raw encoding.
	n := len(s) - strings.Count(s, "\n") - strings.Count(s, "\r")
	padded := n%4 == 0 || strings.Contains(s, "=")
	enc := encoding(urlsafe, padded)
	out := make([]byte, enc.DecodedLen(len(s)))
	k, err := enc.Decode(out, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%s: invalid base64 at byte %d: %s", b.Name(), int64(ce), why(s, int(ce), urlsafe))
		}
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	return starlark.Bytes(unsafe.String(unsafe.SliceData(out), k)), nil // out is not used again
}

// why says what is wrong at offset i of s, where decoding failed.
func why(s string, i int, urlsafe bool) string {
	if i >= len(s) {
		return "the text ends inside a group of 4 characters"
	}
	c := s[i]
	switch {
	case c == '=':
		return "misplaced padding"
	case !urlsafe && (c == '-' || c == '_'):
		return fmt.Sprintf("%q is not in the standard alphabet (URL-safe base64? use urlsafe=True)", c)
	case urlsafe && (c == '+' || c == '/'):
		return fmt.Sprintf("%q is not in the URL-safe alphabet (standard base64? use urlsafe=False)", c)
	case c >= 0x80:
		return fmt.Sprintf("byte 0x%02x is not a base64 character", c)
	case !isBase64(c):
		return fmt.Sprintf("%q is not a base64 character", c)
	case strings.Contains(s[:i], "="):
		return "text after the padding"
	}
	return "a group of 4 characters is cut short or badly padded"
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}
