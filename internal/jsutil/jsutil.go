//go:build js && wasm

package jsutil

import (
	"context"
	"errors"
	"syscall/js"
)

// Await blocks the calling goroutine until promise settles. It must not
// run inside a js.FuncOf callback: the event loop that settles the promise
// would then wait on the callback, and the page hangs. When ctx ends
// first, onCancel (if not nil) runs, so the caller can abort the work.
func Await(ctx context.Context, promise js.Value, onCancel func()) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: Error(arg0(args))}
		return nil
	})
	promise.Call("then", then, catch)
	select {
	case r := <-ch:
		then.Release()
		catch.Release()
		return r.v, r.err
	case <-ctx.Done():
		if onCancel != nil {
			onCancel()
		}
		// The callbacks may still fire; they write to a buffered channel
		// nobody reads and are left to the garbage collector with it.
		return js.Undefined(), ctx.Err()
	}
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// Error turns a JavaScript rejection reason into a Go error: "name:
// message" for an Error object (DOMException names such as
// "OperationError" say what failed), its string form otherwise.
func Error(v js.Value) error {
	if v.IsUndefined() || v.IsNull() {
		return errors.New("javascript: rejected without a reason")
	}
	if v.Type() == js.TypeObject {
		if name, msg := v.Get("name"), v.Get("message"); name.Type() == js.TypeString && msg.Type() == js.TypeString {
			return errors.New(name.String() + ": " + msg.String())
		}
	}
	return errors.New(js.Global().Get("String").Invoke(v).String())
}

// Bytes copies a Uint8Array, ArrayBuffer or DataView into a new Go slice.
func Bytes(v js.Value) []byte {
	if !v.InstanceOf(js.Global().Get("Uint8Array")) {
		if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
			v = js.Global().Get("Uint8Array").New(v)
		} else {
			v = js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), v.Get("byteLength"))
		}
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Uint8Array copies b into a new JavaScript Uint8Array.
func Uint8Array(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}
