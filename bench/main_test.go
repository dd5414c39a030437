// Test setup: every test and benchmark must leave no goroutine behind;
// -linger sets the mailboxes' linger; -metrics turns murmur's metrics on.

package bench_test

import (
	"flag"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/bench"
)

var linger = flag.Duration("linger", 0, "how long a murmur mailbox keeps its goroutine after its queue empties; zero means murmur's default, negative none")

var metrics = flag.Bool("metrics", false, "turn murmur's metrics on (an OpenTelemetry SDK provider with a reader nobody collects), to measure their cost")

func TestMain(m *testing.M) {
	flag.Parse()
	bench.Mailbox.Linger = *linger
	if *metrics {
		bench.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	}
	goleak.VerifyTestMain(m)
}
