// W5: move a big buffer from one actor to another and back, by ownership
// transfer and by copy.

package bench

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/serialize"
)

var w5Scripts = fstest.MapFS{
	// The driver owns the buffer and bounces it off the echo actor.
	"driver.star": {Data: []byte(`
state = {"buf": None}

def receive(msg):
    if msg["op"] == "alloc":
        state["buf"] = buffer(msg["size"])
        reply(len(state["buf"]))
        return
    b = state["buf"]
    for i in range(msg["rounds"]):
        if msg["transfer"]:
            b = request(msg["peer"], b, transfer = [b], timeout = 60)
        else:
            b = request(msg["peer"], b, timeout = 60)
    state["buf"] = b
    reply(len(b))
`)},
	"echo.star": {Data: []byte(`
def receive(msg):
    if type(msg) == "buffer":
        reply(msg, transfer = [msg])
    else:
        reply(msg)
`)},
}

func benchmarkW5(b *testing.B, size int, transfer bool) {
	sys, err := actor.NewSystem(actor.Config{FS: w5Scripts, Limits: w5Limits(size)})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	spawn := func(name string) actor.Address {
		mod, err := sys.Load(name)
		if err != nil {
			b.Fatal(err)
		}
		pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{})
		if err != nil {
			b.Fatal(err)
		}
		return pid
	}
	driver, echo := spawn("driver.star"), spawn("echo.star")
	var n int
	if err := sys.Request(ctx, driver, map[string]any{"op": "alloc", "size": size}, &n); err != nil || n != size {
		b.Fatalf("alloc: %d, %v", n, err)
	}
	b.ResetTimer()
	err = sys.Request(ctx, driver, map[string]any{"op": "run", "rounds": b.N, "peer": echo, "transfer": transfer}, &n)
	b.StopTimer()
	if err != nil || n != size {
		b.Fatalf("run: %d, %v", n, err)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/move")
}

// w5Limits lets copies of the payload through the message size limit.
func w5Limits(size int) serialize.Limits { return serialize.Limits{MaxBytes: size + 1<<20} }

var w5Sizes = []int{1 << 20, 64 << 20, 256 << 20}

func BenchmarkW5Transfer(b *testing.B) {
	for _, size := range w5Sizes {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) { benchmarkW5(b, size, true) })
	}
}

func BenchmarkW5Copy(b *testing.B) {
	for _, size := range w5Sizes {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) { benchmarkW5(b, size, false) })
	}
}
