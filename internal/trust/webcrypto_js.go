//go:build js && wasm

package trust

import (
	"container/list"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall/js"

	"goatdb/internal/jsutil"
)

// WebCrypto (crypto.subtle) signs and verifies for the js/wasm build. In
// wasm, crypto/ecdsa takes 4-6 ms to verify a P-384 signature and about
// 1.5-2 ms to sign; this package's verifier 3 ms for a key without a table
// and 1 ms with one. Chromium's WebCrypto takes 0.7-0.9 ms for either
// (importing a key costs about 1 ms more, once: keys are cached), on a
// thread of its own, so Go's work goes on meanwhile (measured by
// internal/trust/webcryptotest on a busy two-core machine). It computes
// exactly what the Go code does: upstream GoatDB itself signs with
// WebCrypto, whose ECDSA signature is the IEEE P1363 r‖s that
// Signature.Raw holds.
//
// # Blocking
//
// WebCrypto answers with promises. The functions here wait for one by
// blocking the calling goroutine on a channel until the promise's
// then/catch callbacks (js.FuncOf) run. Those callbacks run on the
// JavaScript event loop, which is free only while every goroutine is
// blocked and no js.FuncOf callback is executing. Signing or verifying
// from inside a js.FuncOf callback (an event handler, a promise callback)
// therefore deadlocks: the callback waits for a promise that cannot settle
// until the callback returns. The engine signs and verifies on its own
// goroutines; code in a callback must start a goroutine to do it.
//
// # Availability
//
// crypto.subtle exists only in secure contexts (https:, http://localhost,
// http://127.0.0.1). Elsewhere it is undefined and everything here falls
// back to the Go code the native build uses: slower, but the same
// results. The same fallback covers an operation WebCrypto refuses, which
// should not happen with keys this package accepted; it is reported once
// on the console as a warning so that it does not go unnoticed.

// WebCryptoAvailable reports whether this page offers WebCrypto
// (crypto.subtle). Only in js/wasm builds.
func WebCryptoAvailable() bool {
	webCryptoOnce.Do(initWebCrypto)
	return webCryptoShared != nil
}

// UseWebCrypto turns signing and verifying through WebCrypto on (the
// default) or off; off, the Go code the native build uses does the work.
// It reports whether WebCrypto is now in use, which also needs it to be
// available. Only in js/wasm builds; meant for tests and measurements.
func UseWebCrypto(on bool) bool {
	webCryptoOff.Store(!on)
	return on && WebCryptoAvailable()
}

var (
	webCryptoOnce   sync.Once
	webCryptoShared *webCrypto // nil without crypto.subtle
	webCryptoOff    atomic.Bool
	webCryptoWarned atomic.Bool
)

// webCryptoAPI returns the WebCrypto binding, or nil when the Go code is
// to be used.
func webCryptoAPI() *webCrypto {
	if webCryptoOff.Load() {
		return nil
	}
	webCryptoOnce.Do(initWebCrypto)
	return webCryptoShared
}

// warnFallback reports the first WebCrypto failure on the console.
func warnFallback(op string, err error) {
	if webCryptoWarned.CompareAndSwap(false, true) {
		js.Global().Get("console").Call("warn",
			fmt.Sprintf("goatdb trust: WebCrypto %s failed, using Go's P-384 instead (reported once): %v", op, err))
	}
}

// Bounds of the imported-key caches. A server sends every session of its
// users, so public keys are many; this process signs with one or two.
const (
	maxPublicKeys  = 1024
	maxPrivateKeys = 16
)

// verifyWindow is how many verifications VerifyAll hands WebCrypto before
// awaiting them; two windows are in flight at once, and the Go work of
// the next window (parsing, re-serialising, hashing) runs while WebCrypto
// verifies the current one. Chromium runs all WebCrypto work of a page on
// one thread of its own ("WebCrypto", components/webcrypto), so what many
// verifications in flight buy is that this thread never waits for Go, nor
// for a promise round trip per signature, not more cores. A window keeps
// that thread busy for 100 ms and more while bounding the memory a batch
// holds in Go and in JavaScript.
const verifyWindow = 256

type webCrypto struct {
	subtle     js.Value
	uint8Array js.Value
	promise    js.Value
	keyAlg     js.Value // {name: 'ECDSA', namedCurve: 'P-384'}
	sigAlg     js.Value // {name: 'ECDSA', hash: 'SHA-384'}
	verifyUse  js.Value // ['verify']
	signUse    js.Value // ['sign']

	mu   sync.Mutex
	pub  *lru[affine]            // point → public CryptoKey
	priv *lru[*ecdsa.PrivateKey] // key → private CryptoKey
}

func initWebCrypto() {
	g := js.Global()
	c := g.Get("crypto")
	if !c.Truthy() {
		return
	}
	subtle := c.Get("subtle")
	if !subtle.Truthy() {
		return // not a secure context
	}
	webCryptoShared = &webCrypto{
		subtle:     subtle,
		uint8Array: g.Get("Uint8Array"),
		promise:    g.Get("Promise"),
		keyAlg:     js.ValueOf(map[string]any{"name": "ECDSA", "namedCurve": "P-384"}),
		sigAlg:     js.ValueOf(map[string]any{"name": "ECDSA", "hash": "SHA-384"}),
		verifyUse:  js.ValueOf([]any{"verify"}),
		signUse:    js.ValueOf([]any{"sign"}),
		pub:        newLRU[affine](maxPublicKeys),
		priv:       newLRU[*ecdsa.PrivateKey](maxPrivateKeys),
	}
}

// await blocks until p (a promise, or any value) settles and returns its
// value or its rejection. Never call it from inside a js.FuncOf callback
// (see Blocking above).
func (w *webCrypto) await(p js.Value) (js.Value, error) {
	return jsutil.Await(context.Background(), w.promise.Call("resolve", p), nil)
}

// call calls crypto.subtle[method]; see jsCall.
func (w *webCrypto) call(method string, args ...any) (js.Value, error) {
	return jsCall(w.subtle, method, args...)
}

// jsCall calls v[method], turning a synchronous exception (which syscall/js
// raises as a panic) into an error.
func jsCall(v js.Value, method string, args ...any) (r js.Value, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%s: %v", method, x)
		}
	}()
	return v.Call(method, args...), nil
}

// bytes copies b into a new Uint8Array.
func (w *webCrypto) bytes(b []byte) js.Value {
	u := w.uint8Array.New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// publicKey returns signer's key (q is its point) as a CryptoKey for
// 'verify', imported once and then cached.
func (w *webCrypto) publicKey(q *affine, pub *ecdsa.PublicKey) (js.Value, error) {
	w.mu.Lock()
	k, ok := w.pub.get(*q)
	w.mu.Unlock()
	if ok {
		return k, nil
	}
	p, err := w.startImportPublic(pub)
	if err != nil {
		return js.Value{}, err
	}
	return w.finishImportPublic(q, p)
}

// startImportPublic starts importing pub: the 'raw' format is the
// uncompressed point, 0x04‖x‖y.
func (w *webCrypto) startImportPublic(pub *ecdsa.PublicKey) (js.Value, error) {
	point, err := pub.Bytes()
	if err != nil {
		return js.Value{}, err
	}
	return w.call("importKey", "raw", w.bytes(point), w.keyAlg, true, w.verifyUse)
}

func (w *webCrypto) finishImportPublic(q *affine, p js.Value) (js.Value, error) {
	k, err := w.await(p)
	if err != nil {
		return js.Value{}, fmt.Errorf("importKey: %w", err)
	}
	w.mu.Lock()
	w.pub.put(*q, k)
	w.mu.Unlock()
	return k, nil
}

// privateKey returns priv as a non-extractable CryptoKey for 'sign',
// imported once (as a JWK, the only format that needs no DER) and then
// cached.
func (w *webCrypto) privateKey(priv *ecdsa.PrivateKey) (js.Value, error) {
	w.mu.Lock()
	k, ok := w.priv.get(priv)
	w.mu.Unlock()
	if ok {
		return k, nil
	}
	d, err := priv.Bytes()
	if err != nil {
		return js.Value{}, err
	}
	defer clear(d)
	point, err := priv.PublicKey.Bytes()
	if err != nil {
		return js.Value{}, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := js.ValueOf(map[string]any{
		"kty": "EC", "alg": "ES384", "crv": "P-384",
		"d": b64(d), "x": b64(point[1:49]), "y": b64(point[49:]),
		"key_ops": []any{"sign"}, "ext": true,
	})
	p, err := w.call("importKey", "jwk", jwk, w.keyAlg, false, w.signUse)
	if err != nil {
		return js.Value{}, err
	}
	if k, err = w.await(p); err != nil {
		return js.Value{}, fmt.Errorf("importKey: %w", err)
	}
	w.mu.Lock()
	w.priv.put(priv, k)
	w.mu.Unlock()
	return k, nil
}

// sign returns priv's signature over payload, r‖s.
func (w *webCrypto) sign(priv *ecdsa.PrivateKey, payload []byte) ([]byte, error) {
	key, err := w.privateKey(priv)
	if err != nil {
		return nil, err
	}
	p, err := w.call("sign", w.sigAlg, key, w.bytes(payload))
	if err != nil {
		return nil, err
	}
	v, err := w.await(p)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	u := w.uint8Array.New(v)
	if n := u.Length(); n != 96 {
		return nil, fmt.Errorf("sign: %d-byte signature, want 96", n)
	}
	raw := make([]byte, 96)
	js.CopyBytesToGo(raw, u)
	return raw, nil
}

// verify reports whether raw is the signature over payload of pub (q is
// its point).
func (w *webCrypto) verify(q *affine, pub *ecdsa.PublicKey, payload, raw []byte) (bool, error) {
	key, err := w.publicKey(q, pub)
	if err != nil {
		return false, err
	}
	p, err := w.call("verify", w.sigAlg, key, w.bytes(raw), w.bytes(payload))
	if err != nil {
		return false, err
	}
	v, err := w.await(p)
	if err != nil {
		return false, fmt.Errorf("verify: %w", err)
	}
	if v.Type() != js.TypeBoolean {
		return false, fmt.Errorf("verify: answered %s, not a boolean", v.Type())
	}
	return v.Bool(), nil
}

// verifyItem is one signature for verifyBatch.
type verifyItem struct {
	q       *affine
	pub     *ecdsa.PublicKey
	payload []byte
	raw     []byte
}

// pendingBatch is a batch of verifications handed to WebCrypto.
type pendingBatch struct {
	n       int
	settled js.Value // Promise.allSettled of the verifications
	err     error    // set when nothing could be started
}

// startVerify starts verifying every item at once and returns without
// awaiting them. Keys not yet imported are imported first (all at once).
func (w *webCrypto) startVerify(items []verifyItem) *pendingBatch {
	b := &pendingBatch{n: len(items)}
	keys := make([]js.Value, len(items))
	importing := map[affine]js.Value{}
	w.mu.Lock()
	for i, it := range items {
		if k, ok := w.pub.get(*it.q); ok {
			keys[i] = k
		}
	}
	w.mu.Unlock()
	for i, it := range items {
		if keys[i].Truthy() {
			continue
		}
		if _, ok := importing[*it.q]; ok {
			continue
		}
		p, err := w.startImportPublic(it.pub)
		if err != nil {
			p = w.promise.Call("reject", err.Error())
		}
		importing[*it.q] = p
	}
	imported := make(map[affine]js.Value, len(importing))
	for q, p := range importing {
		if k, err := w.finishImportPublic(&q, p); err == nil {
			imported[q] = k
		} else {
			warnFallback("importKey", err)
		}
	}
	// One buffer for the batch's signatures and payloads, viewed through
	// subarrays, costs one copy instead of two per item.
	size := 0
	for _, it := range items {
		size += len(it.raw) + len(it.payload)
	}
	buf := make([]byte, 0, size)
	for _, it := range items {
		buf = append(append(buf, it.raw...), it.payload...)
	}
	jsBuf := w.bytes(buf)
	arr := js.Global().Get("Array").New(len(items))
	off := 0
	for i, it := range items {
		key := keys[i]
		if !key.Truthy() {
			key = imported[*it.q]
		}
		sigEnd := off + len(it.raw)
		end := sigEnd + len(it.payload)
		if key.Truthy() {
			sig := jsBuf.Call("subarray", off, sigEnd)
			data := jsBuf.Call("subarray", sigEnd, end)
			if p, err := w.call("verify", w.sigAlg, key, sig, data); err == nil {
				arr.SetIndex(i, p)
			}
			// Left undefined on error: settled as not a boolean, so
			// undecided.
		}
		off = end
	}
	settled, err := jsCall(w.promise, "allSettled", arr)
	if err != nil {
		b.err = err
		return b
	}
	b.settled = settled
	return b
}

// wait awaits the batch. decided[i] is false where WebCrypto gave no
// answer (the caller then verifies in Go); valid[i] is its verdict.
func (w *webCrypto) wait(b *pendingBatch) (valid, decided []bool) {
	valid, decided = make([]bool, b.n), make([]bool, b.n)
	if b.err != nil {
		warnFallback("verify", b.err)
		return valid, decided
	}
	res, err := w.await(b.settled)
	if err != nil {
		warnFallback("verify", err)
		return valid, decided
	}
	var firstErr error
	for i := range b.n {
		r := res.Index(i)
		if r.Get("status").String() == "fulfilled" {
			if v := r.Get("value"); v.Type() == js.TypeBoolean {
				valid[i], decided[i] = v.Bool(), true
				continue
			}
			if firstErr == nil {
				firstErr = errors.New("no verification started")
			}
		} else if firstErr == nil {
			firstErr = jsutil.Error(r.Get("reason"))
		}
	}
	if firstErr != nil {
		warnFallback("verify", firstErr)
	}
	return valid, decided
}

// lru is a small least-recently-used map; callers hold the lock.
type lru[K comparable] struct {
	max   int
	order *list.List // of *lruEntry[K], most recent first
	items map[K]*list.Element
}

type lruEntry[K comparable] struct {
	key K
	val js.Value
}

func newLRU[K comparable](max int) *lru[K] {
	return &lru[K]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K]) get(k K) (js.Value, bool) {
	e, ok := c.items[k]
	if !ok {
		return js.Value{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[K]).val, true
}

func (c *lru[K]) put(k K, v js.Value) {
	if e, ok := c.items[k]; ok {
		e.Value.(*lruEntry[K]).val = v
		c.order.MoveToFront(e)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry[K]{key: k, val: v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry[K]).key)
	}
}
