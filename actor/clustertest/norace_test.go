//go:build !race

// This file tells tests that the race detector is off.

package clustertest_test

const raceEnabled = false
