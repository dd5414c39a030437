// Package observe shows a running actor system: its metrics in Prometheus's
// text format through OpenTelemetry, and a live web view of its actors.
//
// It reads what package actor publishes (System.Snapshot and the events of
// System.Subscribe) and never reaches into the system's internals.
//
// Metrics: give actor.Config.MeterProvider the provider of NewPrometheus and
// serve its Handler where Prometheus scrapes:
//
//	prom, err := observe.NewPrometheus()
//	sys, err := actor.NewSystem(actor.Config{MeterProvider: prom.Provider})
//	http.Handle("/metrics", prom.Handler)
//
// The live view is an http.Handler a host mounts where it likes; Close it
// before the system shuts down:
//
//	view := observe.NewView(sys, observe.ViewOptions{})
//	defer view.Close()
//	http.Handle("/", view)
//
// It serves one page (from files embedded in the binary), the same data as
// JSON at /api/snapshot (taken when asked; parameters top, search and
// under), and live updates as server-sent events at /api/events (one
// report per sample). The page aggregates actors by script and lists only the top
// actors by mailbox depth, messages or failures, a search by address and one
// level of the actor tree, so that it stays usable with a million actors;
// it samples less often when a sample takes long (a microsecond per actor,
// so about a second with a million), to use at most a quarter of a core.
//
// A View's methods are safe for concurrent use.
package observe
