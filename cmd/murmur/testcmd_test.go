package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// normalize replaces what changes from run to run in murmur test's
// output: durations and actor addresses.
func normalize(s string) string {
	s = regexp.MustCompile(`\(\d+\.\d\ds\)`).ReplaceAllString(s, "(T)")
	s = regexp.MustCompile(`\t\d+\.\d{3}s`).ReplaceAllString(s, "\tT")
	return regexp.MustCompile(`<address [^>]*>`).ReplaceAllString(s, "<address>")
}

// TestTestExamples runs murmur test on every example: each test script is
// reported ok, and they are all there.
func TestTestExamples(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := cli([]string{"test", "../../examples"}, &stdout, &stderr)
	if status != 0 || stderr.Len() > 0 {
		t.Fatalf("murmur test ../../examples: status %d, stderr:\n%s\nstdout:\n%s", status, &stderr, &stdout)
	}
	scripts, err := filepath.Glob("../../examples/*/*_test.star")
	if err != nil || len(scripts) < 8 {
		t.Fatalf("examples' test scripts: %v, %v", scripts, err)
	}
	var want []string
	for _, s := range scripts {
		want = append(want, "ok  \t"+s+"\tT")
	}
	if got := normalize(stdout.String()); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// failingOutput is what murmur test prints for testdata/failing: a test
// passes, two fail on assertions and fail(), one on an actor it spawned
// (whose traceback is shown), and one waits 30 s of virtual time and passes.
const failingOutput = `--- FAIL: test_assertions (T)
    testdata/failing/failing_test.star:7: 2 != 3
    testdata/failing/failing_test.star:8: not true
    still running after the failed assertions
--- FAIL: test_fails (T)
    Traceback (most recent call last):
          testdata/failing/failing_test.star:12:9: in test_fails
        Error in fail: fail: given up
--- FAIL: test_crashed_actor (T)
    Traceback (most recent call last):
          testdata/failing/failing_test.star:16:12: in test_crashed_actor
        Error in request: actor: actor failed handling the request: <address>: Traceback (most recent call last):
          testdata/failing/crasher.star:3:12: in receive
        Error: key "boom" not in dict
    actor <address> (crasher.star) failed:
        Traceback (most recent call last):
          testdata/failing/crasher.star:3:12: in receive
        Error: key "boom" not in dict
FAIL
FAIL	testdata/failing/failing_test.star	T
FAIL
`

func TestTestCommand(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		status    int
		stdout    string // exact after normalize
		stderrHas string
	}{
		{name: "failing", args: []string{"testdata/failing"}, status: 1, stdout: failingOutput},
		{name: "run and verbose", args: []string{"-v", "-run", "passes|virtual", "testdata/failing/failing_test.star"},
			stdout: "=== RUN   test_passes\n--- PASS: test_passes (T)\n=== RUN   test_timeout_virtual\n--- PASS: test_timeout_virtual (T)\n" +
				"PASS\nok  \ttestdata/failing/failing_test.star\tT\n"},
		{name: "no match", args: []string{"-run", "nothing", "testdata/failing"},
			stdout: "ok  \ttestdata/failing/failing_test.star\tT [no tests to run]\n"},
		{name: "timeout", args: []string{"-timeout", "200ms", "testdata/spin"}, status: 1,
			stdout: "--- FAIL: test_spins (T)\n    test timed out after 200ms\nFAIL\nFAIL\ttestdata/spin/spin_test.star\tT\nFAIL\n"},
		{name: "compile error", args: []string{"testdata/broken"}, status: 2,
			stdout:    "FAIL\ttestdata/broken/broken_test.star [setup failed]\nFAIL\n",
			stderrHas: "testdata/broken/broken_test.star:4:15: undefined: undefined_name"},
		{name: "bad regexp", args: []string{"-run", "(", "testdata/failing"}, status: 2, stderrHas: "murmur test: -run: error parsing regexp"},
		{name: "not a test script", args: []string{"main.go"}, status: 2, stderrHas: "main.go: not a test script"},
		{name: "missing", args: []string{"testdata/nothing_test.star"}, status: 2, stderrHas: "testdata/nothing_test.star: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := cli(append([]string{"test"}, tt.args...), &stdout, &stderr)
			if status != tt.status {
				t.Errorf("status %d, want %d; stdout:\n%s\nstderr:\n%s", status, tt.status, &stdout, &stderr)
			}
			if got := normalize(stdout.String()); tt.stdout != "" && got != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", &stderr, tt.stderrHas)
			}
		})
	}
}

// TestTestEmptyFolder: a folder without test scripts is a usage error.
func TestTestEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if status := cli([]string{"test", dir}, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "no *_test.star script") {
		t.Errorf("murmur test on an empty folder: status %d, stderr %q", status, &stderr)
	}
}

// TestHelpListsTest checks that murmur -h lists the test command.
func TestHelpListsTest(t *testing.T) {
	var stdout bytes.Buffer
	cli([]string{"-h"}, &stdout, os.Stderr)
	if !strings.Contains(stdout.String(), "murmur test [flags] [files or folders]") {
		t.Errorf("murmur -h does not list murmur test:\n%s", &stdout)
	}
}
