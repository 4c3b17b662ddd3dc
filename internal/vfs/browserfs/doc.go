// Package browserfs owns the browser's storage: it implements vfs.FS over
// the origin-private file system (OPFS), falling back to IndexedDB where
// the browser lacks OPFS sync access handles, so the engine compiled to
// GOOS=js keeps its logs the way it does on disk.
//
// The files live in a dedicated worker, web/static/opfs-worker.js, because
// FileSystemSyncAccessHandle, which reads and writes without a promise per
// call, exists only in dedicated workers, while Go runs on the page. Every
// operation is a message to the worker and a reply; the calling goroutine
// blocks on a channel until the reply arrives. Hence the one rule for
// callers: call this package from a goroutine, never from inside a
// js.FuncOf callback, since a callback that blocks keeps the event loop
// from delivering the very reply it waits for, and the page hangs.
//
// A message costs a fraction of a millisecond and an OPFS write about as
// much, so File.Write gathers bytes in Go and sends them when 1 MiB has
// built up, or before anything that must see them: Sync, Close, reads,
// Stat, Truncate, Seek, and the FS operations on the same path. A whole
// file is read in one round trip.
//
// Differences from the os package: an open file cannot be removed or
// renamed (OPFS locks it, and the IndexedDB backend refuses the same so
// that code behaves alike on both); directories cannot be renamed;
// permissions are not stored; and paths are slash-separated, relative to
// the root given to Open, and may not contain "..".
package browserfs
