// This file holds the flags of `murmur run` and `murmur node` that show a
// running system: -metrics (Prometheus's text format) and -ui (the live view).

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/observe"
)

// obsFlags are -metrics and -ui, and what they started.
type obsFlags struct {
	metrics, ui string

	prom    *observe.Prometheus
	lnM     net.Listener
	lnUI    net.Listener
	view    *observe.View
	cancel  context.CancelFunc
	servers sync.WaitGroup
}

func observeFlags(fs *flag.FlagSet) *obsFlags {
	o := &obsFlags{}
	fs.StringVar(&o.metrics, "metrics", "", "host:port to serve metrics on, in Prometheus's text format at /metrics, e.g. 127.0.0.1:9464 (loopback unless you name another interface)")
	fs.StringVar(&o.ui, "ui", "", "host:port to serve the live view of the system on, e.g. 127.0.0.1:7070 (loopback unless you name another interface)")
	return o
}

// listen opens the flags' listeners and the meter provider, before the
// system starts, so that a bad address fails the command at once.
func (o *obsFlags) listen() (err error) {
	if o.metrics != "" {
		if o.lnM, err = observe.Listen(o.metrics); err != nil {
			return fmt.Errorf("-metrics: %w", err)
		}
		if o.prom, err = observe.NewPrometheus(); err != nil {
			return err
		}
	}
	if o.ui != "" {
		if o.lnUI, err = observe.Listen(o.ui); err != nil {
			return fmt.Errorf("-ui: %w", err)
		}
	}
	return nil
}

// configure gives cfg the meter provider, if -metrics asks for one.
func (o *obsFlags) configure(cfg actor.Config) actor.Config {
	if o.prom != nil {
		cfg.MeterProvider = o.prom.Provider
	}
	return cfg
}

// serve starts serving what the flags ask for, and says where on stderr.
func (o *obsFlags) serve(sys *actor.System, stderr io.Writer) {
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	start := func(ln net.Listener, h http.Handler, what string) {
		fmt.Fprintf(stderr, "murmur: %s on http://%s\n", what, ln.Addr())
		o.servers.Add(1)
		go func() {
			defer o.servers.Done()
			if err := observe.Serve(ctx, ln, h); err != nil {
				fmt.Fprintf(stderr, "murmur: %s: %v\n", what, err)
			}
		}()
	}
	if o.lnM != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", o.prom.Handler)
		start(o.lnM, mux, "metrics at /metrics")
		o.lnM = nil
	}
	if o.lnUI != nil {
		o.view = observe.NewView(sys, observe.ViewOptions{})
		start(o.lnUI, o.view, "live view")
		o.lnUI = nil
	}
}

// close stops the servers and the view (before the system shuts down) and
// closes listeners that were never served.
func (o *obsFlags) close() {
	if o.cancel != nil {
		o.cancel()
	}
	o.servers.Wait()
	if o.view != nil {
		o.view.Close()
	}
	for _, ln := range []net.Listener{o.lnM, o.lnUI} {
		if ln != nil {
			ln.Close()
		}
	}
}

// shutdown stops the meter provider, after the system.
func (o *obsFlags) shutdown() {
	if o.prom != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = o.prom.Shutdown(ctx)
	}
}
