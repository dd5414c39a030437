// This file holds `murmur run -watch`: polling the application's scripts
// and libraries and reloading those that changed into the running system.

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// watch polls the files of every script sys has loaded each interval and
// reloads those that changed (actor.System.ReloadChanged), reporting to
// stderr. stop ends it and waits for it.
func watch(sys *actor.System, interval time.Duration, stderr io.Writer, mu *sync.Mutex) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		last := "" // the last error reported: a file that does not compile is retried at every poll, and reported once
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
			reps, err := sys.ReloadChanged(rctx)
			rcancel()
			mu.Lock()
			for _, r := range reps {
				libs := ""
				if len(r.Libraries) > 0 {
					libs = " (with " + strings.Join(r.Libraries, ", ") + ")"
				}
				fmt.Fprintf(stderr, "murmur: reloaded %s%s: %d actors upgraded, %d kept the old version\n",
					r.Module.Name(), libs, r.Upgraded, len(r.Failed))
			}
			if err != nil && err.Error() != last {
				fmt.Fprintf(stderr, "murmur: %v\n", err)
			}
			last = ""
			if err != nil {
				last = err.Error()
			}
			mu.Unlock()
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}
