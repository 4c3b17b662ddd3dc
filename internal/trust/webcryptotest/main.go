//go:build js && wasm

// Command webcryptotest checks in a browser that package trust signs and
// verifies through WebCrypto interchangeably with its Go code, and that
// upstream GoatDB's signature vectors pass there, then times both paths.
// e2e/webcrypto.test.mjs builds it for js/wasm, serves the vectors of
// upstream-0.5.1 at /vectors/ and reads its console: TIME lines, then
// PASS or FAIL <reason>.
//
// Files are read with the page's fetch through syscall/js rather than
// net/http, which the wasm client keeps out of its binary.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"syscall/js"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/jsjson"
	"goatdb/internal/trust"
)

const org = "localhost"

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("FAIL panic: %v\n", r)
		}
	}()
	if err := run(); err != nil {
		fmt.Printf("FAIL %v\n", err)
	} else {
		fmt.Println("PASS")
	}
	// Stay alive: once main returns, a timer the runtime left pending
	// would fire into the exited program and raise a page error.
	select {}
}

func run() error {
	if !trust.WebCryptoAvailable() {
		return errors.New("crypto.subtle is missing (127.0.0.1 should be a secure context)")
	}
	var cv commitVectors
	if err := fetchJSON("/vectors/commit-signatures.json", &cv); err != nil {
		return err
	}
	tmpl, err := compact(cv.Cases[0].Commit)
	if err != nil {
		return err
	}
	if err := roundTrip(tmpl); err != nil {
		return fmt.Errorf("round trip: %w", err)
	}
	for _, webCrypto := range []bool{true, false} {
		name := map[bool]string{true: "WebCrypto", false: "Go"}[webCrypto]
		if trust.UseWebCrypto(webCrypto) != webCrypto {
			return fmt.Errorf("UseWebCrypto(%v) did not take", webCrypto)
		}
		if err := commitVectorsPass(&cv); err != nil {
			return fmt.Errorf("%s: commit-signatures: %w", name, err)
		}
		if err := signatureVectorsPass(); err != nil {
			return fmt.Errorf("%s: signatures: %w", name, err)
		}
		if err := requestVectorsPass(); err != nil {
			return fmt.Errorf("%s: request-signatures: %w", name, err)
		}
	}
	trust.UseWebCrypto(true)
	return timings(tmpl)
}

// ---- Signed by one side, verified by the other.

// newCommit copies the template commit line as a fresh commit of s.
func newCommit(tmpl []byte, s *trust.Session, n int) *commit.Commit {
	c, err := commit.Parse(bytes.Clone(tmpl))
	if err != nil {
		panic(err)
	}
	c.ID = fmt.Sprintf("wc%022d", n)
	c.Session, c.Sig, c.TS = s.ID, "", time.Now().UnixMilli()
	return c
}

func signWith(webCrypto bool, s *trust.Session, c *commit.Commit) error {
	trust.UseWebCrypto(webCrypto)
	defer trust.UseWebCrypto(true)
	if err := trust.SignCommit(s, c); err != nil {
		return err
	}
	c.Encode()
	return nil
}

func verifyWith(webCrypto bool, c *commit.Commit, signer *trust.Session) error {
	trust.UseWebCrypto(webCrypto)
	defer trust.UseWebCrypto(true)
	return trust.VerifyCommit(c, signer, org)
}

func roundTrip(tmpl []byte) error {
	s, err := trust.NewSession("", 0)
	if err != nil {
		return err
	}
	pub := s.Public()
	other, _ := trust.NewSession("", 0)
	impostor := *other.Public()
	impostor.ID = s.ID
	n := 0
	for _, signer := range []bool{true, false} {
		by := map[bool]string{true: "WebCrypto", false: "Go"}[signer]
		for i := range 10 {
			n++
			c := newCommit(tmpl, s, n)
			if err := signWith(signer, s, c); err != nil {
				return fmt.Errorf("%s signs: %w", by, err)
			}
			// The signature string holds r‖s over upstream's signed bytes,
			// checked without package trust: encoding/json, jsjson's
			// stableStringify and crypto/ecdsa.
			if err := independentVerify(c, s.PublicKey); err != nil {
				return fmt.Errorf("%s-signed commit %d: %w", by, i, err)
			}
			for _, verifier := range []bool{true, false} {
				vby := map[bool]string{true: "WebCrypto", false: "Go P-384"}[verifier]
				if err := verifyWith(verifier, c, pub); err != nil {
					return fmt.Errorf("%s-signed commit %d, %s verifies: %w", by, i, vby, err)
				}
				bad := *c
				bad.TS++
				if err := verifyWith(verifier, &bad, pub); !errors.Is(err, trust.ErrBadSignature) {
					return fmt.Errorf("%s-signed commit %d with another ts, %s verifies: %v", by, i, vby, err)
				}
				if err := verifyWith(verifier, c, &impostor); !errors.Is(err, trust.ErrBadSignature) {
					return fmt.Errorf("%s-signed commit %d under an impostor key, %s verifies: %v", by, i, vby, err)
				}
				// (r, n−s) verifies on both sides, or on neither.
				mal := *c
				mal.Sig = malleate(c.Sig)
				if err := verifyWith(verifier, &mal, pub); err != nil {
					return fmt.Errorf("%s-signed commit %d malleated, %s verifies: %v", by, i, vby, err)
				}
			}
		}
		// SignData/VerifyData and request signatures.
		trust.UseWebCrypto(signer)
		data, err := trust.SignData(s, []byte(`{"b":[1,"x"],"a":"z"}`), []byte(`{"u":"me"}`), time.Now())
		if err != nil {
			return err
		}
		req, err := trust.SignRequest(s, time.Now())
		if err != nil {
			return err
		}
		for _, verifier := range []bool{true, false} {
			trust.UseWebCrypto(verifier)
			if _, err := trust.VerifyData(pub, data, []byte(`{"a":"z","b":[1,"x"]}`)); err != nil {
				return fmt.Errorf("%s-signed data, verifier WebCrypto=%v: %w", by, verifier, err)
			}
			if _, err := trust.VerifyData(pub, data, []byte(`{"a":"z","b":[1,"y"]}`)); !errors.Is(err, trust.ErrBadSignature) {
				return fmt.Errorf("%s-signed data, other extData, verifier WebCrypto=%v: %v", by, verifier, err)
			}
			lookup := func(string) (*trust.Session, bool) { return pub, true }
			if _, err := trust.VerifyRequest(req, lookup, time.Now()); err != nil {
				return fmt.Errorf("%s-signed request, verifier WebCrypto=%v: %w", by, verifier, err)
			}
		}
		trust.UseWebCrypto(true)
	}
	// SignCommitNoWait must answer inside a JavaScript callback (a timer
	// here), where SignCommit, waiting for WebCrypto, would deadlock.
	c := newCommit(tmpl, s, 999)
	done := make(chan error, 1)
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		done <- trust.SignCommitNoWait(s, c)
		return nil
	})
	js.Global().Call("setTimeout", cb, 0)
	select {
	case err := <-done:
		cb.Release()
		if err != nil {
			return fmt.Errorf("SignCommitNoWait in a callback: %w", err)
		}
	case <-time.After(20 * time.Second):
		return errors.New("SignCommitNoWait in a callback did not return")
	}
	if err := verifyWith(true, c, pub); err != nil {
		return fmt.Errorf("SignCommitNoWait commit, WebCrypto verifies: %w", err)
	}
	// The pool's batch verification over a mix of both kinds.
	p := trust.NewTrustPool(org, s, nil, nil)
	var cs []*commit.Commit
	for i := range 40 {
		c := newCommit(tmpl, s, 1000+i)
		if err := signWith(i%2 == 0, s, c); err != nil {
			return err
		}
		if i%5 == 3 {
			c.Key += "x"
		}
		cs = append(cs, c)
	}
	for i, err := range p.VerifyAll(cs) {
		if (i%5 == 3) != errors.Is(err, trust.ErrBadSignature) || (i%5 != 3 && err != nil) {
			return fmt.Errorf("VerifyAll commit %d: %v", i, err)
		}
	}
	fmt.Printf("round trip: %d commits signed by WebCrypto and by Go verify on both sides; data, request, batch and no-wait signatures too\n", n)
	return nil
}

func malleate(sigText string) string {
	sig, err := trust.ParseSignature(sigText)
	if err != nil {
		panic(err)
	}
	n := elliptic.P384().Params().N
	new(big.Int).Sub(n, new(big.Int).SetBytes(sig.Raw[48:])).FillBytes(sig.Raw[48:])
	return sig.String()
}

// independentVerify re-derives the signed bytes of c as upstream does
// (stableStringify({extData: commit without "sig", sessionId})) and checks
// the signature's r‖s with crypto/ecdsa.
func independentVerify(c *commit.Commit, pub *ecdsa.PublicKey) error {
	dec := json.NewDecoder(bytes.NewReader(c.Encode()))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	sig, err := trust.ParseSignature(m["sig"].(string))
	if err != nil {
		return err
	}
	delete(m, "sig")
	m["org"] = org
	payload, err := jsjson.AppendStable(nil, map[string]any{"extData": numbersToFloat(m), "sessionId": c.Session})
	if err != nil {
		return err
	}
	if len(sig.Raw) != 96 {
		return fmt.Errorf("raw signature of %d bytes", len(sig.Raw))
	}
	h := sha512.Sum384(payload)
	if !ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig.Raw[:48]), new(big.Int).SetBytes(sig.Raw[48:])) {
		return errors.New("r‖s does not verify with crypto/ecdsa")
	}
	return nil
}

func numbersToFloat(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbersToFloat(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersToFloat(e)
		}
	}
	return v
}

// ---- Upstream's vectors.

type vectorSigner struct {
	ID           string          `json:"id"`
	PublicKey    json.RawMessage `json:"publicKey"`
	ExpirationMs int64           `json:"expirationMs"`
	Owner        string          `json:"owner"`
}

func (v *vectorSigner) session() (*trust.Session, error) {
	pub, err := trust.ParsePublicJWK(v.PublicKey)
	if err != nil {
		return nil, err
	}
	return &trust.Session{ID: v.ID, Owner: v.Owner, PublicKey: pub, Expiration: time.UnixMilli(v.ExpirationMs).UTC()}, nil
}

type commitCase struct {
	Variant       string          `json:"variant"`
	Commit        json.RawMessage `json:"commit"`
	Signer        vectorSigner    `json:"signer"`
	VerifierOrgID string          `json:"verifierOrgId"`
	Expected      bool            `json:"expected"`
}

type commitVectors struct {
	Sessions []vectorSigner `json:"sessions"`
	Cases    []commitCase   `json:"cases"`
	Tampered []commitCase   `json:"tampered"`
}

func commitVectorsPass(v *commitVectors) error {
	var sessions []*trust.Session
	for _, s := range v.Sessions {
		ss, err := s.session()
		if err != nil {
			return err
		}
		sessions = append(sessions, ss)
	}
	pool := trust.NewTrustPool(org, nil, nil, sessions)
	var batch []*commit.Commit
	var want []bool
	counts := map[string][2]int{}
	for _, group := range []struct {
		name  string
		cases []commitCase
	}{{"cases", v.Cases}, {"tampered", v.Tampered}} {
		for i, c := range group.cases {
			line, err := compact(c.Commit)
			if err != nil {
				return err
			}
			cm, err := commit.Parse(line)
			if err != nil {
				return fmt.Errorf("%s %d: %w", group.name, i, err)
			}
			signer, err := c.Signer.session()
			if err != nil {
				return err
			}
			err = trust.VerifyCommit(cm, signer, c.VerifierOrgID)
			if (err == nil) != c.Expected {
				return fmt.Errorf("%s %d %s: err = %v, upstream says %v", group.name, i, c.Variant, err, c.Expected)
			}
			n := counts[group.name]
			n[0]++
			if c.Expected {
				n[1]++
			}
			counts[group.name] = n
			if c.VerifierOrgID == org {
				batch = append(batch, cm)
				want = append(want, c.Expected)
			}
		}
	}
	for i, err := range pool.VerifyAll(batch) {
		if (err == nil) != want[i] {
			return fmt.Errorf("pool.VerifyAll commit %d: err = %v, upstream says %v", i, err, want[i])
		}
	}
	fmt.Printf("commit-signatures: %d cases (%d valid), %d tampered (%d still valid upstream), %d through the pool: as upstream\n",
		counts["cases"][0], counts["cases"][1], counts["tampered"][0], counts["tampered"][1], len(batch))
	return nil
}

func signatureVectorsPass() error {
	var v struct {
		Cases []struct {
			Kind      string          `json:"kind"`
			Signer    vectorSigner    `json:"signer"`
			ExtData   json.RawMessage `json:"extData"`
			Signature string          `json:"signature"`
			Expected  bool            `json:"expected"`
		} `json:"cases"`
	}
	if err := fetchJSON("/vectors/signatures.json", &v); err != nil {
		return err
	}
	valid := 0
	for i, c := range v.Cases {
		signer, err := c.Signer.session()
		if err != nil {
			return err
		}
		var ext []byte
		if c.ExtData != nil {
			if ext, err = compact(c.ExtData); err != nil {
				return err
			}
		}
		_, err = trust.VerifyData(signer, c.Signature, ext)
		if (err == nil) != c.Expected {
			return fmt.Errorf("case %d (%s): err = %v, upstream says %v", i, c.Kind, err, c.Expected)
		}
		if c.Expected {
			valid++
		}
	}
	if len(v.Cases) == 0 {
		return errors.New("no cases")
	}
	fmt.Printf("signatures: %d cases (%d valid): as upstream\n", len(v.Cases), valid)
	return nil
}

func requestVectorsPass() error {
	var v struct {
		Cases []struct {
			Header      string       `json:"header"`
			Signer      vectorSigner `json:"signer"`
			TimestampMs int64        `json:"timestampMs"`
			Expected    bool         `json:"expected"`
		} `json:"cases"`
	}
	if err := fetchJSON("/vectors/request-signatures.json", &v); err != nil {
		return err
	}
	valid := 0
	for i, c := range v.Cases {
		signer, err := c.Signer.session()
		if err != nil {
			return err
		}
		lookup := func(string) (*trust.Session, bool) { return signer, true }
		_, err = trust.VerifyRequest(c.Header, lookup, time.UnixMilli(c.TimestampMs))
		if (err == nil) != c.Expected {
			return fmt.Errorf("case %d: err = %v, upstream says %v", i, err, c.Expected)
		}
		if c.Expected {
			valid++
		}
	}
	if len(v.Cases) == 0 {
		return errors.New("no cases")
	}
	fmt.Printf("request-signatures: %d cases (%d valid): as upstream\n", len(v.Cases), valid)
	return nil
}

// ---- Timings.

// measure runs f (which does n operations) three times and prints the
// best and the median time per operation: the machine is shared, and
// noise only ever adds time.
func measure(what string, n int, f func() error) error {
	var ds []time.Duration
	for range 3 {
		t0 := time.Now()
		if err := f(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	fmt.Printf("TIME %s: %.3f ms/op best, %.3f median (%d ops, 3 runs)\n", what, per(ds[0]), per(ds[1]), n)
	return nil
}

func timings(tmpl []byte) error {
	signers := make([]*trust.Session, 4)
	for i := range signers {
		var err error
		if signers[i], err = trust.NewSession("", 0); err != nil {
			return err
		}
	}
	pubs := make([]*trust.Session, len(signers))
	for i, s := range signers {
		pubs[i] = s.Public()
	}
	s, pub := signers[0], pubs[0]
	seq := 0
	for _, webCrypto := range []bool{true, false} {
		name := map[bool]string{true: "WebCrypto", false: "Go (wasm)"}[webCrypto]
		trust.UseWebCrypto(webCrypto)
		n := map[bool]int{true: 100, false: 40}[webCrypto]
		cs := make([]*commit.Commit, n)
		// A first signature and verification import the keys (WebCrypto)
		// or build the key's table (Go).
		if err := trust.SignCommit(s, newCommit(tmpl, s, 4999)); err != nil {
			return err
		}
		err := measure(name+" sign commit, one at a time", n, func() error {
			for i := range cs {
				seq++
				cs[i] = newCommit(tmpl, s, 5000+seq)
				if err := trust.SignCommit(s, cs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for range 3 {
			trust.VerifyCommit(cs[0], pub, org)
		}
		err = measure(name+" verify commit, one at a time", n, func() error {
			for _, c := range cs {
				if err := trust.VerifyCommit(c, pub, org); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	// Keys seen for the first time: WebCrypto imports each, the Go
	// verifier has no table for it yet; and crypto/ecdsa, which the Go
	// verifier replaced, for reference.
	const coldN = 20
	cold := make([]*commit.Commit, 3*coldN)
	coldSigners := make([]*trust.Session, len(cold))
	trust.UseWebCrypto(true)
	for i := range cold {
		k, err := trust.NewSession("", 0)
		if err != nil {
			return err
		}
		coldSigners[i] = k.Public()
		cold[i] = newCommit(tmpl, k, 7000+i)
		if err := trust.SignCommit(k, cold[i]); err != nil {
			return err
		}
	}
	for _, webCrypto := range []bool{true, false} {
		name := map[bool]string{true: "WebCrypto", false: "Go (wasm)"}[webCrypto]
		trust.UseWebCrypto(webCrypto)
		run := 0
		err := measure(name+" verify commit, a new key each time", coldN, func() error {
			off := run * coldN
			run++
			for i := off; i < off+coldN; i++ {
				if err := trust.VerifyCommit(cold[i], coldSigners[i], org); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	trust.UseWebCrypto(true)
	h := sha512.Sum384([]byte("x"))
	r, ss, err := ecdsa.Sign(rand.Reader, s.PrivateKey, h[:])
	if err != nil {
		return err
	}
	err = measure("crypto/ecdsa (wasm) Verify, for reference", 20, func() error {
		for range 20 {
			if !ecdsa.Verify(s.PublicKey, h[:], r, ss) {
				return errors.New("does not verify")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// 1,000 commits by four sessions, signed from 16 goroutines at once
	// (with WebCrypto, up to 16 signatures in flight).
	const batchN = 1000
	cs := make([]*commit.Commit, batchN)
	err = measure("WebCrypto sign commit, from 16 goroutines at once", batchN, func() error {
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for g := range 16 {
			wg.Go(func() {
				for i := g; i < batchN; i += 16 {
					s := signers[i%len(signers)]
					c := newCommit(tmpl, s, 10000+i)
					if err := trust.SignCommit(s, c); err != nil {
						errs[g] = err
						return
					}
					c.Encode()
					cs[i] = c
				}
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	for _, webCrypto := range []bool{true, false} {
		name := map[bool]string{true: "WebCrypto", false: "Go (wasm)"}[webCrypto]
		trust.UseWebCrypto(webCrypto)
		var p *trust.TrustPool
		err := measure(fmt.Sprintf("%s batch verify (pool.VerifyAll of %d commits by 4 sessions)", name, batchN), batchN, func() error {
			p = trust.NewTrustPool(org, nil, nil, pubs) // no cached verdicts
			return errors.Join(p.VerifyAll(cs)...)
		})
		if err != nil {
			return err
		}
		if webCrypto {
			// Every verdict is cached now: what is left is the Go work
			// around the signatures (parsing, re-serialising, hashing).
			err := measure("VerifyAll with every verdict cached (the Go work only)", batchN, func() error {
				return errors.Join(p.VerifyAll(cs)...)
			})
			if err != nil {
				return err
			}
		}
	}
	trust.UseWebCrypto(true)
	return nil
}

// ---- Fetching through the page.

// await blocks until the promise p settles. main runs on its own
// goroutine, not inside a js.FuncOf callback, so blocking is fine.
func await(p js.Value) (js.Value, error) {
	done := make(chan struct{})
	var v js.Value
	var err error
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v = args[0]
		close(done)
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		err = errors.New(js.Global().Get("String").Invoke(args[0]).String())
		close(done)
		return nil
	})
	p.Call("then", ok, fail)
	<-done
	ok.Release()
	fail.Release()
	return v, err
}

func fetchBytes(url string) ([]byte, error) {
	resp, err := await(js.Global().Call("fetch", url))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("fetch %s: status %d", url, resp.Get("status").Int())
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	u := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u.Length())
	js.CopyBytesToGo(b, u)
	return b, nil
}

func fetchJSON(url string, v any) error {
	b, err := fetchBytes(url)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	return nil
}

// compact returns raw JSON without insignificant white space; the vector
// files were written by JSON.stringify, so member order and number and
// string forms are already as upstream wrote them.
func compact(raw json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
