package syncproto

import (
	"bytes"
	"fmt"
	"slices"

	"goatdb/internal/jsjson"
)

// Entry is one repository's part of a /batch-sync body: {"path", "msg"} in
// a request, {"path", "res"} in a response. Path is kept as sent; checking
// it is the caller's part. Msg is never nil in decoded entries and must not
// be nil in encoded ones (it would be written as null, which no peer reads).
type Entry struct {
	Path string
	Msg  *Message
}

// bom is the UTF-8 byte order mark. Upstream reads bodies with
// Request.json(), whose UTF-8 decode drops a leading one.
var bom = []byte("\xef\xbb\xbf")

// DecodeBatchRequest decodes a /batch-sync request body, a JSON array of
// {"path": string, "msg": message}. Messages are decoded as by
// DecodeMessageLimits; lim.MaxCommits bounds the commits of all of them
// together. An empty array gives no entries and no error (upstream answers
// it with []). The entries' commits alias b.
func DecodeBatchRequest(b []byte, lim Limits) ([]Entry, error) {
	return decodeBatch(b, lim, "msg")
}

// DecodeBatchResponse decodes a /batch-sync response body, a JSON array of
// {"path": string, "res": message}, as DecodeBatchRequest does a request.
// Upstream clients require one reply per request and match them by path;
// that check is the caller's.
func DecodeBatchResponse(b []byte, lim Limits) ([]Entry, error) {
	return decodeBatch(b, lim, "res")
}

func decodeBatch(b []byte, lim Limits, msgKey string) ([]Entry, error) {
	b = bytes.TrimPrefix(b, bom)
	d := newDecoder(b, lim)
	if len(b) > d.lim.MaxBytes {
		return nil, malformed(overLimit("%d bytes, over the limit of %d", len(b), d.lim.MaxBytes))
	}
	out, err := d.batch(msgKey)
	if err != nil {
		return nil, malformed(err)
	}
	return out, nil
}

func (d *decoder) batch(msgKey string) ([]Entry, error) {
	i := skipWS(d.b, 0)
	if d.at(i) != '[' {
		if err := validate(d.b); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("batch is %s, not an array", d.kind(i))
	}
	out := []Entry{}
	end, err := d.array(i, func(n, j int) (int, error) {
		if n >= d.lim.MaxEntries {
			return -1, overLimit("more than %d entries", d.lim.MaxEntries)
		}
		e, end, err := d.entry(j, msgKey)
		if err != nil {
			return -1, fmt.Errorf("entry %d: %w", n, err)
		}
		out = append(out, e)
		return end, nil
	})
	if err != nil {
		return nil, err
	}
	if err := d.end(end); err != nil {
		return nil, err
	}
	return out, nil
}

// entry decodes {"path": string, msgKey: message} at b[i].
func (d *decoder) entry(i int, msgKey string) (Entry, int, error) {
	var e Entry
	if d.at(i) != '{' {
		return e, -1, fmt.Errorf("%s, not an object", d.kind(i))
	}
	var path []byte
	var msgErr error
	end, err := d.object(i, func(key []byte, j int) (end int, err error) {
		switch string(unescapeKey(key)) {
		case "path":
			path, end, err = d.span(j)
		case msgKey:
			if e.Msg != nil {
				d.budget += len(e.Msg.Commits) // a repeated key: the last one counts
			}
			e.Msg, end, msgErr = d.message(j)
			if end < 0 {
				err = msgErr
			}
		default:
			_, end, err = d.span(j)
		}
		return end, err
	})
	if err != nil {
		return e, -1, err
	}
	if path == nil {
		return e, -1, fmt.Errorf(`missing "path"`)
	}
	if e.Path, err = decodeString(path); err != nil {
		return e, -1, fmt.Errorf(`"path": %w`, err)
	}
	if msgErr == nil && e.Msg == nil {
		return e, -1, fmt.Errorf("missing %q", msgKey)
	}
	if msgErr != nil {
		return e, -1, fmt.Errorf("%q of %.100q: %w", msgKey, e.Path, msgErr)
	}
	return e, end, nil
}

// AppendBatchRequest appends a /batch-sync request body for entries, the
// bytes upstream's client writes for the same messages.
func AppendBatchRequest(dst []byte, entries []Entry) []byte {
	return appendBatch(dst, entries, `,"msg":`)
}

// AppendBatchResponse appends a /batch-sync response body for entries, the
// bytes upstream's server writes for the same messages.
func AppendBatchResponse(dst []byte, entries []Entry) []byte {
	return appendBatch(dst, entries, `,"res":`)
}

func appendBatch(dst []byte, entries []Entry, msgKey string) []byte {
	n := 2
	for _, e := range entries {
		n += len(e.Path) + 20 + e.Msg.jsonSize()
	}
	dst = slices.Grow(dst, n)
	dst = append(dst, '[')
	for i, e := range entries {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"path":`...)
		dst = jsjson.AppendString(dst, e.Path)
		dst = append(dst, msgKey...)
		dst = e.Msg.AppendJSON(dst)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
