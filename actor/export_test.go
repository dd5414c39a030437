// This file exports internals that the tests of package actor_test check.

package actor

import "slices"

// CodeCache reports what node s keeps of its peers' code: the scripts of
// its compiled bundles, sorted, and the bytes the cache counts.
func CodeCache(s *System) (scripts []string, bytes int64) {
	c := &s.net.(*node).code
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.bundles {
		scripts = append(scripts, e.mod.Name())
	}
	slices.Sort(scripts)
	return scripts, c.all.bytes
}
