package supervisor

import (
	"testing"

	"github.com/murmur-go/murmur/actortest"
)

// TestScripts runs supervisor_test.star's test_ functions, as murmur test does.
func TestScripts(t *testing.T) { actortest.RunAll(t, ".", actortest.Options{}) }
