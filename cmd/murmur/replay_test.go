// Tests of crash recording (murmur run -record) and murmur replay, each a
// process of its own.

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// The vault fails only after open, two deposits and an audit, with a
// message made of a clock reading, its ledger's answers and a random draw:
// a replay that did not feed it the recorded ones could not match it.
var replayApp = map[string]string{
	"main.star": `def main(args):
    ledger = spawn("ledger.star")
    v = spawn("vault.star", ledger, strategy = "temporary")
    watch(v)
    for m in ["open", "deposit", "noise", "deposit", "audit"]:
        send(v, m)
    print(recv(timeout = 30)["event"])
`,
	"ledger.star": `entries = [0]
def receive(msg):
    entries[0] += msg
    reply(entries[0])
`,
	"vault.star": `load("rules.star", "audited")
state = {"seq": [], "opened": None, "balance": 0}

def init(ledger):
    state["ledger"] = ledger

def receive(msg):
    state["seq"].append(msg)
    if msg == "open":
        state["opened"] = time.now()
    elif msg == "deposit":
        state["balance"] = request(state["ledger"], random.randint(1, 100))
    elif msg == "audit" and audited(state["seq"]):
        check(state, time.now().unix_nano - state["opened"].unix_nano)

def check(st, elapsed):
    fail("audit: balance %d, %d ns after opening, draw %d" % (st["balance"], elapsed, random.randint(1, 1000000)))
`,
	"rules.star": `def audited(seq):
    return [m for m in seq if m != "noise"] == ["open", "deposit", "deposit", "audit"]
`,
}

// TestReplayReproducesCrash crashes the vault under murmur run -record,
// then replays the recording with murmur replay in another process: the
// same traceback, exit status 1. A recording whose clock reading is
// altered no longer reproduces it (status 3).
func TestReplayReproducesCrash(t *testing.T) {
	bin := murmurBinary(t)
	dir, recDir := t.TempDir(), t.TempDir()
	for name, src := range replayApp {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (stdout, stderr string, status int) {
		t.Helper()
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), status
	}
	out, errs, status := run("run", "-record", recDir, filepath.Join(dir, "main.star"))
	if status != 0 || out != "terminated\n" || !strings.Contains(errs, "crash recording written") {
		t.Fatalf("murmur run: status %d, stdout %q, stderr:\n%s", status, out, errs)
	}
	files, _ := filepath.Glob(filepath.Join(recDir, "*.replay.json"))
	if len(files) != 1 || !strings.Contains(filepath.Base(files[0]), "vault-") {
		t.Fatalf("recordings: %v", files)
	}
	rec, err := actor.ReadRecording(files[0])
	if err != nil {
		t.Fatal(err)
	}
	wantPos := filepath.Join(dir, "vault.star") + ":17:9"
	if rec.Position != wantPos || !strings.Contains(rec.Traceback, "Error in fail: fail: audit: balance ") ||
		len(rec.Messages) != 5 || rec.Sources["rules.star"] == "" {
		t.Fatalf("recording: position %s (want %s), %d messages, sources %v, traceback:\n%s", rec.Position, wantPos, len(rec.Messages), rec.Sources, rec.Traceback)
	}

	_, errs, status = run("replay", files[0])
	if status != 1 || !strings.Contains(errs, rec.Traceback+"\n") || !strings.Contains(errs, "reproduced the recorded failure at "+wantPos) {
		t.Fatalf("murmur replay: status %d, stderr:\n%s\nwant the traceback:\n%s", status, errs, rec.Traceback)
	}

	// Alter the second clock reading by a nanosecond: the message differs.
	var raw map[string]any
	data, _ := os.ReadFile(files[0])
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	audit := raw["messages"].([]any)[4].(map[string]any)["results"].([]any)[0].(map[string]any)
	if audit["call"] != "now" {
		t.Fatalf("the audit's first call is %v, not now", audit["call"])
	}
	ts, err := time.Parse(time.RFC3339Nano, audit["time"].(string))
	if err != nil {
		t.Fatal(err)
	}
	audit["time"] = ts.Add(time.Nanosecond).Format(time.RFC3339Nano)
	altered := filepath.Join(t.TempDir(), "altered.json")
	data, _ = json.Marshal(raw)
	if err := os.WriteFile(altered, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, status = run("replay", altered)
	if status != 3 || !strings.Contains(errs, "failed differently") {
		t.Errorf("replay of an altered clock: status %d, stderr:\n%s", status, errs)
	}
}
