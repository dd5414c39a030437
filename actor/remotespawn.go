// This file holds remote spawn: shipping a script and its libraries to
// another node by content hash, and compiling and starting it there.

package actor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// codeCache keeps the sources peers sent, by content hash, and the modules
// compiled from them, by the hash of the whole bundle: a script is sent
// and compiled once per node, whatever the number of actors spawned from it.
type codeCache struct {
	mu      sync.Mutex
	files   map[string][]byte  // sha256 hex -> source
	modules map[string]*Module // bundle key -> module
}

func (c *codeCache) init() {
	c.files = make(map[string][]byte)
	c.modules = make(map[string]*Module)
}

func hashOf(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// spawnRemote starts mod on another node, as parent's child (nil for Go's
// actors). The node is sent the content hashes of the script and its
// libraries, and the sources it does not have yet.
func (s *System) spawnRemote(ctx context.Context, parent *actorRef, node string, mod *Module,
	args serialize.Envelope, opts SpawnOptions) (Address, error) {
	if s.n == nil {
		return Address{}, fmt.Errorf("spawn %s on %s: %w", mod.Name(), node, ErrNotNode)
	}
	sources := mod.Sources()
	files := make(map[string]any, len(sources))
	byHash := make(map[string][]byte, len(sources))
	for path, src := range sources {
		h := hashOf(src)
		files[path] = h
		byHash[h] = src
	}
	req := map[string]any{
		"op": "spawn", "script": mod.Name(), "files": files, "args": args.Body,
		"name": opts.Name, "max_steps": opts.MaxSteps,
		"strategy": int64(opts.Supervision.Strategy), "max_restarts": opts.Supervision.MaxRestarts,
		"within": int64(opts.Supervision.Within), "backoff": int64(opts.Supervision.Backoff),
		"escalate":        opts.Supervision.Escalate,
		"receive_timeout": int64(opts.ReceiveTimeout), "message_timeout": int64(opts.MessageTimeout),
		"mailbox_size": opts.Mailbox.MaxMessages, "mailbox_bytes": opts.Mailbox.MaxBytes,
		"mailbox_policy": int64(opts.Mailbox.Policy),
	}
	if parent != nil {
		req["parent"] = parent.addr
	}
	to := Address{Node: node, ID: controlID}
	for attempt := 0; attempt < 2; attempt++ {
		body, err := s.cfg.Limits.EncodeGo(req)
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: %w", mod.Name(), node, err)
		}
		ans, err := s.request(ctx, to, serialize.Envelope{Body: body, Buffers: args.Buffers}, s.remoteTimeout(ctx))
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: %w", mod.Name(), node, err)
		}
		v, err := s.cfg.Limits.DecodeGo(ans.Body)
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: answer: %w", mod.Name(), node, err)
		}
		m, _ := v.(map[string]any)
		if addr, ok := m["address"].(Address); ok {
			if parent != nil && !parent.adoptRemote(addr) {
				_ = s.stopRemote(addr, parent.addr.String())
				return Address{}, fmt.Errorf("%w: %s is stopping", ErrStopped, parent.addr)
			}
			return addr, nil
		}
		missing, ok := m["missing"].([]any)
		if !ok {
			return Address{}, fmt.Errorf("spawn %s on %s: unexpected answer %v", mod.Name(), node, v)
		}
		send := make(map[string]any, len(missing))
		for _, h := range missing {
			hs, _ := h.(string)
			src, ok := byHash[hs]
			if !ok {
				return Address{}, fmt.Errorf("spawn %s on %s: node asked for unknown source %q", mod.Name(), node, hs)
			}
			send[hs] = src
		}
		req["sources"] = send
	}
	return Address{}, fmt.Errorf("spawn %s on %s: the node kept asking for sources", mod.Name(), node)
}

// spawnForPeer handles a peer's spawn request.
func (s *System) spawnForPeer(req map[string]any, buffers [][]byte, peer string) (map[string]any, error) {
	script, _ := req["script"].(string)
	if !s.n.cfg.AllowRemoteSpawn {
		return nil, fmt.Errorf("%w: node %s does not run code sent by peers (%s asked to spawn %s); "+
			"start it with --allow-remote-spawn (NodeConfig.AllowRemoteSpawn) to allow it",
			ErrRemoteSpawnRefused, s.node, peer, script)
	}
	files, _ := req["files"].(map[string]any)
	if script == "" || files == nil {
		return nil, fmt.Errorf("spawn request from %s: no script or files", peer)
	}
	if _, ok := files[script]; !ok {
		return nil, fmt.Errorf("spawn request from %s: the files do not include %s", peer, script)
	}
	sent, _ := req["sources"].(map[string]any)
	mod, missing, err := s.n.code.module(script, files, sent, s)
	if err != nil {
		return nil, fmt.Errorf("spawn %s for %s: %w", script, peer, err)
	}
	if len(missing) > 0 {
		return map[string]any{"missing": missing}, nil
	}
	opts := SpawnOptions{
		Name:     str(req["name"]),
		MaxSteps: uint64(num(req["max_steps"])),
		Supervision: Supervision{
			Strategy: Strategy(num(req["strategy"])), MaxRestarts: int(num(req["max_restarts"])),
			Within: time.Duration(num(req["within"])), Backoff: time.Duration(num(req["backoff"])),
			Escalate: req["escalate"] == true,
		},
		ReceiveTimeout: time.Duration(num(req["receive_timeout"])),
		MessageTimeout: time.Duration(num(req["message_timeout"])),
		Mailbox: mailbox.Config{MaxMessages: int(num(req["mailbox_size"])),
			MaxBytes: num(req["mailbox_bytes"]), Policy: mailbox.Policy(num(req["mailbox_policy"]))},
	}
	var args serialize.Envelope
	if b, ok := req["args"].([]byte); ok && len(b) > 0 {
		args = serialize.Envelope{Body: b, Buffers: buffers}
	}
	addr, err := s.spawn(nil, mod, args, opts, false)
	if err != nil {
		return nil, err
	}
	s.n.mu.Lock()
	if r := s.local(addr); r != nil {
		r.mu.Lock()
		if r.terminated { // stopped at once: nothing to remember
			r.mu.Unlock()
		} else {
			r.ext().guestOf = peer
			r.mu.Unlock()
			if s.n.guest[peer] == nil {
				s.n.guest[peer] = make(map[string]bool)
			}
			s.n.guest[peer][addr.ID] = true
		}
	}
	s.n.mu.Unlock()
	return map[string]any{"address": addr}, nil
}

// load compiles the script at path from the files of the bundle eng was
// made for (a peer's script spawning another it sent), once per bundle.
func (c *codeCache) load(eng *interp.Engine, path string) (*Module, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := fmt.Sprintf("%p\x00%s", eng, path)
	if m, ok := c.modules[key]; ok {
		return m, nil
	}
	m, err := eng.Load(path)
	if err != nil {
		return nil, fmt.Errorf("%w (an actor a peer started here can spawn only the scripts that peer sent with it)", err)
	}
	c.modules[key] = m
	return m, nil
}

// module returns the module for script in the bundle files (path -> hash),
// compiling it the first time, or the hashes of the sources still missing.
func (c *codeCache) module(script string, files, sent map[string]any, s *System) (*Module, []any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, v := range sent {
		src, ok := v.([]byte)
		if !ok || hashOf(src) != h {
			return nil, nil, fmt.Errorf("source %.12s… does not match its hash", h)
		}
		c.files[h] = src
	}
	paths := slices.Sorted(maps.Keys(files))
	var key strings.Builder
	key.WriteString(script)
	fsys := make(fstest.MapFS, len(files))
	var missing []any
	for _, p := range paths {
		h, _ := files[p].(string)
		key.WriteString("\x00" + p + "\x00" + h)
		src, ok := c.files[h]
		if !ok {
			missing = append(missing, h)
			continue
		}
		fsys[p] = &fstest.MapFile{Data: src}
	}
	if len(missing) > 0 {
		return nil, missing, nil
	}
	if m, ok := c.modules[key.String()]; ok {
		return m, nil, nil
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
	c.modules[key.String()] = m
	return m, nil, nil
}

func str(v any) string { s, _ := v.(string); return s }

// num reads an integer DecodeGo produced.
func num(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case uint64:
		return int64(n)
	case int:
		return int64(n)
	}
	return 0
}

// adoptRemote records a child spawned on another node; false if r is
// already stopping.
func (r *actorRef) adoptRemote(child Address) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated || r.cancelled() {
		return false
	}
	r.ext().remote = append(r.ext().remote, child)
	return true
}
