//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"syscall/js"

	"goatdb"
	"goatdb/internal/value"
)

// handle is one open database as JavaScript sees it.
type handle struct {
	db    *goatdb.DB
	funcs []js.Func
}

var errNotOpen = errors.New("repository is not open: await db.openRepo(path) before reading or writing it")

func newHandle(db *goatdb.DB) js.Value {
	h := &handle{db: db}
	obj := js.Global().Get("Object").New()
	method := func(name string, f func(args []js.Value) (any, error)) {
		fn := syncCall(f)
		h.funcs = append(h.funcs, fn)
		obj.Set(name, fn)
	}
	async := func(name string, f func(args []js.Value) (any, error)) {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			return promise(func() (any, error) { return f(args) })
		})
		h.funcs = append(h.funcs, fn)
		obj.Set(name, fn)
	}
	async("openRepo", h.openRepo)
	async("flush", func([]js.Value) (any, error) { return nil, db.Flush(context.Background()) })
	async("close", func([]js.Value) (any, error) {
		err := db.Close()
		// The methods stay callable (and fail with "closed") until the
		// page drops the object; releasing them would make a late call
		// crash the page instead.
		return nil, err
	})
	method("create", h.create)
	method("set", h.set)
	method("update", h.update)
	method("get", h.get)
	method("delete", h.delete)
	method("keys", h.keys)
	method("count", h.count)
	method("query", h.query)
	method("status", h.status)
	method("sessionId", func([]js.Value) (any, error) { return db.CurrentSession().ID, nil })
	return obj
}

// loaded checks that the repository of an item or repository path is in
// memory; reading it otherwise would wait for storage inside a callback.
func (h *handle) loaded(p string, isItem bool) error {
	repoPath := p
	if isItem {
		repoPath = path.Dir(p)
	}
	if !h.db.IsLoaded(repoPath) {
		return fmt.Errorf("%s: %w", repoPath, errNotOpen)
	}
	return nil
}

func (h *handle) openRepo(args []js.Value) (any, error) {
	p := args[0].String()
	st, err := h.db.OpenRepo(context.Background(), p)
	if err != nil {
		return nil, err
	}
	n, err := h.db.Count(p)
	if err != nil {
		return nil, err
	}
	return map[string]any{"commits": st.Commits, "items": n}, nil
}

func (h *handle) schema(ns string) (*goatdb.Schema, error) {
	s, ok := h.db.Registry().Latest(ns)
	if !ok {
		return nil, fmt.Errorf("goatdb: no schema registered for namespace %q", ns)
	}
	return s, nil
}

// data parses the tagged JSON goatdb.js sends for schema ns.
func (h *handle) data(ns string, raw js.Value) (*goatdb.Schema, goatdb.Data, error) {
	s, err := h.schema(ns)
	if err != nil {
		return nil, nil, err
	}
	d, err := value.FromTagged(s, []byte(raw.String()))
	return s, d, err
}

// create(repoPath, ns, json) → key
func (h *handle) create(args []js.Value) (any, error) {
	repoPath := args[0].String()
	if err := h.loaded(repoPath, false); err != nil {
		return nil, err
	}
	s, d, err := h.data(args[1].String(), args[2])
	if err != nil {
		return nil, err
	}
	it, err := h.db.Create(repoPath, s, d)
	if err != nil {
		return nil, err
	}
	return it.Key(), nil
}

// set(path, ns, json) replaces the item's value.
func (h *handle) set(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, true); err != nil {
		return nil, err
	}
	s, d, err := h.data(args[1].String(), args[2])
	if err != nil {
		return nil, err
	}
	_, err = h.db.Set(p, s, d)
	return nil, err
}

// update(path, json) changes only the fields given; null removes one.
func (h *handle) update(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, true); err != nil {
		return nil, err
	}
	it, err := h.db.Item(p)
	if err != nil {
		return nil, err
	}
	s, err := it.Schema()
	if err != nil {
		return nil, err
	}
	raw := []byte(args[1].String())
	d, err := value.FromTagged(s, raw)
	if err != nil {
		return nil, err
	}
	// FromTagged leaves out fields set to null; Update removes a field
	// given as nil.
	var names map[string]json.RawMessage
	if err := json.Unmarshal(raw, &names); err == nil {
		for k, v := range names {
			if string(v) == "null" {
				d[k] = nil
			}
		}
	}
	return nil, it.Update(d)
}

// get(path) → {"schema": ns, "data": tagged JSON} as JSON text, or null
// for a missing or deleted item.
func (h *handle) get(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, true); err != nil {
		return nil, err
	}
	it, err := h.db.Item(p)
	if err != nil {
		return nil, err
	}
	return itemJSON(it), nil
}

func itemJSON(it *goatdb.Item) any {
	if it.Deleted() {
		return nil
	}
	s, err := it.Schema()
	if err != nil || s == nil || s.NS == "" {
		return nil
	}
	d, err := it.Data()
	if err != nil {
		return nil
	}
	return string(appendItem(nil, it, s, d))
}

func appendItem(b []byte, it *goatdb.Item, s *goatdb.Schema, d goatdb.Data) []byte {
	b = append(b, `{"key":`...)
	b = appendString(b, it.Key())
	b = append(b, `,"path":`...)
	b = appendString(b, it.Path())
	b = append(b, `,"schema":`...)
	b = appendString(b, s.NS)
	b = append(b, `,"data":`...)
	b = value.AppendTagged(b, s, d)
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

func (h *handle) delete(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, true); err != nil {
		return nil, err
	}
	return nil, h.db.Delete(p)
}

func (h *handle) keys(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, false); err != nil {
		return nil, err
	}
	keys, err := h.db.Keys(p)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out, nil
}

func (h *handle) count(args []js.Value) (any, error) {
	p := args[0].String()
	if err := h.loaded(p, false); err != nil {
		return nil, err
	}
	return h.db.Count(p)
}

// status() → JSON text {online, synced, pending, lastSync, realtime, error, peer}.
func (h *handle) status([]js.Value) (any, error) {
	st := h.db.SyncStatus()
	out := map[string]any{"online": false, "synced": false, "pending": 0, "realtime": false, "peer": nil, "lastSync": nil, "error": nil}
	if len(st) > 0 {
		s := st[0]
		out["online"], out["synced"], out["pending"], out["realtime"], out["peer"] = s.Online, s.Synced, s.Pending, s.Realtime, s.URL
		if !s.LastSync.IsZero() {
			out["lastSync"] = s.LastSync.UnixMilli()
		}
		if s.LastError != "" {
			out["error"] = s.LastError
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}
