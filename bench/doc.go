// Package bench holds the workloads of bench/README.md, murmur beside the
// layer it is built on: raw protoactor-go actors running Go functions, with
// protoactor's default mailbox and dispatcher and Go values as messages.
//
// One command compares them as Go benchmarks, and another prints the table
// of medians, ratios and targets (see README.md):
//
//	go test ./bench -run '^$' -bench .
//	go run ./bench/cmd/report
//
// The workloads, each a function per side that sets up a fresh system,
// times only the work, checks the answers, and shuts the system down:
//
//   - W1 spawn: SpawnMurmur and SpawnProto start n idle counter actors and
//     report the rate and the heap and RSS each actor holds (SpawnResult).
//     Each actor gets one message right after its spawn; the clock stops
//     when every actor has processed it, which proves its top level ran.
//   - W2 ping-pong: PingPongMurmur and PingPongProto bounce
//     {"n": i, "tag": "ping"} between two actors for a number of round trips.
//   - W3 fan-in: FanInMurmur and FanInProto send count small messages from
//     one producer, Go or an actor (Producer), into one counter actor, which
//     answers the last one, a request, with how many it got.
//   - W4 parallel CPU: NewPrimesMurmur and NewPrimesProto start k actors;
//     Primes.Run runs count_primes(PrimesLimit) in k of them at once.
//   - W5 big payload: MoveMurmur and MoveProto bounce a buffer between two
//     actors, by ownership transfer or by copy, and report one one-way move.
//   - W6 ring: RingMurmur and RingProto pass a token round a ring of
//     RingSize actors, each forwarding n - 1 to the next, for a number of hops.
//   - W7 spawn tree: TreeMurmur and TreeProto compute fib(n) by a tree of
//     short-lived actors (TreeActors(n) of them) and report the time and the
//     peak of actors alive (TreeResult).
//   - W2R and W3R: W2 and W3 between two processes over loopback, murmur
//     nodes beside raw protoactor remote (remote.go: StartNode, then the
//     Remote functions); not in the default report (-only R).
//   - C1 grains: GrainsRemoteMurmur and GrainsRemoteProto time grain
//     requests from a client process to grains on three cluster member
//     processes (cluster.go: StartCluster); not in the default report
//     (-only C1).
//   - T1 log job: T1Generate writes (or finds) a generated web-server log,
//     T1Murmur runs the application script of bench/t1 over it and
//     T1Python the same job in Python; each answer must equal T1Expected,
//     computed in Go. Not in the default report (-only T1).
//
// The scripts are in Scripts. In the benchmarks, ns/op is the time of one
// unit of work (an actor spawned, a round trip, a message, k runs of
// count_primes at once, a round trip of the buffer, a hop, an actor of the
// tree), without the set-up, and each adds its rate (actors/s, trips/s,
// msgs/s, hops/s) or figure (heap-B/actor, speedup, ns/move, peak-alive).
// Benchmarks never assert timings: with -benchtime 1x each runs in under two
// seconds, so that CI runs every one of them. Mailbox sets the mailboxes of
// murmur's actors in every workload (the flag -linger of the benchmarks and
// of the report sets its Linger), to compare scheduling choices.
//
// The functions are safe to call from many goroutines, but they measure
// time and memory of the whole process: run one at a time.
package bench
