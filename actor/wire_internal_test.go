// Internal tests of how errors cross to another node.

package actor

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorToWireKeepsTheOutermostIdentity: an actor that failed because
// it requested a missing actor answers its own requester ErrActorFailed,
// whose chain also holds ErrUnknownActor; a requester on another node must
// see the failure, not the missing actor (a pool's Map would take that for
// an item never delivered and send it again).
func TestErrorToWireKeepsTheOutermostIdentity(t *testing.T) {
	inner := fmt.Errorf("request: %w", ErrUnknownActor)
	for _, tt := range []struct {
		err  error
		want error
	}{
		{fmt.Errorf("%w: traceback: %w", ErrActorFailed, inner), ErrActorFailed},
		{fmt.Errorf("outer: %w", fmt.Errorf("%w: %w", ErrTimeout, ErrStopped)), ErrTimeout},
		{errors.Join(fmt.Errorf("a: %w", ErrNoReply), ErrStopped), ErrStopped},
		{ErrUnknownActor, ErrUnknownActor},
		{errors.New("plain"), nil},
	} {
		got := errorFromWire(errorToWire(tt.err))
		if tt.want == nil {
			for _, e := range wireErrors[1:] {
				if errors.Is(got, e) {
					t.Errorf("%v: crossed as %v", tt.err, e)
				}
			}
			continue
		}
		if !errors.Is(got, tt.want) {
			t.Errorf("%v: crossed as %v, want %v", tt.err, errors.Unwrap(got), tt.want)
		}
	}
}
