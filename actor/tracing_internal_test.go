// Tests of the wire form of span contexts.

package actor

import (
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestTraceWire(t *testing.T) {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled,
	})
	got := traceFrom(traceBytes(&sc))
	if got == nil || !got.Equal(sc.WithRemote(true)) {
		t.Errorf("round trip of %v = %v", sc, got)
	}
	if traceBytes(nil) != nil {
		t.Error("no span context must add no bytes")
	}
	for _, b := range [][]byte{nil, make([]byte, 24), make([]byte, 26), make([]byte, 25)} { // the last: zero ids, invalid
		if sc := traceFrom(b); sc != nil {
			t.Errorf("traceFrom(%d bytes) = %v, want nil", len(b), sc)
		}
	}
}
