// This file holds tracing through OpenTelemetry (Config.TracerProvider):
// the sender's span travels in the envelope (and across nodes in the wire
// envelope), and each message an actor processes is a span whose parent
// is the sender's.

package actor

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName is the instrumentation scope of the system's spans.
const tracerName = "github.com/murmur-go/murmur/actor"

// traced returns env carrying the span of whoever sends it: the span of
// the message the sending actor is processing (ctx is the actor's
// *actorRef), or the span in a Go caller's ctx. env is returned as it is
// when there is none or it already carries one. Only called with tracing on.
func (s *System) traced(ctx context.Context, env *envelope) *envelope {
	if env.trace != nil {
		return env
	}
	var sc trace.SpanContext
	if r, ok := ctx.(*actorRef); ok {
		if p := r.ext().span.Load(); p != nil {
			sc = *p
		}
	} else {
		sc = trace.SpanContextFromContext(ctx)
	}
	if !sc.IsValid() {
		return env
	}
	cp := *env // envelopes are shared by broadcasts: never written once sent
	cp.trace = &sc
	return &cp
}

// startSpan starts the span of the message m that r processes, as a child
// of the sender's, and makes it r's current span, which the messages r
// sends carry. It returns nil when tracing is off, at the cost of a nil
// check (it is inlined).
func (s *System) startSpan(r *actorRef, m *envelope) trace.Span {
	if s.tracer == nil {
		return nil
	}
	return s.beginSpan(r, m)
}

func (s *System) beginSpan(r *actorRef, m *envelope) trace.Span {
	ctx := context.Background()
	if m.trace != nil {
		ctx = trace.ContextWithRemoteSpanContext(ctx, *m.trace)
	}
	name := r.scriptName()
	_, span := s.tracer.Start(ctx, "receive "+name, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("murmur.script", name), attribute.String("murmur.actor", r.addr.ID),
			attribute.Bool("murmur.request", m.request)))
	sc := span.SpanContext()
	r.ext().span.Store(&sc)
	return span
}

// endSpan ends the span startSpan started, recording err, if any.
func endSpan(r *actorRef, span trace.Span, err error) {
	if span != nil {
		finishSpan(r, span, err)
	}
}

func finishSpan(r *actorRef, span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	r.ext().span.Store(nil)
	span.End()
}

// traceBytes is sc in the wire envelope's form: trace id, span id, flags.
func traceBytes(sc *trace.SpanContext) []byte {
	if sc == nil {
		return nil
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	b := make([]byte, 0, 25)
	b = append(append(append(b, tid[:]...), sid[:]...), byte(sc.TraceFlags()))
	return b
}

// traceFrom reads a span context from the wire envelope's form; nil when
// b holds none (or is not 25 bytes, as from a peer that traces otherwise).
func traceFrom(b []byte) *trace.SpanContext {
	if len(b) != 25 {
		return nil
	}
	var cfg trace.SpanContextConfig
	copy(cfg.TraceID[:], b[:16])
	copy(cfg.SpanID[:], b[16:24])
	cfg.TraceFlags, cfg.Remote = trace.TraceFlags(b[24]), true
	sc := trace.NewSpanContext(cfg)
	if !sc.IsValid() {
		return nil
	}
	return &sc
}
