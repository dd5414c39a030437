// Package files holds the read-only file builtins a host may grant
// scripts, as `murmur run` does: read_file and list_files, confined to one
// folder.
package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"go.starlark.net/starlark"
)

// Builtins returns read_file(path) and list_files(dir=".", suffix="")
// over root. Paths are relative to the root and cannot leave it (os.Root
// refuses "..", absolute paths and symbolic links out). Both are safe for
// concurrent use: os.Root is, and they keep no state.
//
//	sys, err := actor.NewSystem(actor.Config{Root: dir, Builtins: files.Builtins(root)})
func Builtins(root *os.Root) starlark.StringDict {
	fsys := root.FS()
	read := func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var path string
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &path); err != nil {
			return nil, err
		}
		data, err := fs.ReadFile(fsys, strings.TrimPrefix(path, "./"))
		if err != nil {
			return nil, fmt.Errorf("read_file: %s", pathError(err))
		}
		return starlark.String(data), nil
	}
	list := func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		dir, suffix := ".", ""
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "dir?", &dir, "suffix?", &suffix); err != nil {
			return nil, err
		}
		entries, err := fs.ReadDir(fsys, strings.TrimPrefix(dir, "./"))
		if err != nil {
			return nil, fmt.Errorf("list_files: %s", pathError(err))
		}
		var names []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), suffix) {
				names = append(names, strings.TrimPrefix(dir+"/"+e.Name(), "./"))
			}
		}
		sort.Strings(names)
		out := make([]starlark.Value, len(names))
		for i, n := range names {
			out[i] = starlark.String(n)
		}
		return starlark.NewList(out), nil
	}
	return starlark.StringDict{
		"read_file":  starlark.NewBuiltin("read_file", read),
		"list_files": starlark.NewBuiltin("list_files", list),
	}
}

// pathError says which path failed and why, without fs's operation name.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}
