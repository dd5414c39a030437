// Tests of ordering, suspension, failures, policies, bounds, Close and Receive.

package mailbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/mailbox"
)

func TestPolicyString(t *testing.T) {
	for p, want := range map[mailbox.Policy]string{
		mailbox.Block: "block", mailbox.Fail: "fail", mailbox.Drop: "drop", 7: "Policy(7)",
	} {
		if got := p.String(); got != want {
			t.Errorf("Policy(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	if !errors.Is(mailbox.ErrDropped, mailbox.ErrFull) {
		t.Error("ErrDropped does not wrap ErrFull")
	}
	if got, want := mailbox.ErrDropped.Error(), "mailbox: full, message dropped to dead letters"; got != want {
		t.Errorf("ErrDropped = %q, want %q", got, want)
	}
}

func TestSystemBeforeUser(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		mb.PostUserMessage("u1")
		mb.PostSystemMessage(sys("s1"))
		if err := mb.Offer(t.Context(), "u2", 1); err != nil {
			t.Fatal(err)
		}
		mb.PostSystemMessage(sys("s2"))
		mb.PostUserMessage("u3")
		mb.PostUserMessage("u4")
		r := newRecorder(mb)
		// A system message posted while user messages wait overtakes them.
		r.onUser = func(msg any) {
			if msg == "u3" {
				mb.PostSystemMessage(sys("s3"))
			}
		}
		r.start()
		synctest.Wait()
		if got, want := r.got(), "[s1 s2 u1 u2 u3 s3 u4]"; got != want {
			t.Errorf("order = %s, want %s", got, want)
		}
	})
}

func TestSuspendResume(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		r := newRecorder(mb).start()
		mb.PostUserMessage("u1")
		synctest.Wait()
		mb.PostSystemMessage(&actor.SuspendMailbox{})
		mb.PostUserMessage("u2")
		mb.PostUserMessage("u3")
		mb.PostSystemMessage(sys("s1")) // system messages flow while suspended
		time.Sleep(time.Second)         // well past the linger
		synctest.Wait()
		if got, want := r.got(), "[u1 s1]"; got != want {
			t.Errorf("while suspended: %s, want %s", got, want)
		}
		if n := mb.UserMessageCount(); n != 2 {
			t.Errorf("UserMessageCount = %d, want 2", n)
		}
		mb.PostSystemMessage(&actor.ResumeMailbox{})
		synctest.Wait()
		if got, want := r.got(), "[u1 s1 u2 u3]"; got != want {
			t.Errorf("after resume: %s, want %s", got, want)
		}
	})
}

func TestPanicEscalates(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		r := newRecorder(mb)
		r.onUser = func(msg any) {
			if msg == "boom" {
				panic("bang")
			}
		}
		r.start()
		for _, m := range []string{"u1", "boom", "u2", "u3"} {
			mb.PostUserMessage(m)
		}
		synctest.Wait()
		if got, want := r.got(), "[u1]"; got != want {
			t.Errorf("before resume: %s, want %s", got, want)
		}
		if f := r.failed(); len(f) != 1 || f[0].reason != "bang" || f[0].msg != "boom" {
			t.Errorf("failures = %v, want [{bang boom}]", f)
		}
		if st := mb.Stats(); st.Queued != 2 {
			t.Errorf("Queued = %d while suspended, want 2", st.Queued)
		}
		mb.PostSystemMessage(&actor.ResumeMailbox{}) // what a restart does
		synctest.Wait()
		if got, want := r.got(), "[u1 u2 u3]"; got != want {
			t.Errorf("after resume: %s, want %s", got, want)
		}
	})
}

func TestSystemPanicEscalates(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		inv := &panicky{recorder: newRecorder(mb)}
		mb.RegisterHandlers(inv, nil)
		mb.PostSystemMessage(sys("bad"))
		mb.PostUserMessage("u1")
		synctest.Wait()
		if f := inv.failed(); len(f) != 1 || f[0].msg != sys("bad") {
			t.Errorf("failures = %v", f)
		}
		mb.PostSystemMessage(&actor.ResumeMailbox{})
		synctest.Wait()
		if got, want := inv.got(), "[u1]"; got != want {
			t.Errorf("log = %s, want %s", got, want)
		}
	})
}

// panicky panics on every system message.
type panicky struct{ *recorder }

func (p *panicky) InvokeSystemMessage(msg any) { panic(fmt.Sprint("system ", msg)) }

func TestFullPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy  mailbox.Policy
		want    error
		counted func(mailbox.Stats) uint64
	}{
		{mailbox.Fail, mailbox.ErrFull, func(s mailbox.Stats) uint64 { return s.Rejected }},
		{mailbox.Drop, mailbox.ErrDropped, func(s mailbox.Stats) uint64 { return s.Dropped }},
	} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			// No invoker yet, so nothing is processed and the queue fills.
			mb := mailbox.New(mailbox.Config{MaxMessages: 2, Policy: tc.policy})
			for i := range 2 {
				if err := mb.Offer(t.Context(), i, 0); err != nil {
					t.Fatal(err)
				}
			}
			for range 3 {
				if err := mb.Offer(t.Context(), "x", 0); err != tc.want {
					t.Fatalf("Offer on full = %v, want %v", err, tc.want)
				}
			}
			st := mb.Stats()
			if tc.counted(st) != 3 || st.Posted != 2 || st.Queued != 2 {
				t.Errorf("stats = %+v", st)
			}
			mb.Close()
		})
	}
}

// peerMsg is a message from another process.
type peerMsg struct{ n int }

func (peerMsg) FromPeer() {}

func TestPostUserMessageRefusesPeersWhenFull(t *testing.T) {
	for _, policy := range []mailbox.Policy{mailbox.Block, mailbox.Fail, mailbox.Drop} {
		t.Run(policy.String(), func(t *testing.T) {
			mb := mailbox.New(mailbox.Config{MaxMessages: 2, Policy: policy})
			var refused []any
			mb.OnRefused(func(m any) { refused = append(refused, m) })
			mb.PostUserMessage(peerMsg{1})
			mb.PostUserMessage(&actor.MessageEnvelope{Message: peerMsg{2}})
			mb.PostUserMessage(peerMsg{3})                                  // full: refused
			mb.PostUserMessage(&actor.MessageEnvelope{Message: peerMsg{4}}) // refused
			mb.PostUserMessage("local")                                     // protoactor's own: queued past the bound
			st := mb.Stats()
			if len(refused) != 2 || st.Queued != 3 || st.Dropped != 2 {
				t.Errorf("refused %v, stats %+v", refused, st)
			}
			mb.Close()
		})
	}
	mb := mailbox.New(mailbox.Config{MaxMessages: 1})
	for i := range 3 { // no handler: queued, as before
		mb.PostUserMessage(peerMsg{i})
	}
	if st := mb.Stats(); st.Queued != 3 {
		t.Errorf("without a handler: stats %+v", st)
	}
	mb.Close()
}

func TestBlockWaitsForRoom(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{MaxMessages: 2})
		for i := range 2 {
			if err := mb.Offer(t.Context(), i, 0); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 3)
		for i := 2; i < 5; i++ {
			go func() { errs <- mb.Offer(t.Context(), i, 0) }()
		}
		synctest.Wait()
		if len(errs) != 0 || mb.UserMessageCount() != 2 {
			t.Fatalf("senders did not block: %d returned, %d queued", len(errs), mb.UserMessageCount())
		}
		r := newRecorder(mb)
		r.onUser = func(any) {
			if n := mb.UserMessageCount(); n > 2 {
				t.Errorf("%d queued, limit 2", n)
			}
		}
		r.start()
		synctest.Wait()
		for range 3 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if st := mb.Stats(); st.Processed != 5 || st.Queued != 0 {
			t.Errorf("stats = %+v", st)
		}
	})
}

func TestBlockHonoursContext(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{MaxMessages: 1})
		if err := mb.Offer(t.Context(), 0, 0); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if err := mb.Offer(ctx, 1, 0); err != context.DeadlineExceeded {
			t.Errorf("Offer = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Offer waited %v, want 1s", d)
		}
		// An already cancelled context fails only when the mailbox is full.
		done, cancel2 := context.WithCancel(t.Context())
		cancel2()
		if err := mb.Offer(done, 2, 0); err != context.Canceled {
			t.Errorf("Offer = %v, want Canceled", err)
		}
		mb.Close()
		if err := mailbox.New(mailbox.Config{}).Offer(done, 3, 0); err != nil {
			t.Errorf("Offer with room and a done ctx = %v", err)
		}
	})
}

func TestByteLimits(t *testing.T) {
	mb := mailbox.New(mailbox.Config{MaxBytes: 10, Policy: mailbox.Fail})
	for _, step := range []struct {
		size int
		want error
	}{{6, nil}, {5, mailbox.ErrFull}, {4, nil}, {1, mailbox.ErrFull}, {0, nil}, {-3, nil}} {
		if err := mb.Offer(t.Context(), step.size, step.size); err != step.want {
			t.Errorf("Offer(size %d) = %v, want %v", step.size, err, step.want)
		}
	}
	if st := mb.Stats(); st.QueuedBytes != 10 || st.Queued != 4 || st.Rejected != 2 {
		t.Errorf("stats = %+v", st)
	}
	if got := fmt.Sprint(mb.Close()); got != "[6 4 0 -3]" {
		t.Errorf("Close = %s", got)
	}
	if st := mb.Stats(); st.QueuedBytes != 0 || st.Queued != 0 {
		t.Errorf("after Close: %+v", st)
	}
}

func TestOversizedMessageAlone(t *testing.T) {
	mb := mailbox.New(mailbox.Config{MaxBytes: 10, Policy: mailbox.Fail})
	if err := mb.Offer(t.Context(), "big", 50); err != nil {
		t.Fatalf("oversized Offer into an empty mailbox = %v, want nil", err)
	}
	if err := mb.Offer(t.Context(), "small", 1); err != mailbox.ErrFull {
		t.Errorf("Offer after the oversized one = %v, want ErrFull", err)
	}
	mb.Close()
	mb = mailbox.New(mailbox.Config{MaxBytes: 10, Policy: mailbox.Fail})
	_ = mb.Offer(t.Context(), "small", 1)
	if err := mb.Offer(t.Context(), "big", 50); err != mailbox.ErrFull {
		t.Errorf("oversized Offer into a non-empty mailbox = %v, want ErrFull", err)
	}
	mb.Close()
}

// sized is a message that reports its size to PostUserMessage.
type sized int

func (s sized) MailboxSize() int { return int(s) }

func TestPostUserMessageSizes(t *testing.T) {
	mb := mailbox.New(mailbox.Config{MaxBytes: 10, Policy: mailbox.Fail})
	mb.PostUserMessage(sized(7))
	mb.PostUserMessage(&actor.MessageEnvelope{Message: sized(5)})
	mb.PostUserMessage("plain")
	if st := mb.Stats(); st.QueuedBytes != 12 || st.Queued != 3 || st.Posted != 3 {
		t.Errorf("stats = %+v", st)
	}
	if err := mb.Offer(t.Context(), "x", 0); err != mailbox.ErrFull {
		t.Errorf("Offer past the bytes PostUserMessage took = %v, want ErrFull", err)
	}
	mb.Close()
}

func TestExactBoundsUnderConcurrency(t *testing.T) {
	const maxMsgs, maxBytes, senders, each = 4, 100, 8, 400
	mb := mailbox.New(mailbox.Config{MaxMessages: maxMsgs, MaxBytes: maxBytes, Linger: -1})
	var seen atomic.Int64
	done := make(chan struct{})
	r := newRecorder(mb)
	r.onUser = func(any) {
		if st := mb.Stats(); st.Queued > maxMsgs || st.QueuedBytes > maxBytes {
			t.Errorf("bounds exceeded: %+v", st)
		}
		if seen.Add(1) == senders*each {
			close(done)
		}
	}
	r.start()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				size := 1 + (s*each+i)%40
				if err := mb.Offer(t.Context(), i, size); err != nil {
					t.Error(err)
					return
				}
				if st := mb.Stats(); st.Queued > maxMsgs || st.QueuedBytes > maxBytes {
					t.Errorf("bounds exceeded: %+v", st)
				}
			}
		})
	}
	wg.Wait()
	<-done
	if st := mb.Stats(); st.Posted != senders*each || st.Processed != senders*each {
		t.Errorf("stats = %+v", st)
	}
}

func TestClose(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{MaxMessages: 3})
		for i := range 3 {
			_ = mb.Offer(t.Context(), i, 10)
		}
		blocked := make(chan error)
		go func() { blocked <- mb.Offer(t.Context(), "late", 1) }()
		synctest.Wait()
		if got := fmt.Sprint(mb.Close()); got != "[0 1 2]" {
			t.Errorf("Close = %s, want [0 1 2]", got)
		}
		if err := <-blocked; err != mailbox.ErrClosed {
			t.Errorf("blocked Offer = %v, want ErrClosed", err)
		}
		if err := mb.Offer(t.Context(), "after", 1); err != mailbox.ErrClosed {
			t.Errorf("Offer after Close = %v, want ErrClosed", err)
		}
		if st := mb.Stats(); st.Queued != 0 || st.QueuedBytes != 0 {
			t.Errorf("stats after Close = %+v", st)
		}
		// Closed: system messages are processed, user messages kept for Close.
		r := newRecorder(mb).start()
		mb.PostSystemMessage(sys("s1"))
		mb.PostUserMessage("kept")
		synctest.Wait()
		if got := r.got(); got != "[s1]" {
			t.Errorf("processed after Close: %s, want [s1]", got)
		}
		if got := fmt.Sprint(mb.Close()); got != "[kept]" {
			t.Errorf("second Close = %s, want [kept]", got)
		}
		if got := mb.Close(); got != nil {
			t.Errorf("third Close = %v, want nil", got)
		}
	})
}

func TestReceive(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		var pulled []any
		var errs []error
		r := newRecorder(mb)
		r.onUser = func(msg any) {
			if msg != "main" {
				return
			}
			for {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				m, err := mb.Receive(ctx)
				cancel()
				if err != nil {
					errs = append(errs, err)
					return
				}
				pulled = append(pulled, m)
			}
		}
		r.start()
		mb.PostUserMessage("main")
		mb.PostUserMessage("a") // already queued
		synctest.Wait()
		time.Sleep(100 * time.Millisecond)
		mb.PostUserMessage("b") // wakes the blocked Receive
		mb.PostSystemMessage(sys("s1"))
		time.Sleep(100 * time.Millisecond)
		if err := mb.Offer(t.Context(), "c", 1); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := fmt.Sprint(pulled); got != "[a b c]" {
			t.Errorf("pulled %s, want [a b c]", got)
		}
		if r.got() != "[]" {
			t.Errorf("the loop ran during Receive: %s", r.got())
		}
		time.Sleep(time.Second) // the Receive times out; the loop goes on
		synctest.Wait()
		if len(errs) != 1 || errs[0] != context.DeadlineExceeded {
			t.Errorf("errors = %v, want [DeadlineExceeded]", errs)
		}
		if got, want := r.got(), "[main s1]"; got != want {
			t.Errorf("log = %s, want %s", got, want)
		}
		if st := mb.Stats(); st.Processed != 4 {
			t.Errorf("Processed = %d, want 4", st.Processed)
		}
	})
}

func TestReceiveClosed(t *testing.T) {
	bubble(t, func(t *testing.T) {
		mb := mailbox.New(mailbox.Config{})
		got := make(chan error, 1)
		r := newRecorder(mb)
		r.onUser = func(any) {
			_, err := mb.Receive(context.Background())
			got <- err
		}
		r.start()
		mb.PostUserMessage("main")
		synctest.Wait()
		mb.Close()
		if err := <-got; err != mailbox.ErrClosed {
			t.Errorf("Receive = %v, want ErrClosed", err)
		}
		synctest.Wait()
	})
}

func TestReceiveOutsideProcessing(t *testing.T) {
	mb := mailbox.New(mailbox.Config{})
	mb.PostUserMessage("x")
	if _, err := mb.Receive(t.Context()); err != mailbox.ErrNotProcessing {
		t.Errorf("Receive = %v, want ErrNotProcessing", err)
	}
}
