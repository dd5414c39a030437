// This file holds the progress bar `murmur run` shows for long pmap calls.

package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress draws pmap progress on a terminal, and nothing anywhere else.
type progress struct {
	mu    sync.Mutex
	w     io.Writer // nil when stderr is not a terminal
	bar   *progressbar.ProgressBar
	total int
}

// minItems is the smallest pmap that gets a bar.
const minItems = 100

func newProgress(stderr io.Writer) *progress {
	p := &progress{}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = f
	}
	return p
}

// update is actor.Config.Progress: done of total items of a pmap are in.
func (p *progress) update(done, total int) {
	if p.w == nil || total < minItems {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil || p.total != total {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("pmap"),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		p.total = total
	}
	_ = p.bar.Set(done)
	if done == total {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// clear takes the bar off the line before the program prints.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Exit()
		p.bar = nil
	}
}
