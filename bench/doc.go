// Package bench holds the workloads of BENCHMARKS.md as Go benchmarks,
// murmur beside the layer it is built on:
//
//	go test ./bench -run '^$' -bench . -count 5
//
// W5 (big payload) moves a buffer between two script actors and back, by
// ownership transfer and by copy, for several sizes; its ns/move metric is
// the cost of one one-way move.
package bench
