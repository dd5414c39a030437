package murmur_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// layers is the import graph of README's Layout section: what each package may import, besides
// the standard library. A prefix ending in "/" allows the packages below it.
var layers = map[string][]string{
	"github.com/murmur-go/murmur":           {},
	"github.com/murmur-go/murmur/serialize": {"go.starlark.net/", "github.com/vmihailenco/msgpack/v5", "github.com/vmihailenco/msgpack/v5/"},
	"github.com/murmur-go/murmur/interp":    {"go.starlark.net/", "github.com/murmur-go/murmur/serialize", "github.com/murmur-go/murmur/lib/"},
	"github.com/murmur-go/murmur/mailbox":   {"github.com/asynkron/protoactor-go/actor", "github.com/murmur-go/murmur/serialize"},
	// actor is also where nodes live (the design allows remote/ "or a clearly
	// named part of actor/"): protoactor's remote and its gRPC transport.
	"github.com/murmur-go/murmur/actor": {"github.com/asynkron/protoactor-go/actor", "go.starlark.net/starlark",
		"github.com/murmur-go/murmur/interp", "github.com/murmur-go/murmur/mailbox", "github.com/murmur-go/murmur/serialize",
		"github.com/asynkron/protoactor-go/remote", "github.com/asynkron/protoactor-go/eventstream",
		"google.golang.org/grpc", "google.golang.org/grpc/credentials", "google.golang.org/grpc/codes", "google.golang.org/grpc/status",
		"github.com/murmur-go/murmur/actor/internal/wire",
		// the cluster: protoactor's cluster, its automanaged (over echo) and
		// etcd providers, its disthash identity lookup.
		"github.com/asynkron/protoactor-go/cluster", "github.com/asynkron/protoactor-go/cluster/clusterproviders/automanaged",
		"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd", "github.com/asynkron/protoactor-go/cluster/identitylookup/disthash",
		"github.com/labstack/echo", "go.etcd.io/etcd/client/v3", "google.golang.org/protobuf/types/known/emptypb",
		// metrics and traces through OpenTelemetry's API (Config.MeterProvider, Config.TracerProvider)
		"go.opentelemetry.io/otel/metric", "go.opentelemetry.io/otel/attribute", "go.opentelemetry.io/otel/trace",
		"go.opentelemetry.io/otel/codes"},
	// clustertest starts an etcd server for cluster tests.
	"github.com/murmur-go/murmur/actor/clustertest": {"go.uber.org/goleak"},
	// wire is the protobuf message envelopes cross nodes in.
	"github.com/murmur-go/murmur/actor/internal/wire": {"google.golang.org/protobuf/"},
	"github.com/murmur-go/murmur/bench": {"github.com/murmur-go/murmur/actor", "github.com/murmur-go/murmur/interp",
		"github.com/murmur-go/murmur/mailbox", "github.com/murmur-go/murmur/serialize", "github.com/asynkron/protoactor-go/", "go.starlark.net/",
		"google.golang.org/protobuf/types/known/",     // raw protoactor remote's messages
		"github.com/murmur-go/murmur/lib/files",       // T1 reads its corpus as murmur run does
		"github.com/murmur-go/murmur/internal/gctune", // and sets the collector as it does
		"github.com/labstack/echo",                    // C1's raw members serve protoactor's automanaged membership on loopback
		"go.opentelemetry.io/otel/metric"},            // -metrics: what metrics cost
	"github.com/murmur-go/murmur/bench/cmd/report": {"github.com/murmur-go/murmur/", "github.com/asynkron/protoactor-go/", "go.starlark.net/"},
	"github.com/murmur-go/murmur/cmd/murmur": {"github.com/schollz/progressbar/v3", "golang.org/x/term", "github.com/murmur-go/murmur/actor", "github.com/murmur-go/murmur/interp",
		"github.com/murmur-go/murmur/serialize", "github.com/murmur-go/murmur/mailbox", "go.starlark.net/",
		"github.com/murmur-go/murmur/lib/files", "github.com/murmur-go/murmur/actortest", "github.com/murmur-go/murmur/internal/gctune",
		"github.com/murmur-go/murmur/observe"},
	// observe: metrics, traces and the live view, over actor's snapshots and events.
	"github.com/murmur-go/murmur/observe": {"github.com/murmur-go/murmur/actor", "github.com/murmur-go/murmur/interp",
		"github.com/murmur-go/murmur/mailbox", "github.com/murmur-go/murmur/serialize", "go.opentelemetry.io/otel/",
		"github.com/prometheus/client_golang/prometheus", "github.com/prometheus/client_golang/prometheus/promhttp"},
	// actortest runs test scripts, in go test and for murmur test.
	"github.com/murmur-go/murmur/actortest": {"github.com/murmur-go/murmur/actor", "github.com/murmur-go/murmur/interp",
		"github.com/murmur-go/murmur/lib/files", "go.starlark.net/"},
	// internal/gctune: the collector's defaults of murmur run and node.
	"github.com/murmur-go/murmur/internal/gctune": {},
	// lib/<name>: the modules scripts can use, over Starlark (and serialize's ext types).
	"github.com/murmur-go/murmur/lib/re":               libDeps,
	"github.com/murmur-go/murmur/lib/files":            libDeps,
	"github.com/murmur-go/murmur/lib/hashlib":          libDeps,
	"github.com/murmur-go/murmur/lib/base64":           libDeps,
	"github.com/murmur-go/murmur/lib/csv":              libDeps,
	"github.com/murmur-go/murmur/lib/random":           libDeps,
	"github.com/murmur-go/murmur/lib/array":            libDeps,
	"github.com/murmur-go/murmur/lib/counter":          libDeps,
	"github.com/murmur-go/murmur/lib/internal/bytesof": libDeps,
}

var libDeps = []string{"go.starlark.net/", "github.com/murmur-go/murmur/serialize", "github.com/murmur-go/murmur/lib/internal/"}

// public is what examples may import: the public API only.
var public = []string{"github.com/murmur-go/murmur/examples/internal/", "github.com/murmur-go/murmur/actor", "github.com/murmur-go/murmur/actortest", "github.com/murmur-go/murmur/actor/clustertest", "github.com/murmur-go/murmur/interp",
	"github.com/murmur-go/murmur/serialize", "github.com/murmur-go/murmur/mailbox", "go.starlark.net/"}

func allowed(imp string, rules []string) bool {
	for _, r := range rules {
		if imp == r || (strings.HasSuffix(r, "/") && strings.HasPrefix(imp, r)) {
			return true
		}
	}
	return false
}

func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Standard", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rules, ok := layers[p.ImportPath]
		if !ok {
			if !strings.Contains(p.ImportPath, "/examples/") {
				t.Errorf("package %s is not in the layout (README's Layout section); add it to layers", p.ImportPath)
				continue
			}
			rules = public
		}
		seen++
		for _, imp := range p.Imports {
			if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				continue // standard library
			}
			if !allowed(imp, rules) {
				t.Errorf("%s imports %s, which the layering (README's Layout section) does not allow", p.ImportPath, imp)
			}
		}
	}
	if seen < 5 {
		t.Errorf("only %d packages checked; go list output:\n%s", seen, out)
	}
}
