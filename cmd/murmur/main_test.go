package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if binDir != "" {
			os.RemoveAll(binDir) // the binary nodes_test.go built
		}
		os.Exit(code)
	}))
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		status     int
		stdout     string   // exact, when not empty
		stderr     string   // exact, when not empty
		stderrHas  []string // substrings of stderr
		stdoutHas  []string
		stderrNone bool
	}{
		{name: "hello", args: []string{"run", "testdata/hello.star", "a", "b"}, stdout: "hello [\"a\", \"b\"]\n", stderrNone: true},
		{name: "syntax error", args: []string{"run", "testdata/syntax.star"}, status: 1,
			stderrHas: []string{"testdata/syntax.star:3:10: got identifier, want ']'"}},
		{name: "runtime error", args: []string{"run", "testdata/runtime.star"}, status: 1,
			stdout: "about to fail\n",
			stderrHas: []string{"Traceback (most recent call last):", "testdata/runtime.star:3:10: in main",
				"testdata/runtime.star:7:13: in check", "Error in fail: fail: no arguments given"}},
		{name: "step limit", args: []string{"run", "-max-steps", "5000", "testdata/spin.star"}, status: 1,
			stderrHas: []string{"exceeded the step limit of 5000 steps", "testdata/spin.star:1:1: in main"}},
		{name: "timeout", args: []string{"run", "-timeout", "50ms", "testdata/spin.star"}, status: 1,
			stderrHas: []string{"stopped after -timeout 50ms"}},
		{name: "missing file", args: []string{"run", "testdata/nope.star"}, status: 1,
			stderrHas: []string{"testdata/nope.star: no such file"}},
		{name: "no script", args: []string{"run"}, status: 2, stderrHas: []string{"Usage: murmur run"}},
		{name: "bad flag", args: []string{"run", "-nope", "x.star"}, status: 2, stderrHas: []string{"flag provided but not defined: -nope"}},
		{name: "bad -metrics", args: []string{"run", "-metrics", "nope", "x.star"}, status: 2,
			stderrHas: []string{`murmur run: -metrics: observe: listen on "nope": want host:port`}},
		{name: "bad -ui", args: []string{"node", "-ui", "127.0.0.1:99999"}, status: 2, stderrHas: []string{"murmur node: -ui: listen tcp: address 99999: invalid port"}},
		{name: "check ok", args: []string{"check", "testdata/hello.star"}, stdout: "testdata/hello.star: ok\n"},
		{name: "check error", args: []string{"check", "testdata/hello.star", "testdata/syntax.star"}, status: 1,
			stdout: "testdata/hello.star: ok\n", stderrHas: []string{"testdata/syntax.star:3:10:"}},
		{name: "check with run's builtins", args: []string{"check", "../../examples/wordcount/main.star", "../../examples/primes/main.star"},
			stdout: "../../examples/wordcount/main.star: ok\n../../examples/primes/main.star: ok\n"},
		{name: "no main", args: []string{"run", "testdata/nomain.star"}, status: 1,
			stderr: "testdata/nomain.star: defines no main(args): an application script needs def main(args):\n"},
		{name: "check without the host's builtins", args: []string{"check", "../../examples/gohost/handler.star"}, status: 1,
			stderrHas: []string{"../../examples/gohost/handler.star:7:48: undefined: sha256_hex", "declare them with -builtins name,name"}},
		{name: "check with the host's builtins", args: []string{"check", "-builtins", "sha256_hex", "../../examples/gohost/handler.star"},
			stdout: "../../examples/gohost/handler.star: ok\n", stderrNone: true},
		{name: "check -builtins twice", args: []string{"check", "-builtins", "a, b", "-builtins", "sha256_hex", "../../examples/gohost/handler.star"},
			stdout: "../../examples/gohost/handler.star: ok\n", stderrNone: true},
		{name: "check -builtins not a name", args: []string{"check", "-builtins", "sha256-hex", "x.star"}, status: 2,
			stderrHas: []string{`invalid value "sha256-hex" for flag -builtins: "sha256-hex" is not a Starlark name`}},
		{name: "check -builtins expression", args: []string{"check", "-builtins", "a+b", "x.star"}, status: 2,
			stderrHas: []string{`"a+b" is not a Starlark name`}},
		{name: "check -builtins keyword", args: []string{"check", "-builtins", "lambda", "x.star"}, status: 2,
			stderrHas: []string{`"lambda" is not a Starlark name`}},
		{name: "check no file", args: []string{"check", "-builtins", "x"}, status: 2, stderrHas: []string{"Usage: murmur check"}},
		{name: "run help says GOGC", args: []string{"run", "-h"}, stderrHas: []string{"Usage: murmur run", "GOGC=400", "GOMEMLIMIT"}},
		{name: "node help says GOGC", args: []string{"node", "-h"}, stderrHas: []string{"Usage: murmur node", "GOGC=400"}},
		{name: "check help", args: []string{"check", "-h"}, stderrHas: []string{"Usage: murmur check", "-builtins"}},
		{name: "help", args: []string{"-h"}, stdoutHas: []string{"murmur run [flags] app.star [args...]", "murmur check file.star..."}},
		{name: "unknown", args: []string{"frobnicate"}, status: 2, stderrHas: []string{`unknown command "frobnicate"`}},
		{name: "example", args: []string{"run", "../../examples/scatter/main.star", "2"},
			stdout: "worker 0: 2262 primes below 20000\nworker 1: 2360 primes below 21000\nstreamed from 2 workers, total 1338\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := cli(tt.args, &stdout, &stderr)
			if status != tt.status {
				t.Errorf("status %d, want %d; stderr:\n%s", status, tt.status, stderr.String())
			}
			if tt.stdout != "" && stdout.String() != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.stdout)
			}
			if tt.stderr != "" && stderr.String() != tt.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), tt.stderr)
			}
			for _, want := range tt.stdoutHas {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderrHas {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if tt.stderrNone && stderr.Len() > 0 {
				t.Errorf("unexpected stderr:\n%s", stderr.String())
			}
		})
	}
}
