// Package wire holds the protobuf messages that cross protoactor's remote
// transport between nodes: murmur's envelopes, and the requests to a node's
// control process (Spawn, answered by SpawnAnswer, Stop, and ShipKind for
// a cluster member, answered by SpawnAnswer).
package wire

//go:generate go run gen.go
