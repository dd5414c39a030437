// This file holds processCPU where getrusage does not exist.

//go:build !unix

package bench

import "time"

// processCPU returns zero: this system has no getrusage.
func processCPU() time.Duration { return 0 }
