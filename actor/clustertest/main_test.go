package clustertest_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor/clustertest"
)

// Etcd is clustertest.Etcd.
var Etcd = clustertest.Etcd

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, clustertest.LeakOptions()...)
}
