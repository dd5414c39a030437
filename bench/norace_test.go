//go:build !race

// This file tells tests that the race detector is off.

package bench_test

const raceEnabled = false
