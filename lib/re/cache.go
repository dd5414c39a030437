// This file holds the cache of compiled patterns that re's module-level
// functions share, so that re.findall(pattern, line) in a loop compiles
// pattern once.

package re

import (
	"sync"
	"sync/atomic"
)

// cacheSize is how many compiled patterns the cache keeps.
const cacheSize = 256

// cacheKey identifies a compiled pattern: its source and its flags.
type cacheKey struct {
	src   string
	flags int
}

// cacheEntry is one cached pattern and its CLOCK reference bit.
type cacheEntry struct {
	key cacheKey
	p   *Pattern
	ref atomic.Bool // used since the clock hand last passed
}

// patternCache is a bounded cache of compiled patterns, safe for concurrent
// use. A hit takes no lock (many interpreters look patterns up at once);
// when full, the CLOCK algorithm (an approximation of least recently used)
// picks the entry to evict.
type patternCache struct {
	m    sync.Map // cacheKey -> *cacheEntry
	mu   sync.Mutex
	ring []*cacheEntry // guarded by mu
	hand int           // guarded by mu
	size int
}

var cache = &patternCache{size: cacheSize}

// get returns the compiled pattern for src and flags, compiling it on a miss.
// Patterns that fail to compile are not cached.
func (c *patternCache) get(src string, flags int) (*Pattern, error) {
	k := cacheKey{src, flags}
	if v, ok := c.m.Load(k); ok {
		e := v.(*cacheEntry)
		if !e.ref.Load() {
			e.ref.Store(true)
		}
		return e.p, nil
	}
	p, err := compile(src, flags)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m.Load(k); ok { // compiled meanwhile by another interpreter
		return v.(*cacheEntry).p, nil
	}
	e := &cacheEntry{key: k, p: p}
	if len(c.ring) < c.size {
		c.ring = append(c.ring, e)
	} else {
		// Readers may set bits again behind the hand: two turns at most.
		for i := 0; i < 2*len(c.ring) && c.ring[c.hand].ref.Swap(false); i++ {
			c.hand = (c.hand + 1) % len(c.ring)
		}
		c.m.Delete(c.ring[c.hand].key)
		c.ring[c.hand] = e
		c.hand = (c.hand + 1) % len(c.ring)
	}
	c.m.Store(k, e)
	return p, nil
}

// len returns how many patterns the cache holds.
func (c *patternCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ring)
}
