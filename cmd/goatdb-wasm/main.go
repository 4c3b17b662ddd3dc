//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall/js"
	"time"

	"goatdb"
	"goatdb/internal/value"
	"goatdb/internal/vfs/browserfs"
	"goatdb/orderstamp"
)

func main() {
	js.Global().Set("__goatdbGo", js.ValueOf(map[string]any{
		"open": js.FuncOf(func(_ js.Value, args []js.Value) any {
			cfg := args[0]
			return promise(func() (any, error) { return openDB(cfg) })
		}),
		// Order stamps sort lists that users reorder (see package orderstamp).
		"orderStart": js.FuncOf(func(js.Value, []js.Value) any { return orderstamp.Start() }),
		"orderEnd":   js.FuncOf(func(js.Value, []js.Value) any { return orderstamp.End() }),
		"orderBetween": js.FuncOf(func(_ js.Value, args []js.Value) any {
			return orderstamp.Between(args[0].String(), args[1].String())
		}),
	}))
	if ready := js.Global().Get("__goatdbReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// config is what goatdb.js passes to open.
type config struct {
	root, workerURL, peer, org, schemas string
	commitDelay                         time.Duration
	forceIndexedDB                      bool
	debug                               bool
}

func readConfig(v js.Value) config {
	str := func(k string) string {
		if x := v.Get(k); x.Type() == js.TypeString {
			return x.String()
		}
		return ""
	}
	c := config{
		root: str("root"), workerURL: str("workerURL"), peer: str("peer"),
		org: str("orgId"), schemas: str("schemas"),
		forceIndexedDB: v.Get("forceIndexedDB").Truthy(),
		debug:          v.Get("debug").Truthy(),
	}
	if d := v.Get("commitDelayMs"); d.Type() == js.TypeNumber {
		c.commitDelay = time.Duration(d.Float() * float64(time.Millisecond))
		if c.commitDelay <= 0 {
			c.commitDelay = -1 // Options spells "commit at once" as negative; zero means the default
		}
	}
	return c
}

func openDB(v js.Value) (any, error) {
	c := readConfig(v)
	if c.root == "" || c.workerURL == "" {
		return nil, errors.New("goatdb: open needs root and workerURL")
	}
	fsys, err := browserfs.Open(c.workerURL, c.root, browserfs.Options{ForceIndexedDB: c.forceIndexedDB})
	if err != nil {
		return nil, err
	}
	level := slog.LevelInfo
	if c.debug {
		level = slog.LevelDebug
	}
	opts := &goatdb.Options{
		OrgID:       c.org,
		CommitDelay: c.commitDelay,
		Logger:      slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: level})),
	}
	if c.peer != "" {
		opts.Peers = []string{c.peer}
	}
	db, err := goatdb.OpenFS(context.Background(), fsys, "db", opts)
	if err != nil {
		return nil, err
	}
	if c.schemas != "" {
		list, err := value.ParseSchemas([]byte(c.schemas))
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("goatdb: schemas: %w", err)
		}
		for _, s := range list {
			if err := db.Registry().Register(s); err != nil {
				db.Close()
				return nil, fmt.Errorf("goatdb: schema %s/%d: %w", s.NS, s.Version, err)
			}
		}
	}
	return newHandle(db), nil
}

// promise runs f on a goroutine and settles a JavaScript promise with its
// result; a panic rejects it rather than killing the page's database.
func promise(f func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer func() {
				if r := recover(); r != nil {
					reject.Invoke(jsError(fmt.Errorf("goatdb: internal error: %v", r)))
				}
			}()
			v, err := f()
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	p := js.Global().Get("Promise").New(executor)
	executor.Release()
	return p
}

func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(err.Error())
	e.Set("name", "GoatDBError")
	return e
}

// syncCall wraps a synchronous method: its error comes back as an Error
// object, which goatdb.js throws (Go cannot throw into JavaScript).
func syncCall(f func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (out any) {
		defer func() {
			if r := recover(); r != nil {
				out = jsError(fmt.Errorf("goatdb: internal error: %v", r))
			}
		}()
		v, err := f(args)
		if err != nil {
			return jsError(err)
		}
		return v
	})
}
