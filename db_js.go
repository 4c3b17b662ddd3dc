//go:build js && wasm

package goatdb

import (
	"context"

	"goatdb/internal/vfs"
)

// OpenFS is Open over a filesystem other than the operating system's: the
// browser build stores its data directory in the origin-private file
// system. The filesystem interface is internal to this module, so only the
// module's own browser entry point (cmd/goatdb-wasm) calls it.
func OpenFS(ctx context.Context, fsys vfs.FS, dir string, opts *Options) (*DB, error) {
	return openFS(ctx, fsys, dir, opts)
}
