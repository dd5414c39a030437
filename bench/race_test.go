//go:build race

// This file tells tests that the race detector is on.

package bench_test

const raceEnabled = true
