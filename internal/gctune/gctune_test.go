// Tests of the collector's defaults: the choice per environment, and the
// machine's memory from /proc and cgroup files, bad ones included.

package gctune

import (
	"os"
	"runtime/debug"
	"testing"
	"testing/fstest"
)

func TestChoose(t *testing.T) {
	env := func(vars ...string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			for i := 0; i+1 < len(vars); i += 2 {
				if vars[i] == k {
					return vars[i+1], true
				}
			}
			return "", false
		}
	}
	tests := []struct {
		name string
		env  func(string) (string, bool)
		mem  int64
		want Setting
	}{
		{"nothing set", env(), 8 << 30, Setting{Percent: Percent, Limit: 4 << 30}},
		{"user's GOGC", env("GOGC", "100"), 8 << 30, Setting{}},
		{"GOGC=off", env("GOGC", "off"), 8 << 30, Setting{}},
		{"GOGC set empty", env("GOGC", ""), 8 << 30, Setting{}},
		{"user's GOMEMLIMIT", env("GOMEMLIMIT", "1GiB"), 8 << 30, Setting{Percent: Percent}},
		{"both", env("GOGC", "50", "GOMEMLIMIT", "1GiB"), 8 << 30, Setting{}},
		{"memory unknown", env(), 0, Setting{}},
		{"memory unknown, GOMEMLIMIT set", env("GOMEMLIMIT", "1GiB"), 0, Setting{Percent: Percent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Choose(tt.env, tt.mem); got != tt.want {
				t.Errorf("Choose = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMachineMemory(t *testing.T) {
	meminfo := &fstest.MapFile{Data: []byte("MemFree:  100 kB\nMemTotal:       24683652 kB\nSwap: 0 kB\n")}
	const total = 24683652 << 10
	tests := []struct {
		name  string
		files fstest.MapFS
		want  int64
	}{
		{"meminfo", fstest.MapFS{"proc/meminfo": meminfo}, total},
		{"nothing readable", fstest.MapFS{}, 0},
		{"cgroup v2 lower", fstest.MapFS{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": {Data: []byte("1073741824\n")}}, 1 << 30},
		{"cgroup v2 max", fstest.MapFS{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": {Data: []byte("max\n")}}, total},
		{"cgroup v1 higher", fstest.MapFS{"proc/meminfo": meminfo, "sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712")}}, total},
		{"cgroup only", fstest.MapFS{"sys/fs/cgroup/memory.max": {Data: []byte("2147483648")}}, 2 << 30},
		{"cgroup garbage", fstest.MapFS{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": {Data: []byte("lots")}}, total},
		{"meminfo garbage", fstest.MapFS{"proc/meminfo": {Data: []byte("MemTotal: many kB\n")}}, 0},
		{"meminfo no unit", fstest.MapFS{"proc/meminfo": {Data: []byte("MemTotal: 1024\n")}}, 0},
		{"meminfo negative", fstest.MapFS{"proc/meminfo": {Data: []byte("MemTotal: -5 kB\n")}}, 0},
		{"meminfo huge", fstest.MapFS{"proc/meminfo": {Data: []byte("MemTotal: 99999999999999999999 kB\n")}}, 0},
		{"meminfo without MemTotal", fstest.MapFS{"proc/meminfo": {Data: []byte("MemFree: 5 kB\n")}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MachineMemory(tt.files); got != tt.want {
				t.Errorf("MachineMemory = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestApplyRestores checks that Apply sets what it reports and that its
// restore function puts the previous values back.
func TestApplyRestores(t *testing.T) {
	old := debug.SetGCPercent(123)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "") // set: Apply must leave the collector alone
	s, restore := Apply()
	if s != (Setting{}) {
		t.Errorf("Apply with GOGC set = %+v, want nothing set", s)
	}
	restore()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC after restore = %d, want 123", got)
	}

	os.Unsetenv("GOGC") // t.Setenv puts it back
	t.Setenv("GOMEMLIMIT", "1GiB")
	s, restore = Apply()
	if s != (Setting{Percent: Percent}) {
		t.Errorf("Apply with GOMEMLIMIT set = %+v, want GOGC %d alone", s, Percent)
	}
	if got := debug.SetGCPercent(-1); got != Percent {
		t.Errorf("GOGC after Apply = %d, want %d", got, Percent)
	}
	debug.SetGCPercent(Percent)
	restore()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC after restore = %d, want 123", got)
	}
}
