// Tests of the chunked queue against a slice model.

package mailbox

import (
	"math/rand/v2"
	"testing"
)

func TestQueueFIFO(t *testing.T) {
	var q queue[int]
	var model []int
	small := &shape[int]{lo: 4, hi: 32}
	rng := rand.New(rand.NewPCG(1, 2))
	next := 0
	for step := range 200_000 {
		// Phases of growth and of draining, so chunks come and go.
		grow := (step/5000)%2 == 0
		if rng.IntN(10) < 6 == grow {
			q.push(next, small)
			model = append(model, next)
			next++
		} else {
			v, ok := q.pop()
			if ok != (len(model) > 0) {
				t.Fatalf("step %d: pop ok = %v with %d queued", step, ok, len(model))
			}
			if ok {
				if v != model[0] {
					t.Fatalf("step %d: pop = %d, want %d", step, v, model[0])
				}
				model = model[1:]
			}
		}
		if q.n != len(model) {
			t.Fatalf("step %d: n = %d, want %d", step, q.n, len(model))
		}
	}
}

func TestQueueSteadyStateAllocs(t *testing.T) {
	var q queue[entry]
	cycle := func() {
		for i := range 300 {
			q.push(entry{size: int64(i)}, userShape)
		}
		for range 300 {
			q.pop()
		}
	}
	for range 5 {
		cycle()
	}
	if n := testing.AllocsPerRun(100, cycle); n != 0 {
		t.Errorf("%v allocations per cycle in steady state, want 0", n)
	}
	q.trim(userShape)
	if q.head != nil || q.spare != nil {
		t.Error("trim kept buffers")
	}
}

// TestQueueReusesFirstChunk: a queue that empties and lets its memory go,
// then starts again (an actor's mailbox between bursts), allocates no new
// chunk: trim gives the chunk to the shape's pool, push takes it back.
func TestQueueReusesFirstChunk(t *testing.T) {
	var q queue[entry]
	burst := func() {
		q.push(entry{size: 1}, userShape)
		q.pop()
		q.trim(userShape)
	}
	burst()
	if q.head != nil || q.n != 0 {
		t.Fatal("trim kept a buffer")
	}
	// A collection may empty the pool now and then; a queue that
	// allocated its chunk on every burst would show 2 here.
	if n := testing.AllocsPerRun(100, burst); n >= 1 {
		t.Errorf("%v allocations per burst, want none", n)
	}
}
