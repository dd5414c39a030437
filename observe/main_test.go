// Test setup: every test must leave no goroutine behind (chromedp's included).

package observe_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
