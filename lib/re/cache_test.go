// Tests of the pattern cache: hits share one Pattern, the size is bounded,
// and a pattern in use survives the patterns that pass through.

package re

import (
	"fmt"
	"testing"
)

func TestCacheSharesPatterns(t *testing.T) {
	c := &patternCache{size: 4}
	p1, err := c.get(`\w+`, 0)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := c.get(`\w+`, 0)
	p3, _ := c.get(`\w+`, IGNORECASE)
	if p1 != p2 {
		t.Error("the same pattern compiled twice")
	}
	if p1 == p3 {
		t.Error("patterns with other flags share an entry")
	}
	if _, err := c.get(`(`, 0); err == nil {
		t.Fatal("( compiled")
	}
	if n := c.len(); n != 2 {
		t.Errorf("cache holds %d patterns, want 2 (bad patterns are not kept)", n)
	}
}

func TestCacheEvicts(t *testing.T) {
	c := &patternCache{size: 4}
	hot, _ := c.get("hot", 0)
	for i := 0; i < 100; i++ {
		if _, err := c.get(fmt.Sprint("cold", i), 0); err != nil {
			t.Fatal(err)
		}
		if p, _ := c.get("hot", 0); p != hot {
			t.Fatalf("after %d other patterns, the pattern used each time was evicted", i+1)
		}
		if n := c.len(); n > 4 {
			t.Fatalf("cache of 4 holds %d patterns", n)
		}
	}
	if _, ok := c.m.Load(cacheKey{"cold0", 0}); ok {
		t.Error("the first pattern used once is still cached after 100 others")
	}
}
