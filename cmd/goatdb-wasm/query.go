//go:build js && wasm

package main

import (
	"syscall/js"

	"goatdb"
)

// query(spec, onChange) → {results(), count(), close()}. spec has repo,
// and optionally schema (a namespace), filter (a function given each
// item's JSON text, see get), sortBy, desc, limit and id (to share a
// query). onChange, when a function, is called after the results change,
// never with a lock held, so it may read the database.
func (h *handle) query(args []js.Value) (any, error) {
	spec := args[0]
	repoPath := spec.Get("repo").String()
	if err := h.loaded(repoPath, false); err != nil {
		return nil, err
	}
	qs := goatdb.QuerySpec{Source: repoPath}
	if v := spec.Get("schema"); v.Type() == js.TypeString {
		s, err := h.schema(v.String())
		if err != nil {
			return nil, err
		}
		qs.Schema = s
	}
	if v := spec.Get("id"); v.Type() == js.TypeString {
		qs.ID = v.String()
	}
	if v := spec.Get("sortBy"); v.Type() == js.TypeString {
		qs.SortBy = v.String()
	}
	qs.Desc = spec.Get("desc").Truthy()
	if v := spec.Get("limit"); v.Type() == js.TypeNumber {
		qs.Limit = v.Int()
	}
	if f := spec.Get("filter"); f.Type() == js.TypeFunction {
		// The filter is JavaScript: it sees the item as get returns it.
		qs.Where = func(it *goatdb.Item, _ any) bool {
			j := itemJSON(it)
			if j == nil {
				return false
			}
			return f.Invoke(j).Truthy()
		}
	}
	q, err := h.db.Query(qs)
	if err != nil {
		return nil, err
	}
	obj := js.Global().Get("Object").New()
	var cancel func()
	if len(args) > 1 && args[1].Type() == js.TypeFunction {
		cb := args[1]
		cancel = q.OnChange(func() { cb.Invoke() })
	}
	fn := func(name string, f func(args []js.Value) (any, error)) {
		obj.Set(name, syncCall(f))
	}
	fn("results", func([]js.Value) (any, error) {
		b := []byte{'['}
		for i, it := range q.Results() {
			s, err := it.Schema()
			if err != nil || s == nil {
				continue
			}
			d, err := it.Data()
			if err != nil {
				continue
			}
			if i > 0 && b[len(b)-1] != '[' {
				b = append(b, ',')
			}
			b = appendItem(b, it, s, d)
		}
		return string(append(b, ']')), nil
	})
	fn("count", func([]js.Value) (any, error) { return q.Count(), nil })
	fn("close", func([]js.Value) (any, error) {
		if cancel != nil {
			cancel()
		}
		return nil, q.Close()
	})
	return obj, nil
}
