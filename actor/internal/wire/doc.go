// Package wire holds the protobuf message in which murmur's envelopes cross
// protoactor's remote transport between nodes.
package wire

//go:generate go run gen.go
