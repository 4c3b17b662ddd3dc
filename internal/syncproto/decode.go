package syncproto

import (
	"encoding/json"
	"errors"
	"fmt"

	"goatdb/internal/bloom"
)

// maxSafe is 2^53: JavaScript counts are exact integers up to it.
const maxSafe = 1 << 53

// DecodeMessage decodes one sync message under DefaultLimits.
func DecodeMessage(b []byte) (*Message, error) {
	return DecodeMessageLimits(b, DefaultLimits)
}

// DecodeMessageLimits decodes one sync message as upstream's JSON.parse and
// SyncMessage decoder read it: any key order, any JSON whitespace, unknown
// keys ignored, the last of repeated keys winning, escapes in keys undone.
// It is stricter than upstream about types, which upstream does not check:
//
//   - "ver" must be a finite number, "s" an integer in [0, 2^53];
//   - "f" must be {"__t":"E","__v":{"d":..,"s":[..]}}, a filter package bloom
//     accepts, within lim's filter bounds (upstream would also take a bare
//     {"d","s"}, but no upstream peer sends one);
//   - "c", if present, must be an array of objects, and "ad" an array of
//     strings. Upstream skips commits it cannot decode one by one; here the
//     commits are kept raw, and judging each is the caller's part.
//
// Commits and AccessDenied alias b: the caller must not modify b while the
// message is in use.
func DecodeMessageLimits(b []byte, lim Limits) (*Message, error) {
	d := newDecoder(b, lim)
	if len(b) > d.lim.MaxBytes {
		return nil, malformed(overLimit("%d bytes, over the limit of %d", len(b), d.lim.MaxBytes))
	}
	m, end, err := d.message(skipWS(b, 0))
	if end >= 0 {
		if tail := d.end(end); tail != nil {
			err = tail
		}
	}
	if err != nil {
		return nil, malformed(err)
	}
	return m, nil
}

// decoder walks one input, checking its syntax as it goes (see validator),
// with the limits that apply and the commits left for the whole input.
type decoder struct {
	validator
	lim    Limits
	budget int
}

func newDecoder(b []byte, lim Limits) *decoder {
	lim = lim.withDefaults()
	return &decoder{validator: validator{b: b}, lim: lim, budget: lim.MaxCommits}
}

// span checks the value at b[i] and returns it, or an error.
func (d *decoder) span(i int) ([]byte, int, error) {
	end := d.value(i)
	if end < 0 {
		return nil, -1, d.syntaxErr()
	}
	return d.b[i:end], end, nil
}

// skipBad finishes a value at b[i] that turned out to be of the wrong type:
// it still has to be checked, and the walk goes on after it. A syntax error
// in it wins over err.
func (d *decoder) skipBad(i int, err error) (int, error) {
	end := d.value(i)
	if end < 0 {
		return -1, d.syntaxErr()
	}
	return end, err
}

// message decodes the message at b[i]. It returns the index just past it
// and, on error, -1 if the walk cannot go on (bad syntax, a limit) or the
// end if it can: a later value for the same key may replace this one, as
// JSON.parse keeps the last.
func (d *decoder) message(i int) (*Message, int, error) {
	if d.at(i) != '{' {
		end, err := d.skipBad(i, fmt.Errorf("message is %s, not an object", d.kind(i)))
		return nil, end, err
	}
	var ver, f, s, ad []byte
	var commits []json.RawMessage
	var commitsErr error
	end, err := d.object(i, func(key []byte, j int) (end int, err error) {
		switch string(unescapeKey(key)) {
		case "ver":
			ver, end, err = d.span(j)
		case "f":
			f, end, err = d.span(j)
		case "s":
			s, end, err = d.span(j)
		case "ad":
			ad, end, err = d.span(j)
		case "c":
			d.budget += len(commits) // a repeated "c": the last one counts
			commits, end, commitsErr = d.commits(j)
			if end < 0 {
				return -1, commitsErr
			}
		default:
			_, end, err = d.span(j)
		}
		return end, err
	})
	if err != nil {
		return nil, -1, err
	}
	var m *Message
	if commitsErr != nil {
		err = fmt.Errorf(`"c": %w`, commitsErr)
	} else {
		m, err = d.finish(ver, f, s, ad)
	}
	if err != nil {
		d.budget += len(commits)
		return nil, end, err
	}
	m.Commits = commits
	return m, end, nil
}

// kind names the value at b[i] for an error message.
func (d *decoder) kind(i int) string {
	if i >= len(d.b) {
		return "missing"
	}
	return kind(d.b[i:])
}

// finish decodes the message's scalar members, each checked by now.
func (d *decoder) finish(ver, f, s, ad []byte) (*Message, error) {
	for _, req := range []struct {
		name string
		val  []byte
	}{{"ver", ver}, {"f", f}, {"s", s}} {
		if req.val == nil {
			return nil, fmt.Errorf("missing %q", req.name)
		}
	}
	m := new(Message)
	var err error
	if m.Ver, err = decodeNumber(ver); err != nil {
		return nil, fmt.Errorf(`"ver": %w`, err)
	}
	size, err := decodeNumber(s)
	if err != nil {
		return nil, fmt.Errorf(`"s": %w`, err)
	}
	if !(size >= 0 && size <= maxSafe && size == float64(int64(size))) {
		return nil, fmt.Errorf(`"s": %s is not a count`, s)
	}
	m.Size = int(size)
	if m.Filter, err = decodeFilter(f, d.lim); err != nil {
		return nil, fmt.Errorf(`"f": %w`, err)
	}
	if ad != nil {
		if m.AccessDenied, err = decodeAccessDenied(ad); err != nil {
			return nil, fmt.Errorf(`"ad": %w`, err)
		}
	}
	return m, nil
}

// commits cuts out the commit objects of the array at b[i], each checked
// once on the way, and takes them from the budget. It returns like message;
// on a type error it gives back what it took.
func (d *decoder) commits(i int) ([]json.RawMessage, int, error) {
	if d.at(i) != '[' {
		end, err := d.skipBad(i, fmt.Errorf("%s, not an array", d.kind(i)))
		return nil, end, err
	}
	var out []json.RawMessage
	var bad error
	end, err := d.array(i, func(n, j int) (int, error) {
		c, end, err := d.span(j)
		switch {
		case err != nil || bad != nil:
		case c[0] != '{':
			bad = fmt.Errorf("[%d] is %s, not an object", n, kind(c))
		case n >= d.lim.MaxCommits:
			err = overLimit("more than %d commits in one message", d.lim.MaxCommits)
		case d.budget <= 0:
			err = overLimit("more than %d commits in one input", d.lim.MaxCommits)
		default:
			d.budget--
			out = append(out, c)
		}
		return end, err
	})
	if err != nil {
		return nil, -1, err
	}
	if bad != nil {
		d.budget += len(out)
		return nil, end, bad
	}
	return out, end, nil
}

// decodeFilter decodes {"__t":"E","__v":{"d":..,"s":[..]}}, checked JSON.
func decodeFilter(v []byte, lim Limits) (*bloom.Filter, error) {
	if v[0] != '{' {
		return nil, fmt.Errorf("%s, not an object", kind(v))
	}
	var t, inner []byte
	eachField(v, func(k, val []byte) error {
		switch string(unescapeKey(k)) {
		case "__t":
			t = val
		case "__v":
			inner = val
		}
		return nil
	})
	if t == nil || inner == nil {
		return nil, errors.New(`not an encoded object {"__t":"E","__v":{..}}`)
	}
	if tag, err := decodeString(t); err != nil || tag != "E" {
		return nil, fmt.Errorf(`"__t" is %.40s, not "E"`, t)
	}
	if inner[0] != '{' {
		return nil, fmt.Errorf(`"__v" is %s, not an object`, kind(inner))
	}
	// Bound the text before package bloom decodes it: base64 of the largest
	// bit array allowed, twice over for whitespace and escapes, plus room
	// for the seeds.
	if maxJSON := 2*((lim.MaxFilterBytes+2)/3*4) + 64*lim.MaxSeeds + 1024; len(inner) > maxJSON {
		return nil, overLimit("%d bytes of filter, over the limit of %d", len(inner), maxJSON)
	}
	f := new(bloom.Filter)
	if err := f.UnmarshalJSON(inner); err != nil {
		return nil, err
	}
	if f.ByteSize() > lim.MaxFilterBytes {
		return nil, overLimit("%d bytes of filter, over the limit of %d", f.ByteSize(), lim.MaxFilterBytes)
	}
	if f.NumHashes() > lim.MaxSeeds {
		return nil, overLimit("%d seeds, over the limit of %d", f.NumHashes(), lim.MaxSeeds)
	}
	return f, nil
}

// decodeAccessDenied checks that v, checked JSON, is an array of strings;
// an empty one is returned as nil.
func decodeAccessDenied(v []byte) (json.RawMessage, error) {
	if v[0] != '[' {
		return nil, fmt.Errorf("%s, not an array", kind(v))
	}
	n := 0
	err := eachElem(v, func(i int, s []byte) error {
		n++
		if s[0] != '"' {
			return fmt.Errorf("[%d] is %s, not a string", i, kind(s))
		}
		return nil
	})
	if err != nil || n == 0 {
		return nil, err
	}
	return v, nil
}
