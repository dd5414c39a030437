// Queues: the unbounded FIFOs behind a mailbox, as lists of chunks.

package mailbox

import "sync"

// queue is a FIFO in a list of array chunks. A new chunk doubles the last
// one's size up to a maximum, so a small queue is small, and a large one
// grows without ever copying what it holds: copying a million-message buffer
// under the mailbox's lock would stall the processing goroutine and the
// garbage collector. The chunk a drained queue ends on is rewound and reused,
// and one exhausted chunk is kept spare, so in steady state push and pop
// allocate nothing. An emptied queue that lets its memory go (trim) gives
// first-size chunks to its shape's pool, where the next queue to start
// takes them: a message to an idle mailbox allocates no chunk.
//
// A queue is not safe for concurrent use; the mailbox guards it with its
// mutex.
type queue[T any] struct {
	head  *chunk[T] // the oldest elements
	tail  *chunk[T] // where push appends; every chunk before it is full
	spare *chunk[T] // an exhausted chunk kept for the next growth, or nil
	n     int       // number of elements
}

// shape is a kind of queue: the sizes of its chunks, the first one and the
// largest, and the pool of unused first chunks. Pooled chunks hold no
// elements; the pool lets them go at garbage collection like any sync.Pool.
type shape[T any] struct {
	lo, hi int
	first  sync.Pool // *chunk[T] with lo elements, rewound
}

// The shapes of a mailbox's queues.
var (
	userShape = &shape[entry]{lo: userMin, hi: userMax}
	sysShape  = &shape[any]{lo: sysMin, hi: sysMax}
)

// chunk is one array of a queue: elements buf[r:w] are queued.
type chunk[T any] struct {
	buf  []T
	r, w int
	next *chunk[T]
}

// push appends v. A first chunk has s.lo elements; later ones double up to
// s.hi.
func (q *queue[T]) push(v T, s *shape[T]) {
	t := q.tail
	switch {
	case t == nil:
		if c, ok := s.first.Get().(*chunk[T]); ok {
			t = c
		} else {
			t = &chunk[T]{buf: make([]T, s.lo)}
		}
		q.head, q.tail = t, t
	case t.w == len(t.buf):
		c := q.spare
		if c != nil {
			q.spare = nil
		} else {
			c = &chunk[T]{buf: make([]T, min(2*len(t.buf), s.hi))}
		}
		t.next = c
		q.tail = c
		t = c
	}
	t.buf[t.w] = v
	t.w++
	q.n++
}

// pop removes and returns the oldest element; ok is false when q is empty.
func (q *queue[T]) pop() (v T, ok bool) {
	if q.n == 0 {
		return v, false
	}
	var zero T
	c := q.head
	v = c.buf[c.r]
	c.buf[c.r] = zero // let the garbage collector have the message
	c.r++
	q.n--
	if c.r == c.w {
		c.r, c.w = 0, 0
		if c != q.tail { // exhausted, and full before: move on, keep it spare
			q.head = c.next
			c.next = nil
			if q.spare == nil || len(c.buf) > len(q.spare.buf) {
				q.spare = c
			}
		}
	}
	return v, true
}

// reset empties q and lets its memory go, giving its first-size chunks
// back to s. The caller has popped what it wanted.
func (q *queue[T]) reset(s *shape[T]) {
	for _, c := range [...]*chunk[T]{q.head, q.spare} {
		if c != nil && c.r == c.w && len(c.buf) == s.lo {
			c.r, c.w, c.next = 0, 0, nil // popped slots are already cleared
			s.first.Put(c)
		}
	}
	*q = queue[T]{}
}

// trim lets an empty queue's memory go, so that an idle mailbox holds no
// buffers.
func (q *queue[T]) trim(s *shape[T]) {
	if q.n == 0 {
		q.reset(s)
	}
}
