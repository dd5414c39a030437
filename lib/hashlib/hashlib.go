// Package hashlib is a Starlark module of hash functions in the shape of
// Python's hashlib: sha256, sha1 and md5, and the non-cryptographic crc32
// (IEEE) and fnv64 (FNV-1a, 64 bits) for checksums and sharding.
//
//	h = hashlib.sha256(data=b"")   a hash object (also sha1, md5, crc32, fnv64)
//	h.update(data)                 hashes more data; returns None
//	h.hexdigest()                  the digest as lowercase hex: a string
//	h.digest()                     the digest as bytes
//	h.copy()                       a hash object with the same state
//	h.name, h.digest_size, h.block_size
//
// so hashlib.sha256(b"abc").hexdigest() is "ba7816bf...15ad". Data is a
// string (its UTF-8 bytes), bytes, or a buffer (any value with a
// Bytes() ([]byte, error) method, as murmur's buffer has); it is read in
// place, never copied. crc32 and fnv64 digests are big-endian, so
// int(hashlib.fnv64(key).hexdigest(), 16) is the number itself.
//
// The module is named hashlib, not hash, because hash(x) is a builtin
// function of Starlark (and Python) that a module of that name would hide.
//
// The module's functions are safe for concurrent use. A hash object
// belongs to the interpreter that made it, as a list does; frozen (in a
// library's globals) it can no longer be updated, and every interpreter may
// read its digest at once.
package hashlib

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/fnv"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"github.com/murmur-go/murmur/lib/internal/bytesof"
)

// Module is the hashlib module.
var Module = &starlarkstruct.Module{
	Name: "hashlib",
	Members: starlark.StringDict{
		"sha256": constructor("sha256", sha256.New),
		"sha1":   constructor("sha1", sha1.New),
		"md5":    constructor("md5", md5.New),
		"crc32":  constructor("crc32", func() hash.Hash { return crc32.NewIEEE() }),
		"fnv64":  constructor("fnv64", func() hash.Hash { return fnv.New64a() }),
	},
}

// data returns the bytes of a string, bytes or buffer without copying
// them; the caller must not modify them.
var data = bytesof.Data

// constructor returns the module function that makes a hash object.
func constructor(name string, newHash func() hash.Hash) *starlark.Builtin {
	return starlark.NewBuiltin("hashlib."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var arg starlark.Value
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "data?", &arg); err != nil {
			return nil, err
		}
		h := &Hash{name: name, h: newHash()}
		if arg != nil {
			p, err := data(b.Name(), arg)
			if err != nil {
				return nil, err
			}
			h.h.Write(p) // never fails
		}
		return h, nil
	})
}

// Hash is a hash object: the running state of one hash function. A Hash
// is used by one interpreter at a time; once frozen it is immutable.
type Hash struct {
	name   string
	h      hash.Hash // each of the module's implements hash.Cloner
	frozen bool
}

var _ starlark.HasAttrs = (*Hash)(nil)

func (h *Hash) String() string        { return fmt.Sprintf("<%s hash object>", h.name) }
func (h *Hash) Type() string          { return "hashlib.hash" }
func (h *Hash) Freeze()               { h.frozen = true }
func (h *Hash) Truth() starlark.Bool  { return true }
func (h *Hash) Hash() (uint32, error) { return 0, errors.New("unhashable type: hashlib.hash") }

var hashMethods = map[string]*starlark.Builtin{
	"update":    starlark.NewBuiltin("update", hashUpdate),
	"hexdigest": starlark.NewBuiltin("hexdigest", hashHexdigest),
	"digest":    starlark.NewBuiltin("digest", hashDigest),
	"copy":      starlark.NewBuiltin("copy", hashCopy),
}

func (h *Hash) Attr(name string) (starlark.Value, error) {
	switch name {
	case "name":
		return starlark.String(h.name), nil
	case "digest_size":
		return starlark.MakeInt(h.h.Size()), nil
	case "block_size":
		return starlark.MakeInt(h.h.BlockSize()), nil
	}
	if b, ok := hashMethods[name]; ok {
		return b.BindReceiver(h), nil
	}
	return nil, nil
}

func (h *Hash) AttrNames() []string {
	return []string{"block_size", "copy", "digest", "digest_size", "hexdigest", "name", "update"}
}

// update(data): hashes data after what came before.
func hashUpdate(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	h := b.Receiver().(*Hash)
	var arg starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &arg); err != nil {
		return nil, err
	}
	if h.frozen {
		return nil, fmt.Errorf("%s: cannot update a frozen %s hash object", b.Name(), h.name)
	}
	p, err := data(b.Name(), arg)
	if err != nil {
		return nil, err
	}
	h.h.Write(p) // never fails
	return starlark.None, nil
}

// hexdigest(): the digest of the data so far, in hex.
func hashHexdigest(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	h := b.Receiver().(*Hash)
	var sum [sha256.Size]byte
	return starlark.String(hex.EncodeToString(h.h.Sum(sum[:0]))), nil
}

// digest(): the digest of the data so far, as bytes.
func hashDigest(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	h := b.Receiver().(*Hash)
	var sum [sha256.Size]byte
	return starlark.Bytes(h.h.Sum(sum[:0])), nil
}

// copy(): an unfrozen hash object with the same state.
func hashCopy(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	h := b.Receiver().(*Hash)
	c, err := h.h.(hash.Cloner).Clone()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	return &Hash{name: h.name, h: c.(hash.Hash)}, nil
}
