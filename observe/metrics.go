// This file holds NewPrometheus: an OpenTelemetry meter provider whose
// metrics are served in Prometheus's text format.

package observe

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Prometheus is an OpenTelemetry meter provider and the handler that serves
// what it measures to Prometheus, with a registry of its own (never the
// process-wide default one).
type Prometheus struct {
	// Provider is what actor.Config.MeterProvider takes.
	Provider *sdkmetric.MeterProvider
	// Handler serves the metrics in Prometheus's text format.
	Handler http.Handler
}

// NewPrometheus returns a meter provider exporting to a registry of its own,
// and the handler that serves that registry.
func NewPrometheus() (*Prometheus, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("observe: prometheus exporter: %w", err)
	}
	return &Prometheus{
		Provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)),
		Handler:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: nil}),
	}, nil
}

// Shutdown stops the provider.
func (p *Prometheus) Shutdown(ctx context.Context) error {
	return p.Provider.Shutdown(ctx)
}
