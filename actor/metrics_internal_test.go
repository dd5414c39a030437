// What the metrics hooks cost per message, off and on (the workloads'
// figures are in the report; see bench -metrics).

package actor

import (
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

func BenchmarkMetricsHook(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	m, err := newMeters(&System{}, mp)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		st   *scriptStats
	}{{"off", nil}, {"on", m.script("bench.star")}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.st.done(c.st.begin())
			}
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.st.done(c.st.begin())
				}
			})
		})
	}
}
