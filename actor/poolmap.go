// This file holds parallel map over a pool: Map, Stream, and the per-item
// errors they report.

package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/murmur-go/murmur/serialize"
)

// ItemError is the failure of one item of a Map: its index and the error
// (for a script failure, ErrActorFailed with the traceback).
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// Map sends each item to the pool's workers as a request and returns the
// answers in input order. Work is handed out as workers become free, so
// uneven items keep every worker busy. Failed items are reported together
// as an error joining one *ItemError per item (use errors.As); their slots
// in the result are nil. Cancelling ctx stops handing out items.
func (p *Pool) Map(ctx context.Context, items []any) ([]any, error) {
	results := make([]any, len(items))
	err := p.Stream(ctx, items, func(i int, v any, err error) error {
		results[i] = v
		return nil
	})
	return results, err
}

// Stream is Map that hands each answer to fn in input order as soon as it
// and those before it are in. fn runs on the caller's goroutine; an error
// from it stops the stream.
func (p *Pool) Stream(ctx context.Context, items []any, fn func(i int, v any, err error) error) error {
	bodies := make([]serialize.Payload, len(items))
	for i, it := range items {
		env, err := p.sys.encode(it)
		if err != nil {
			return &ItemError{Index: i, Err: err}
		}
		bodies[i] = env
	}
	var errs []error
	err := p.mapPayloads(ctx, bodies, 0, func(i int, answer serialize.Payload, err error) error {
		var v any
		if err == nil {
			err = p.sys.decodeInto(answer, &v)
		}
		if err != nil {
			err = &ItemError{Index: i, Err: err}
			errs = append(errs, err)
		}
		return fn(i, v, err)
	})
	return errors.Join(append(errs, err)...)
}

// undelivered reports whether a request failed without reaching a running
// worker (it had stopped, was gone, or its node was lost), not because the
// script failed on it.
func undelivered(err error) bool {
	return err != nil && !errors.Is(err, ErrActorFailed) &&
		(errors.Is(err, ErrNodeUnreachable) || errors.Is(err, ErrStopped) || errors.Is(err, ErrUnknownActor))
}

// mapWorker is the worker one goroutine of a map sends its items to.
type mapWorker struct {
	w     worker
	fresh bool // w is a replacement that has not answered yet
}

// requestItem sends item to mw's worker as a request. An item that did not
// reach it (see undelivered) is sent again to the worker that took its
// place, which becomes mw's; the error is ErrNoWorker when none did.
func (p *Pool) requestItem(ctx context.Context, mw *mapWorker, item serialize.Payload, timeout time.Duration) (serialize.Payload, error) {
	answer, err := p.sys.request(ctx, mw.w.addr, item, timeout)
	for tries := 0; tries < 3 && undelivered(err); tries++ {
		nw, rerr := p.replacement(ctx, mw.w, mw.fresh)
		if rerr != nil {
			if errors.Is(rerr, ErrNoWorker) {
				return serialize.Payload{}, rerr
			}
			break // the pool stopped, ctx is done, or no replacement came: the item fails with err
		}
		mw.w, mw.fresh = nw, true
		answer, err = p.sys.request(ctx, mw.w.addr, item, timeout)
	}
	if !undelivered(err) {
		mw.fresh = false
	}
	return answer, err
}

type mapResult struct {
	i   int
	msg serialize.Payload
	err error
}

// mapPayloads runs the requests on one goroutine per worker, each taking
// the next item when its last answer is in, and calls fn in input order.
// An item that did not reach its worker, because the worker stopped for
// good or its node was lost, is sent again to the worker that replaces it
// (so an item whose node is lost while it runs may run twice: at least
// once, as map-reduce systems re-run the tasks of a lost machine). The
// goroutine of a worker that left the pool with no replacement stops, and
// the last one to stop fails the items no one is left to take.
// Every goroutine it starts has returned when it returns.
func (p *Pool) mapPayloads(ctx context.Context, items []serialize.Payload, timeout time.Duration,
	fn func(i int, answer serialize.Payload, err error) error) error {
	ws := p.ws()
	if len(ws) == 0 {
		err := p.noWorkers()
		for i := range items {
			if err := fn(i, serialize.Payload{}, err); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next, running atomic.Int64
	running.Store(int64(len(ws)))
	out := make(chan mapResult, len(ws))
	emit := func(r mapResult) bool {
		select {
		case out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mw := &mapWorker{w: w}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				answer, err := p.requestItem(ctx, mw, items[i], timeout)
				if !emit(mapResult{i, answer, err}) {
					return
				}
				if !errors.Is(err, ErrNoWorker) {
					continue
				}
				// The worker left the pool. The others take the remaining
				// items; the last goroutine to stop so fails them.
				if running.Add(-1) > 0 {
					return
				}
				for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
					if !emit(mapResult{i, serialize.Payload{}, err}) {
						return
					}
				}
				return
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	defer func() {
		cancel()
		for range out { // let every worker goroutine finish
		}
	}()
	pending := make(map[int]mapResult)
	emitted := 0
	for r := range out {
		pending[r.i] = r
		for {
			r, ok := pending[emitted]
			if !ok {
				break
			}
			delete(pending, emitted)
			if err := fn(r.i, r.msg, r.err); err != nil {
				return err
			}
			emitted++
		}
		if emitted == len(items) {
			return nil
		}
	}
	if emitted < len(items) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("actor: map over %s stopped after %d of %d items", p.addr, emitted, len(items))
	}
	return nil
}
