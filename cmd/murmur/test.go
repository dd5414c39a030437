// This file holds `murmur test`: test scripts' test_ functions, each in a
// fresh system, reported as go test reports Go tests.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/murmur-go/murmur/actortest"
)

const testUsage = `Usage: murmur test [flags] [files or folders]

Runs the top-level test_ functions of *_test.star scripts, each in a fresh
actor system on a virtual clock, with the builtins of murmur run plus assert
(assert.eq, assert.ne, assert.true, assert.lt, assert.contains, assert.fails,
assert.fail) and sleep(seconds). A folder means the test scripts in it and
below it (not in testdata); no argument means the current folder. Output
and exit status are go test's: 0 when every test passes, 1 when one fails,
2 on a usage or compile error. Flags:
`

func test(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("murmur test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runPat := fs.String("run", "", "run only the tests whose name matches this `regexp`")
	verbose := fs.Bool("v", false, "verbose: report every test and its output, passed or not")
	timeout := fs.Duration("timeout", actortest.DefaultTimeout, "fail a test that runs longer than this (wall-clock time)")
	wall := fs.Bool("wallclock", false, "run the tests' timers in real time instead of on a virtual clock")
	fs.Usage = func() {
		fmt.Fprint(stderr, testUsage)
		fs.PrintDefaults()
	}
	if status, done := parse(fs, args); done {
		return status
	}
	re, err := regexp.Compile(*runPat)
	if err != nil {
		fmt.Fprintf(stderr, "murmur test: -run: %v\n", err)
		return 2
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "murmur test: -timeout must be positive, not %v\n", *timeout)
		return 2
	}
	paths, err := testFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "murmur test: %v\n", err)
		return 2
	}
	opts := actortest.Options{Timeout: *timeout, WallClock: *wall}
	status := 0
	for _, path := range paths {
		status = max(status, testFile(path, re, *verbose, opts, stdout, stderr))
	}
	if status != 0 {
		fmt.Fprintln(stdout, "FAIL")
	}
	return status
}

// testFiles expands the arguments into test scripts.
func testFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var paths []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			if !strings.HasSuffix(a, "_test.star") {
				return nil, fmt.Errorf("%s: not a test script (its name must end in _test.star)", a)
			}
			paths = append(paths, a)
			continue
		}
		found, err := actortest.FindAll(a)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *_test.star script in it or below it", a)
		}
		paths = append(paths, found...)
	}
	return paths, nil
}

// testFile runs the tests of one script that match re and returns the
// exit status it calls for.
func testFile(path string, re *regexp.Regexp, verbose bool, opts actortest.Options, stdout, stderr io.Writer) int {
	start := time.Now()
	f, err := actortest.Load(path, opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stdout, "FAIL\t%s [setup failed]\n", path)
		return 2
	}
	ran, failed := 0, false
	for _, name := range f.Tests {
		if !re.MatchString(name) {
			continue
		}
		ran++
		if verbose {
			fmt.Fprintf(stdout, "=== RUN   %s\n", name)
		}
		res := f.Run(context.Background(), name)
		failed = failed || res.Failed
		if !res.Failed && !verbose {
			continue
		}
		word := "PASS"
		if res.Failed {
			word = "FAIL"
		}
		fmt.Fprintf(stdout, "--- %s: %s (%.2fs)\n", word, name, res.Elapsed.Seconds())
		for _, out := range res.Output {
			fmt.Fprintf(stdout, "    %s\n", strings.ReplaceAll(out, "\n", "\n        "))
		}
	}
	elapsed := time.Since(start).Seconds()
	switch {
	case failed:
		fmt.Fprintf(stdout, "FAIL\nFAIL\t%s\t%.3fs\n", path, elapsed)
		return 1
	case ran == 0:
		fmt.Fprintf(stdout, "ok  \t%s\t%.3fs [no tests to run]\n", path, elapsed)
	default:
		if verbose {
			fmt.Fprintln(stdout, "PASS")
		}
		fmt.Fprintf(stdout, "ok  \t%s\t%.3fs\n", path, elapsed)
	}
	return 0
}
