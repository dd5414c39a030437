// Test setup: every test and benchmark must leave no goroutine behind.

package bench_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
