// Buffers sent by copy: the ExtBufferCopy ext, written by a buffer type that
// lives above this package (interp's), and read back as a buffer or a []byte.

package serialize

import (
	"fmt"

	"go.starlark.net/starlark"
)

// AppendBuffer appends data as a buffer sent by copy, the ext ExtBufferCopy
// whose payload is the bytes, and returns the extended slice. A mutable
// buffer type writes itself with it in its AppendMsgpack (see Sendable), so
// that the receiver gets a new buffer of its own rather than an immutable
// bytes: DecodeStarlarkTransfer makes one with its wrap function, DecodeGo
// returns a []byte. data longer than msgpack can describe is an error.
func AppendBuffer(dst, data []byte) ([]byte, error) {
	if len(data) > maxLen {
		return dst, fmt.Errorf("a buffer of %d bytes is longer than msgpack's limit of %d", len(data), maxLen)
	}
	return append(appendExtHeader(dst, ExtBufferCopy, len(data)), data...), nil
}

// bufferCopy reads an ExtBufferCopy payload of n bytes at r.pos into fresh
// memory (ext already checked n against the bytes left).
func (r *reader) bufferCopy(n int) []byte {
	b := append(make([]byte, 0, n), r.data[r.pos:r.pos+n]...)
	r.pos += n
	return b
}

// starlarkBuffer reads an ExtBufferCopy payload of n bytes at r.pos (found
// at off) as a new buffer, made by the decoder's wrap function.
func (r *reader) starlarkBuffer(off, n int) (starlark.Value, error) {
	if r.wrap == nil {
		return nil, r.malformed(off, "a buffer needs a decoder that makes buffers (DecodeStarlarkTransfer with a wrap function)")
	}
	if err := r.charge(off, heapSize(n)); err != nil { // what wrap makes of it aside
		return nil, err
	}
	return r.wrap(r.bufferCopy(n)), nil
}

// binBuffers returns data with every ExtBufferCopy written as a bin of the
// same bytes, for msgpack's reflection, which fills a []byte from a bin but
// knows nothing of this package's exts; and orig, which maps an offset in
// the result back to data, for errors. data must have been checked (by
// DecodeGo). Data without a copied buffer is returned as it is.
func binBuffers(data []byte) (out []byte, orig func(int) int) {
	type anchor struct{ at, from int } // out[at:] continues data[from:]
	var anchors []anchor
	r := reader{data: data, end: len(data)}
	copied := 0 // data[:copied] is in out
	for r.pos < r.end && r.next() == nil {
		// An array's or a map's elements follow its header, and a str's or
		// bin's bytes were read: only an ext's payload is left to step over,
		// whole, since only sets and addresses hold msgpack and neither can
		// hold a buffer.
		if r.tok.kind != kindExt {
			continue
		}
		if r.tok.ext == ExtBufferCopy {
			out = appendBinHeader(append(out, data[copied:r.tok.off]...), r.tok.n)
			anchors = append(anchors, anchor{len(out), r.pos})
			copied = r.pos
		}
		r.pos += r.tok.n
	}
	if anchors == nil {
		return data, func(off int) int { return off }
	}
	return append(out, data[copied:]...), func(off int) int {
		for i := len(anchors) - 1; i >= 0; i-- {
			if a := anchors[i]; off >= a.at {
				return a.from + off - a.at
			}
		}
		return off
	}
}
