//go:build js && wasm

package trust

import "goatdb/internal/commit"

// VerifyAll verifies cs and returns one error (nil for authentic) per
// commit, in order.
//
// In the browser Go has one thread, but WebCrypto verifies off it, and
// many verifications can be in flight at once. So rather than one worker
// per core, VerifyAll makes the Go checks of a window of commits (parsing,
// re-serialising, expiry, the verdict cache), hands every signature of the
// window to WebCrypto at once, and prepares the next window while those
// run; a window is awaited only once the next one has been started.
// Without WebCrypto, commits are verified one at a time in Go.
//
// Like every signing and verifying call in js/wasm, VerifyAll blocks its
// goroutine on promises and must not be called from a js.FuncOf callback.
func (p *TrustPool) VerifyAll(cs []*commit.Commit) []error {
	errs := make([]error, len(cs))
	w := webCryptoAPI()
	if w == nil {
		for i, c := range cs {
			errs[i] = p.Verify(c)
		}
		return errs
	}
	type window struct {
		jobs  []sigJob
		index []int // into cs
		batch *pendingBatch
	}
	finish := func(win *window) {
		if win == nil {
			return
		}
		valid, decided := w.wait(win.batch)
		for k := range win.jobs {
			j := &win.jobs[k]
			ok := valid[k]
			if !decided[k] {
				ok = goVerifyPayload(&j.q, j.pc.payload, &j.pc.digest, j.pc.sig.Raw)
			}
			errs[win.index[k]] = p.settle(j, ok)
		}
	}
	var inFlight *window
	for start := 0; start < len(cs); start += verifyWindow {
		win := &window{}
		for i, c := range cs[start:min(start+verifyWindow, len(cs))] {
			j, pending, err := p.prepare(c)
			if !pending {
				errs[start+i] = err
				continue
			}
			win.jobs = append(win.jobs, j)
			win.index = append(win.index, start+i)
		}
		items := make([]verifyItem, len(win.jobs))
		for k := range win.jobs {
			j := &win.jobs[k]
			items[k] = verifyItem{q: &j.q, pub: j.signer.PublicKey, payload: j.pc.payload, raw: j.pc.sig.Raw}
		}
		win.batch = w.startVerify(items)
		finish(inFlight)
		inFlight = win
	}
	finish(inFlight)
	return errs
}
