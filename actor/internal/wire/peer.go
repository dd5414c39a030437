package wire

// FromPeer marks an envelope as one from another process: a full bounded
// mailbox refuses it instead of queueing it (mailbox.Peer).
func (*Envelope) FromPeer() {}

// MailboxSize is the bytes the envelope counts toward a mailbox's
// MaxBytes (mailbox.Sizer).
func (e *Envelope) MailboxSize() int {
	n := len(e.Body)
	for _, b := range e.Buffers {
		n += len(b)
	}
	return n
}
