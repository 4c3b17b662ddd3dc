package trust

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// RequestHeader carries a request signature on sync requests.
const RequestHeader = "x-goat-sig"

// RequestWindow is how far a request signature's time may be from the
// server's clock, either way (upstream's REQUEST_SIG_EXPIRATION_MS).
const RequestWindow = 3 * time.Minute

// SignRequest returns a value for the x-goat-sig header, as upstream's
// generateRequestSignature makes it: the signature embeds {id, ts}, a fresh
// id and now in ms, and signs nothing else.
func SignRequest(s *Session, now time.Time) (string, error) {
	data := []byte(`{"id":"` + newID() + `","ts":` + strconv.FormatInt(now.UnixMilli(), 10) + `}`)
	return SignData(s, nil, data, now)
}

// RequestSignature is a verified request signature.
type RequestSignature struct {
	Session *Session
	// ID and TS are the embedded request id and time (ms).
	ID string
	TS int64
}

// VerifyRequest checks an x-goat-sig value without replay protection:
// the embedded time must be within RequestWindow of now, the signer must be
// a session lookup knows that has not expired at now, and the signature
// must verify. Servers should call ReplayGuard.Verify, which adds the
// replay check upstream lacks.
func VerifyRequest(header string, lookup func(id string) (*Session, bool), now time.Time) (*RequestSignature, error) {
	sig, err := ParseSignature(header)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	id, ts, err := requestData(sig)
	if err != nil {
		return nil, err
	}
	if d := now.UnixMilli() - ts; d > RequestWindow.Milliseconds() || d < -RequestWindow.Milliseconds() {
		return nil, fmt.Errorf("%w: signed at %s, now is %s", ErrStale,
			time.UnixMilli(ts).UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	s, ok := lookup(sig.SessionID)
	if !ok || s == nil {
		return nil, fmt.Errorf("%w: request signed by %s", ErrUnknownSession, sig.SessionID)
	}
	if s.Expired(now) {
		return nil, fmt.Errorf("%w: session %s expired at %s", ErrExpired, s.ID, s.Expiration.Format(time.RFC3339Nano))
	}
	payload, err := checkSigner(s, sig, nil)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	if !verifySession(s, payload, sig.Raw) {
		return nil, fmt.Errorf("%w: request does not verify with session %s", ErrBadSignature, s.ID)
	}
	return &RequestSignature{Session: s, ID: id, TS: ts}, nil
}

// requestData reads the embedded {id, ts}. Upstream reads d.ts without
// checking it exists (a header without it throws there, a 500); here it is
// a bad signature.
func requestData(sig *Signature) (string, int64, error) {
	d := sig.data
	if d == nil || d.kind != jObject {
		return "", 0, fmt.Errorf("%w: request signature embeds no {id, ts}", ErrBadSignature)
	}
	id, ts := d.get("id"), d.get("ts")
	if id == nil || id.kind != jString || id.str == "" {
		return "", 0, fmt.Errorf("%w: request signature has no id", ErrBadSignature)
	}
	if ts == nil || ts.kind != jNumber || math.IsInf(ts.num, 0) || math.Abs(ts.num) > maxDateMs {
		return "", 0, fmt.Errorf("%w: request signature has no time", ErrBadSignature)
	}
	return id.str, int64(math.Trunc(ts.num)), nil
}
