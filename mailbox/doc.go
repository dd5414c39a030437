// Package mailbox provides the mailbox of a murmur actor: the queue its
// messages wait in, the bounds on that queue, and the goroutine that
// processes it.
//
// # What a Mailbox is
//
// A [Mailbox] holds two queues. User messages are what actors send each
// other; system messages are protoactor's lifecycle and supervision traffic
// (Started, Stop, Restart, Watch, Failure, ...). System messages always go
// first, and are processed even while the mailbox is suspended or closed. A
// Mailbox implements protoactor's actor.Mailbox, so it plugs into any
// protoactor actor:
//
//	g := new(mailbox.Group)
//	props := actor.PropsFromFunc(receive, actor.WithMailbox(func() actor.Mailbox {
//		return mailbox.New(mailbox.Config{MaxMessages: 1000, Policy: mailbox.Fail, Group: g})
//	}))
//	pid := system.Root.Spawn(props)
//	...
//	err := g.Wait(ctx) // after stopping the actors: every mailbox goroutine has exited
//
// # Bounds and policies
//
// [Config.MaxMessages] and [Config.MaxBytes] bound the user messages queued
// at once, by count and by bytes (as given to [Mailbox.Offer]). Zero means no
// limit; the zero Config is an unbounded mailbox. When a bounded mailbox is
// full, Offer follows [Config.Policy]:
//
//   - [Block] (the default) waits for room until the sender's context is done;
//   - [Fail] returns [ErrFull] at once and counts it in [Stats].Rejected;
//   - [Drop] returns [ErrDropped] at once and counts it in [Stats].Dropped;
//     the caller routes the message to dead letters.
//
// Admission and queueing are one atomic step, so the limits hold exactly under
// any number of concurrent senders. A message larger than MaxBytes is
// admitted only into an empty queue, so that it can be sent at all.
//
// [Mailbox.PostUserMessage] is protoactor's own path (its sends, receive
// timeouts, remote deliveries). It cannot refuse, so it skips admission; its
// messages still count, and their bytes come from [Sizer].
//
// # Scheduling: idle actors cost no goroutine
//
// A mailbox with nothing to do has no goroutine. The first message to arrive
// gets it one, which processes system messages, then user messages,
// yielding the processor every [Config.Throughput] messages. Without a
// pool, that goroutine is new: when the queues empty it lingers for
// [Config.Linger] (200µs by default), parked on a channel, and picks up
// whatever arrives meanwhile; if nothing does, it exits. Request/reply and
// ping-pong traffic therefore keep one goroutine per busy actor instead of
// starting a goroutine per message.
//
// With a [Group] whose Pool is set (an actor system's), the goroutine is a
// warm worker borrowed from the group, given back as soon as the queues
// empty, and lent to whichever mailbox next has work: its stack, grown by
// earlier messages, is kept, where a new goroutine would grow a 2 KB stack
// again on every burst (see Group for what an idle worker costs and how the
// pool bounds it). Either way a million idle actors hold no stacks: an idle
// mailbox is a struct of about 200 bytes, its buffers let go when its
// goroutine leaves. The protoactor dispatcher given to RegisterHandlers is
// ignored: the mailbox schedules itself. A Group counts these goroutines so
// that their owner can wait for all of them to exit.
//
// An actor's messages are processed one at a time, by one goroutine at a
// time, in the order each sender posted them.
//
// # Failures
//
// A panic in the invoker is recovered and reported with EscalateFailure, as
// protoactor's own mailbox does; protoactor then suspends the mailbox by a
// *actor.SuspendMailbox system message, and resumes it (*actor.ResumeMailbox)
// when the supervisor restarts or resumes the actor. User messages wait while
// the mailbox is suspended; none is lost. The message that panicked is not
// retried.
//
// # Who calls what
//
// Offer, PostUserMessage, PostSystemMessage, Close, Stats and
// UserMessageCount are safe from any goroutine. [Mailbox.Receive], a
// synchronous pull of the next user message, may be called only by the
// goroutine processing the mailbox, from inside the invoker (a script's main
// calling recv()). RegisterHandlers and Start belong to protoactor's spawn.
// [Mailbox.Close] ends the mailbox's user traffic and hands back what was
// still queued, for dead letters: Offers and a waiting Receive return
// [ErrClosed], user messages are no longer processed (system messages still
// are), and a user message that protoactor posts afterwards is kept for the
// next call to Close rather than lost.
//
// protoactor's MessageBatch is not unpacked: a batch is one message.
package mailbox
