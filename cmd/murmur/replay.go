// This file holds `murmur replay`: running a crash recording again, offline.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/murmur-go/murmur/actor"
)

func replay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("murmur replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", time.Minute, "stop a replay that runs longer than this (a failure that was message_timeout's runs on without it)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: murmur replay [-timeout 1m] FILE

Runs a fresh instance of the script a crash recording (murmur run -record DIR)
holds, compiled from the sources in the file, through the messages and the
results of nondeterministic builtins recorded, and prints its traceback.
Exit status: 1 when the recorded failure is reproduced (same message, same
line), 3 when it is not, 2 when FILE cannot be read. Flags:
`)
		fs.PrintDefaults()
	}
	if status, done := parse(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)
	rec, err := actor.ReadRecording(file)
	if err != nil {
		fmt.Fprintf(stderr, "murmur replay: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "murmur replay: %s, actor %s: %d messages", rec.Script, rec.Actor, len(rec.Messages))
	if rec.Dropped > 0 {
		fmt.Fprintf(stderr, " (the %d before them were not kept: state they made is missing, and the replay may differ)", rec.Dropped)
	}
	fmt.Fprintln(stderr)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	err = actor.Replay(ctx, rec, actor.ReplayOptions{Print: func(msg string) { fmt.Fprintln(stdout, msg) }})
	switch {
	case rec.Reproduces(err):
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "murmur replay: reproduced the recorded failure at %s\n", rec.Position)
		return 1
	case errors.Is(err, actor.ErrReplayDiverged):
		fmt.Fprintf(stderr, "murmur replay: %v\n", err)
	case err != nil:
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "murmur replay: failed differently; the recording failed at %s with:\n%s\n", rec.Position, rec.Error)
	default:
		fmt.Fprintf(stderr, "murmur replay: ran through every message without failing; the recording failed at %s with:\n%s\n", rec.Position, rec.Error)
	}
	return 3
}
