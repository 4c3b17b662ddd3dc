package commit

import (
	"math"
	"strconv"
)

// maxSafe is 2^53, the bound within which JavaScript numbers are exact
// integers; ts and ac outside it cannot have come from upstream.
const maxSafe = 1 << 53

// Parse reads one commit line (or any commit JSON object) without decoding
// its record, edit or ancestors filter. Every byte is still checked: the
// whole line must be a single valid JSON object in valid UTF-8.
//
// Required: "id" (non-empty string), "k" and "s" (strings) and "c" (an object
// with "r" (object), or "b" (string) and "e" (object); "r" wins when both are
// present, as upstream checks it first). Optional, with their types
// enforced: "ver", "ts" and "ac" (numbers; ts and ac integers, ac not
// negative), "org", "sig", "mb", "ml" and "cid" (strings), "p" (array of
// strings), "af" (object). Other keys, "revert" and "age" among them, are
// skipped as upstream ignores them. A repeated key counts once, with its last
// value, as JSON.parse does.
//
// Missing optional fields are left zero: in particular a missing ts is 0 and
// a missing cid is empty, where upstream would substitute Date.now() and its
// own connection id; that choice is the caller's.
//
// The returned commit keeps slices of line (see Commit). Its header strings
// share one allocation, so holding any of them holds all of them (about the
// size of the signature); strings.Clone one that must outlive the commit.
func Parse(line []byte) (*Commit, error) {
	// Header strings are decoded back to back into strs, on the stack for
	// any ordinary line, so that a commit costs a single string allocation
	// however many fields it has. The scanning helpers take and return strs
	// rather than share a struct, which keeps the buffers off the heap.
	var strsArr [1024]byte
	var parentsArr [8]span
	h := header{}
	c := &Commit{Raw: line}
	strs, parents, err := h.parse(line, c, strsArr[:0], parentsArr[:0])
	if err != nil {
		return nil, err
	}
	s := string(strs)
	str := func(f field) string { return s[h.spans[f].start:h.spans[f].end] }
	c.ID, c.Key, c.Session, c.Org = str(fID), str(fKey), str(fSession), str(fOrg)
	c.ConnID, c.Sig, c.MergeBase, c.MergeLeader = str(fConnID), str(fSig), str(fMergeBase), str(fMergeLeader)
	if c.Record == nil {
		c.Base = str(fBase)
	}
	if len(parents) > 0 {
		c.Parents = make([]string, len(parents))
		for i, sp := range parents {
			c.Parents[i] = s[sp.start:sp.end]
		}
	}
	return c, nil
}

// field names the header strings Parse collects.
type field uint8

const (
	fID field = iota
	fKey
	fSession
	fOrg
	fConnID
	fSig
	fMergeBase
	fMergeLeader
	fBase
	numFields
)

// span locates a decoded string in the strs buffer.
type span struct{ start, end int }

// header records where each header string landed and which were present.
// It holds no pointers, so passing it around keeps nothing alive.
type header struct {
	spans [numFields]span
	seen  uint16 // bit per field present
}

func (h *header) has(f field) bool { return h.seen&(1<<f) != 0 }

// str decodes the string at b[i] into strs as field f.
func (h *header) str(b []byte, i int, strs []byte, f field, name string) ([]byte, int, error) {
	if at(b, i) != '"' {
		return strs, 0, malformed(b, i, strconv.Quote(name)+" is not a string")
	}
	strs, sp, end, err := appendString(strs, b, i)
	if err != nil {
		return strs, 0, err
	}
	h.spans[f] = sp
	h.seen |= 1 << f
	return strs, end, nil
}

// appendString decodes the string at b[i] == '"' onto strs.
func appendString(strs, b []byte, i int) ([]byte, span, int, error) {
	end, escaped, err := scanString(b, i)
	if err != nil {
		return strs, span{}, 0, err
	}
	start := len(strs)
	if escaped {
		strs = appendUnescaped(strs, b[i+1:end-1])
	} else {
		strs = append(strs, b[i+1:end-1]...)
	}
	return strs, span{start, len(strs)}, end, nil
}

// memberKey reads an object member's key and colon at b[i]; it returns the
// key (decoded into scratch if it has escapes) and the index of the value.
func memberKey(b []byte, i int, scratch []byte) ([]byte, int, error) {
	if at(b, i) != '"' {
		return nil, 0, malformed(b, i, "expected object key")
	}
	end, escaped, err := scanString(b, i)
	if err != nil {
		return nil, 0, err
	}
	key := b[i+1 : end-1]
	if escaped {
		key = appendUnescaped(scratch[:0], key)
	}
	i = skipWS(b, end)
	if at(b, i) != ':' {
		return nil, 0, malformed(b, i, "expected ':'")
	}
	return key, skipWS(b, i+1), nil
}

// nextMember moves past the whitespace and ',' after a member; done reports
// the closing '}' instead, and the index is then just past it.
func nextMember(b []byte, i int) (int, bool, error) {
	i = skipWS(b, i)
	switch at(b, i) {
	case ',':
		return skipWS(b, i+1), false, nil
	case '}':
		return i + 1, true, nil
	}
	return 0, false, malformed(b, i, "expected ',' or '}'")
}

func (h *header) parse(b []byte, c *Commit, strs []byte, parents []span) ([]byte, []span, error) {
	i := skipWS(b, 0)
	if at(b, i) != '{' {
		return nil, nil, malformed(b, i, "commit is not a JSON object")
	}
	hasContents := false
	var scratch [16]byte
	i = skipWS(b, i+1)
	done := at(b, i) == '}'
	if done {
		i++
	}
	for !done {
		key, j, err := memberKey(b, i, scratch[:])
		if err != nil {
			return nil, nil, err
		}
		i = j
		switch string(key) {
		case "ver":
			c.Ver, i, err = parseNumber(b, i, "ver")
		case "id":
			strs, i, err = h.str(b, i, strs, fID, "id")
		case "k":
			strs, i, err = h.str(b, i, strs, fKey, "k")
		case "s":
			strs, i, err = h.str(b, i, strs, fSession, "s")
		case "ts":
			var ts float64
			ts, i, err = parseInteger(b, i, "ts")
			c.TS = int64(ts)
		case "org":
			strs, i, err = h.str(b, i, strs, fOrg, "org")
		case "p":
			strs, parents, i, err = parseParents(b, i, strs, parents[:0])
		case "af":
			c.AF, i, err = rawObject(b, i, "af")
		case "ac":
			var ac float64
			ac, i, err = parseInteger(b, i, "ac")
			if err == nil && ac < 0 {
				err = malformed(b, i, `negative "ac"`)
			}
			c.AC = int(ac)
		case "c":
			strs, i, err = h.contents(b, i, c, strs)
			hasContents = true
		case "sig":
			strs, i, err = h.str(b, i, strs, fSig, "sig")
		case "mb":
			strs, i, err = h.str(b, i, strs, fMergeBase, "mb")
		case "ml":
			strs, i, err = h.str(b, i, strs, fMergeLeader, "ml")
		case "cid":
			strs, i, err = h.str(b, i, strs, fConnID, "cid")
		default:
			i, err = skipValue(b, i)
		}
		if err != nil {
			return nil, nil, err
		}
		if i, done, err = nextMember(b, i); err != nil {
			return nil, nil, err
		}
	}
	if i = skipWS(b, i); i != len(b) {
		return nil, nil, malformed(b, i, "data after the commit object")
	}
	switch {
	case !h.has(fID) || h.spans[fID].start == h.spans[fID].end:
		return nil, nil, malformed(b, len(b), `missing or empty "id"`)
	case !h.has(fKey):
		return nil, nil, malformed(b, len(b), `missing "k"`)
	case !h.has(fSession):
		return nil, nil, malformed(b, len(b), `missing "s"`)
	case !hasContents:
		return nil, nil, malformed(b, len(b), `missing "c"`)
	}
	return strs, parents, nil
}

// contents reads "c" into Record, or Base and Edit.
func (h *header) contents(b []byte, i int, c *Commit, strs []byte) ([]byte, int, error) {
	if at(b, i) != '{' {
		return strs, 0, malformed(b, i, `"c" is not an object`)
	}
	c.Record, c.Edit = nil, nil
	h.seen &^= 1 << fBase
	var scratch [16]byte
	i = skipWS(b, i+1)
	if at(b, i) == '}' {
		return strs, 0, malformed(b, i, `empty "c"`)
	}
	for done := false; !done; {
		key, j, err := memberKey(b, i, scratch[:])
		if err != nil {
			return strs, 0, err
		}
		i = j
		switch string(key) {
		case "r":
			c.Record, i, err = rawObject(b, i, "c.r")
		case "b":
			strs, i, err = h.str(b, i, strs, fBase, "c.b")
		case "e":
			c.Edit, i, err = rawObject(b, i, "c.e")
		default:
			i, err = skipValue(b, i)
		}
		if err != nil {
			return strs, 0, err
		}
		if i, done, err = nextMember(b, i); err != nil {
			return strs, 0, err
		}
	}
	switch {
	case c.Record != nil:
		c.Edit = nil
	case !h.has(fBase) || c.Edit == nil:
		return strs, 0, malformed(b, i, `"c" needs "r", or "b" and "e"`)
	}
	return strs, i, nil
}

func parseParents(b []byte, i int, strs []byte, parents []span) ([]byte, []span, int, error) {
	if at(b, i) != '[' {
		return strs, parents, 0, malformed(b, i, `"p" is not an array`)
	}
	i = skipWS(b, i+1)
	if at(b, i) == ']' {
		return strs, parents, i + 1, nil
	}
	for {
		if at(b, i) != '"' {
			return strs, parents, 0, malformed(b, i, `"p" holds a non-string`)
		}
		var sp span
		var err error
		strs, sp, i, err = appendString(strs, b, i)
		if err != nil {
			return strs, parents, 0, err
		}
		parents = append(parents, sp)
		i = skipWS(b, i)
		switch at(b, i) {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return strs, parents, i + 1, nil
		default:
			return strs, parents, 0, malformed(b, i, "expected ',' or ']'")
		}
	}
}

// rawObject checks the object at b[i] and returns it as a slice of b whose
// capacity ends with it, so an append by the caller cannot overwrite b.
func rawObject(b []byte, i int, field string) ([]byte, int, error) {
	if at(b, i) != '{' {
		return nil, 0, malformed(b, i, strconv.Quote(field)+" is not an object")
	}
	end, err := skipValue(b, i)
	if err != nil {
		return nil, 0, err
	}
	return b[i:end:end], end, nil
}

func parseNumber(b []byte, i int, field string) (float64, int, error) {
	if c := at(b, i); c != '-' && (c < '0' || c > '9') {
		return 0, 0, malformed(b, i, strconv.Quote(field)+" is not a number")
	}
	end := skipNumber(b, i)
	if end < 0 {
		return 0, 0, malformed(b, ^end, "invalid number")
	}
	// Most header numbers are plain integers that fit a float64 exactly.
	if end-i <= 15 {
		var n int64
		j := i
		for ; j < end && b[j] >= '0' && b[j] <= '9'; j++ {
			n = n*10 + int64(b[j]-'0')
		}
		if j == end {
			return float64(n), end, nil
		}
	}
	f, err := strconv.ParseFloat(string(b[i:end]), 64)
	if err != nil {
		// Only overflow gets here: JSON.parse would read Infinity, which
		// JSON.stringify cannot write back.
		return 0, 0, malformed(b, i, strconv.Quote(field)+" out of range")
	}
	return f, end, nil
}

func parseInteger(b []byte, i int, field string) (float64, int, error) {
	f, end, err := parseNumber(b, i, field)
	if err != nil {
		return 0, 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > maxSafe {
		return 0, 0, malformed(b, i, strconv.Quote(field)+" is not a safe integer")
	}
	return f, end, nil
}
