//go:build !race

// This file tells tests that the race detector is off.

package actor_test

const raceEnabled = false
