// This file holds a node's cache of the code peers send: sources by content
// hash and the bundles compiled from them, bounded per peer and in total,
// least recently used out first.

package actor

import (
	"bytes"
	"cmp"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/murmur-go/murmur/interp"
)

// entryCost is what a cache entry counts beyond its bytes of source: its
// key, its record and its places in the maps and lists.
const entryCost = 512

// Defaults of NodeConfig's code cache quotas.
const (
	defaultMaxPeerSourceBytes = 16 << 20
	defaultMaxSourceBytes     = 64 << 20
	defaultMaxPeerBundles     = 64
	defaultMaxBundles         = 256
)

// codeCache keeps the sources peers sent, by content hash, and the modules
// compiled from them, by the paths and hashes of the whole bundle: a script
// is sent and compiled once per node, whatever the number of actors spawned
// from it. Each entry is charged to the peer that sent or first asked for
// it. When a peer's entries, or all of them, would pass a quota, the least
// recently used leave: sources first (they are only asked for again), then
// compiled bundles (an actor running one keeps its module).
type codeCache struct {
	maxPeerBytes, maxBytes     int64
	maxPeerBundles, maxBundles int

	mu      sync.Mutex
	sources map[string]*codeEntry         // sha256 hex -> source
	bundles map[string]*codeEntry         // bundle key -> compiled bundle
	engines map[*interp.Engine]*codeEntry // a bundle's engine -> the bundle
	all     codeUsage                     // every entry
	peers   map[string]*codeUsage         // the entries charged to each peer
}

// codeEntry is a source or a compiled bundle.
type codeEntry struct {
	key      string
	peer     string
	cost     int64
	src      []byte             // a source
	mod      *Module            // a bundle: its script
	children map[string]*Module // a bundle: the scripts its actors spawned, by path
	inAll    *list.Element      // in all.sources or all.compiled
	inPeer   *list.Element      // in the peer's
}

// codeUsage is what a set of entries costs, with the entries from the most
// recently used to the least.
type codeUsage struct {
	bytes, sourceBytes int64
	sources, compiled  list.List // of *codeEntry
}

func (c *codeCache) init(nc NodeConfig) {
	c.maxPeerBytes = cmp.Or(nc.MaxPeerSourceBytes, defaultMaxPeerSourceBytes)
	c.maxBytes = cmp.Or(nc.MaxSourceBytes, defaultMaxSourceBytes)
	c.maxPeerBundles = cmp.Or(nc.MaxPeerBundles, defaultMaxPeerBundles)
	c.maxBundles = cmp.Or(nc.MaxBundles, defaultMaxBundles)
	c.sources = make(map[string]*codeEntry)
	c.bundles = make(map[string]*codeEntry)
	c.engines = make(map[*interp.Engine]*codeEntry)
	c.peers = make(map[string]*codeUsage)
}

func hashOf(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// module returns the module for script in the bundle files (path -> hash)
// that peer asked node for, compiling it if it is not cached, or the hashes
// of the sources still missing. sent holds sources sent with the request.
func (c *codeCache) module(s *System, peer, script string, files map[string]string, sent map[string][]byte) (*Module, []string, error) {
	paths := slices.Sorted(maps.Keys(files))
	var kb strings.Builder
	kb.WriteString(script)
	for _, p := range paths {
		h := files[p]
		if h == "" {
			return nil, nil, fmt.Errorf("file %s has no content hash", p)
		}
		kb.WriteString("\x00" + p + "\x00" + h)
	}
	key := kb.String()
	got := make(map[string][]byte, len(sent))
	for h, src := range sent {
		if hashOf(src) != h {
			return nil, nil, fmt.Errorf("source %.12s… does not match its hash", h)
		}
		got[h] = bytes.Clone(src) // not the request's buffer, which the cache would keep whole
	}

	c.mu.Lock()
	if e := c.bundles[key]; e != nil {
		c.touch(e)
		c.mu.Unlock()
		return e.mod, nil, nil
	}
	fsys := make(fstest.MapFS, len(files))
	used := make(map[string][]byte, len(files)) // hash -> source, of the bundle's files
	missing := make(map[string]bool)
	for _, p := range paths {
		h := files[p]
		src, ok := got[h]
		if e := c.sources[h]; !ok && e != nil {
			src, ok = e.src, true
			c.touch(e)
		}
		if !ok {
			missing[h] = true
			continue
		}
		fsys[p] = &fstest.MapFile{Data: src}
		used[h] = src
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		return nil, slices.Sorted(maps.Keys(missing)), nil
	}
	size := int64(len(key) + entryCost)
	for _, src := range used {
		size += int64(len(src))
	}
	if err := c.fits(s.node, peer, script, size); err != nil {
		return nil, nil, err
	}

	eng, err := interp.NewEngine(interp.Options{
		FS: fsys, Strict: s.cfg.Strict, MaxSteps: s.cfg.MaxSteps, Clock: s.cfg.Clock,
		Builtins: s.cfg.Builtins, Limits: s.cfg.Limits,
	})
	if err != nil {
		return nil, nil, err
	}
	m, err := eng.Load(script)
	if err != nil {
		return nil, nil, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.bundles[key]; e != nil { // compiled meanwhile for another request
		c.touch(e)
		return e.mod, nil, nil
	}
	b := &codeEntry{key: key, peer: peer, cost: size, mod: m}
	c.makeRoom(peer, b.cost, true)
	c.add(b)
	for h, src := range used {
		c.addSource(peer, h, src)
	}
	return m, nil, nil
}

// fits returns ErrQuotaExceeded if a bundle of size cannot be cached.
func (c *codeCache) fits(node, peer, script string, size int64) error {
	quota, field, flag, whose := c.maxPeerBytes, "MaxPeerSourceBytes", "max-peer-source-bytes", "for one peer"
	if c.maxBytes < quota {
		quota, field, flag, whose = c.maxBytes, "MaxSourceBytes", "max-source-bytes", "in all"
	}
	if size <= quota {
		return nil
	}
	return fmt.Errorf("%w: %s and the libraries it loads, asked for by peer %s, need %d bytes of the code cache of node %s, "+
		"which keeps %d %s (NodeConfig.%s, -%s); start the node with a higher -%s",
		ErrQuotaExceeded, script, peer, size, node, quota, whose, field, flag, flag)
}

// addSource caches a source peer sent, if it is not cached yet and fits
// once older sources left: a source never makes a bundle leave.
func (c *codeCache) addSource(peer, hash string, src []byte) {
	if e := c.sources[hash]; e != nil {
		c.touch(e)
		return
	}
	cost := int64(len(src) + entryCost)
	var bundles int64 // the peer's bytes that no source leaving frees
	if u := c.peers[peer]; u != nil {
		bundles = u.bytes - u.sourceBytes
	}
	if bundles+cost > c.maxPeerBytes || c.all.bytes-c.all.sourceBytes+cost > c.maxBytes {
		return
	}
	c.makeRoom(peer, cost, false)
	c.add(&codeEntry{key: hash, peer: peer, cost: cost, src: src})
}

// makeRoom removes the least recently used entries until one of cost
// bytes, a bundle if bundle, fits peer's quotas and the cache's: sources
// first, and bundles only to make room for a bundle. The caller checked
// that it fits an empty cache.
func (c *codeCache) makeRoom(peer string, cost int64, bundle bool) {
	c.evict(c.usage(peer), cost, bundle, c.maxPeerBytes, c.maxPeerBundles)
	c.evict(&c.all, cost, bundle, c.maxBytes, c.maxBundles)
}

func (c *codeCache) evict(u *codeUsage, cost int64, bundle bool, maxBytes int64, maxBundles int) {
	for {
		overBytes := u.bytes+cost > maxBytes
		overBundles := bundle && u.compiled.Len()+1 > maxBundles
		var victim *list.Element
		switch {
		case overBytes && u.sources.Len() > 0:
			victim = u.sources.Back()
		case (overBytes || overBundles) && bundle && u.compiled.Len() > 0:
			victim = u.compiled.Back()
		}
		if victim == nil {
			return
		}
		c.remove(victim.Value.(*codeEntry))
	}
}

// usage returns the entries charged to peer.
func (c *codeCache) usage(peer string) *codeUsage {
	u := c.peers[peer]
	if u == nil {
		u = new(codeUsage)
		c.peers[peer] = u
	}
	return u
}

// list returns the list of u that e belongs in.
func (e *codeEntry) list(u *codeUsage) *list.List {
	if e.mod != nil {
		return &u.compiled
	}
	return &u.sources
}

func (c *codeCache) add(e *codeEntry) {
	u := c.usage(e.peer)
	e.inAll = e.list(&c.all).PushFront(e)
	e.inPeer = e.list(u).PushFront(e)
	for _, u := range []*codeUsage{&c.all, u} {
		u.bytes += e.cost
		if e.mod == nil {
			u.sourceBytes += e.cost
		}
	}
	if e.mod != nil {
		c.bundles[e.key] = e
		c.engines[e.mod.Engine()] = e
	} else {
		c.sources[e.key] = e
	}
}

func (c *codeCache) touch(e *codeEntry) {
	e.list(&c.all).MoveToFront(e.inAll)
	e.list(c.peers[e.peer]).MoveToFront(e.inPeer)
}

// remove drops e from the cache; an actor running its module keeps it.
func (c *codeCache) remove(e *codeEntry) {
	u := c.peers[e.peer]
	e.list(&c.all).Remove(e.inAll)
	e.list(u).Remove(e.inPeer)
	for _, u := range []*codeUsage{&c.all, u} {
		u.bytes -= e.cost
		if e.mod == nil {
			u.sourceBytes -= e.cost
		}
	}
	if u.bytes == 0 {
		delete(c.peers, e.peer)
	}
	if e.mod != nil {
		delete(c.bundles, e.key)
		delete(c.engines, e.mod.Engine())
	} else {
		delete(c.sources, e.key)
	}
}

// load compiles the script at path from the files of the bundle eng was
// made for (a peer's script spawning another it sent), once per bundle
// while the bundle is cached, and at each spawn once it left the cache.
func (c *codeCache) load(eng *interp.Engine, path string) (*Module, error) {
	c.mu.Lock()
	b := c.engines[eng]
	if m := b.child(path); m != nil {
		c.touch(b)
		c.mu.Unlock()
		return m, nil
	}
	c.mu.Unlock()
	m, err := eng.Load(path)
	if err != nil {
		return nil, fmt.Errorf("%w (an actor a peer started here can spawn only the scripts that peer sent with it)", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b != nil && c.engines[eng] == b {
		if b.children == nil {
			b.children = make(map[string]*Module)
		}
		b.children[m.Name()] = m // its clean path: the bundle's files bound the map
	}
	return m, nil
}

// child returns the module of path that bundle b compiled for its actors,
// if b is cached and did.
func (b *codeEntry) child(path string) *Module {
	if b == nil {
		return nil
	}
	return b.children[path]
}
