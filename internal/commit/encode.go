package commit

import (
	"sync"
	"unicode/utf8"

	"goatdb/internal/jsjson"
)

// Encode returns the commit as upstream's JSON.stringify(commit.toJS())
// writes it, sets Raw to it and returns Raw. Keys come in upstream's order
// and with its presence rules: "p" only when there are parents, "af" only
// when AF is set, "ac" only when non-zero, "sig", "mb" and "ml" only when
// non-empty, "cid" always; "revert" and "age" never.
//
// AF, Record and Edit are written verbatim, so they must already be compact
// JSON as JavaScript writes it (true of anything read from an upstream
// file). A commit with neither Record nor Edit encodes "e":null, which Parse
// rejects.
//
// Afterwards AF, Record and Edit are slices of Raw, as after Parse, so a
// caller may build them in scratch buffers it reuses once Encode returns.
func (c *Commit) Encode() []byte {
	var sp spans
	// The line is built in a reused buffer and copied into one allocation
	// of exactly its length: Raw lives as long as the commit, and sizeHint's
	// headroom would otherwise be kept (and scanned past) for every commit.
	buf := encodePool.Get().(*[]byte)
	line := c.appendJSON((*buf)[:0], true, &sp)
	c.Raw = append(make([]byte, 0, len(line)), line...)
	if cap(line) <= maxEncodeScratch {
		*buf = line
		encodePool.Put(buf)
	}
	if c.AF != nil {
		c.AF = c.Raw[sp.af:sp.afEnd:sp.afEnd]
	}
	if c.Record != nil {
		c.Record = c.Raw[sp.c:sp.cEnd:sp.cEnd]
	} else if c.Edit != nil {
		c.Edit = c.Raw[sp.c:sp.cEnd:sp.cEnd]
	}
	return c.Raw
}

// encodePool holds Encode's scratch buffers (*[]byte).
var encodePool = sync.Pool{New: func() any { return new([]byte) }}

// maxEncodeScratch keeps one huge commit from pinning its buffer in the
// pool.
const maxEncodeScratch = 64 << 10

// spans locates the verbatim parts in Encode's output.
type spans struct {
	af, afEnd, c, cEnd int
}

// EncodeUnsigned is Encode without "sig" and without touching Raw: the
// commit as upstream serialises it for signing (serialize with
// {signed: false}).
func (c *Commit) EncodeUnsigned() []byte {
	var sp spans
	return c.appendJSON(make([]byte, 0, c.sizeHint()), false, &sp)
}

func (c *Commit) sizeHint() int {
	n := 160 + len(c.ID) + len(c.Key) + len(c.Session) + len(c.Org) + len(c.ConnID) +
		len(c.AF) + len(c.Record) + len(c.Base) + len(c.Edit) + len(c.Sig) +
		len(c.MergeBase) + len(c.MergeLeader)
	for _, p := range c.Parents {
		n += len(p) + 3
	}
	return n
}

func (c *Commit) appendJSON(dst []byte, signed bool, sp *spans) []byte {
	dst = append(dst, `{"ver":`...)
	dst = jsjson.AppendNumber(dst, c.Ver)
	dst = append(dst, `,"id":`...)
	dst = appendJSString(dst, c.ID)
	dst = append(dst, `,"k":`...)
	dst = appendJSString(dst, c.Key)
	dst = append(dst, `,"s":`...)
	dst = appendJSString(dst, c.Session)
	dst = append(dst, `,"ts":`...)
	dst = jsjson.AppendNumber(dst, float64(c.TS))
	dst = append(dst, `,"org":`...)
	dst = appendJSString(dst, c.Org)
	if len(c.Parents) > 0 {
		dst = append(dst, `,"p":[`...)
		for i, p := range c.Parents {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSString(dst, p)
		}
		dst = append(dst, ']')
	}
	if c.AF != nil {
		dst = append(dst, `,"af":`...)
		sp.af = len(dst)
		dst = append(dst, c.AF...)
		sp.afEnd = len(dst)
	}
	if c.AC != 0 {
		dst = append(dst, `,"ac":`...)
		dst = jsjson.AppendNumber(dst, float64(c.AC))
	}
	if c.Record != nil {
		dst = append(dst, `,"c":{"r":`...)
		sp.c = len(dst)
		dst = append(dst, c.Record...)
		sp.cEnd = len(dst)
	} else {
		dst = append(dst, `,"c":{"b":`...)
		dst = appendJSString(dst, c.Base)
		dst = append(dst, `,"e":`...)
		if c.Edit != nil {
			sp.c = len(dst)
			dst = append(dst, c.Edit...)
			sp.cEnd = len(dst)
		} else {
			dst = append(dst, "null"...)
		}
	}
	dst = append(dst, '}')
	if signed && c.Sig != "" {
		dst = append(dst, `,"sig":`...)
		dst = appendJSString(dst, c.Sig)
	}
	if c.MergeBase != "" {
		dst = append(dst, `,"mb":`...)
		dst = appendJSString(dst, c.MergeBase)
	}
	if c.MergeLeader != "" {
		dst = append(dst, `,"ml":`...)
		dst = appendJSString(dst, c.MergeLeader)
	}
	dst = append(dst, `,"cid":`...)
	dst = appendJSString(dst, c.ConnID)
	return append(dst, '}')
}

// appendJSString is jsjson.AppendString with a fast path for text that
// JSON.stringify writes unchanged (no '"', '\\' or control characters, valid
// UTF-8), as ids and signatures always are.
func appendJSString(dst []byte, s string) []byte {
	if !plainASCII(s) && !writtenVerbatim(s) {
		return jsjson.AppendString(dst, s)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plainASCII reports, eight bytes at a time, whether s is ASCII without
// control characters below U+0020, '"' or '\\'.
func plainASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if plainMask(load64(s, i)) != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// writtenVerbatim is the slower check for text with non-ASCII characters.
func writtenVerbatim(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.ValidString(s)
}

func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}
