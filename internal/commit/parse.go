package commit

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"
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
// The returned commit aliases line rather than copying from it: Raw, AF,
// Record and Edit are slices of it, and so are the header strings (ID, Key,
// Session, Org, ConnID, Sig, MergeBase, MergeLeader, Base and Parents)
// unless they hold escape sequences. Opening a repository parses every line
// of it, and copies would cost as much as the parse. So the caller must
// neither modify nor reuse line afterwards, and any one of those strings
// keeps all of line alive: strings.Clone one that must outlive the commit.
func Parse(line []byte) (*Commit, error) {
	// Most commits have exactly one parent: its slot comes with the commit,
	// so a commit costs a single allocation.
	out := new(commitParent)
	c := &out.Commit
	parents, err := parseInto(c, line, out.parent[:0])
	if err != nil {
		return nil, err
	}
	c.Raw = line
	if len(parents) > 0 {
		c.Parents = parents
	}
	return c, nil
}

// Slab parses many commits with few allocations: commits come from blocks
// of slabBlock, one allocation each, instead of one allocation apiece.
// Opening a large repository parses every line of it, and the allocations
// and the garbage collector's work per object were a large part of that.
// A block stays alive while any commit of it does, which suits callers that
// keep nearly everything they parse (loading a repository); callers that
// keep few commits should use Parse. The zero Slab is ready to use; it is
// not safe for concurrent use.
type Slab struct {
	free []commitParent
}

// slabBlock is how many commits a Slab allocates at a time.
const slabBlock = 256

// Parse is the package-level Parse, taking the commit from s.
func (s *Slab) Parse(line []byte) (*Commit, error) {
	if len(s.free) == 0 {
		s.free = make([]commitParent, slabBlock)
	}
	out := &s.free[0]
	c := &out.Commit
	parents, err := parseInto(c, line, out.parent[:0:1])
	if err != nil {
		// The slot may hold part of the rejected line: clear it for the
		// next one.
		*out = commitParent{}
		return nil, err
	}
	s.free = s.free[1:]
	c.Raw = line
	if len(parents) > 0 {
		c.Parents = parents
	}
	return c, nil
}

// ParseInto is Parse into c, which it overwrites, building c.Parents in
// parents' backing array: a caller that parses many lines, keeping none of
// the commits, allocates nothing for them once its buffer has grown. On
// error c holds nothing useful.
func ParseInto(c *Commit, line []byte, parents []string) error {
	*c = Commit{}
	parents, err := parseInto(c, line, parents[:0])
	if err != nil {
		return err
	}
	c.Raw = line
	if len(parents) > 0 {
		c.Parents = parents
	}
	return nil
}

// commitParent is a commit with room for one parent.
type commitParent struct {
	Commit
	parent [1]string
}

// member names the members of a commit object, in the order upstream
// writes them.
type member uint8

const (
	mVer member = iota
	mID
	mKey
	mSession
	mTS
	mOrg
	mParents
	mAF
	mAC
	mContents
	mSig
	mMergeBase
	mMergeLeader
	mConnID
	numMembers
	mOther = numMembers
)

// memberKeys holds each member's key as it starts the member in compact
// JSON: `"name":`, at most eight bytes, read as a little-endian word.
var memberKeys = func() (keys [numMembers]struct {
	word, mask uint64
	n          int
}) {
	for m, name := range [numMembers]string{"ver", "id", "k", "s", "ts", "org", "p", "af", "ac", "c", "sig", "mb", "ml", "cid"} {
		k := `"` + name + `":`
		for j := range len(k) {
			keys[m].word |= uint64(k[j]) << (8 * j)
		}
		keys[m].mask = 1<<(8*len(k)) - 1
		keys[m].n = len(k)
	}
	return keys
}()

// memberOf maps a decoded key to its member.
func memberOf(key []byte) member {
	switch string(key) {
	case "ver":
		return mVer
	case "id":
		return mID
	case "k":
		return mKey
	case "s":
		return mSession
	case "ts":
		return mTS
	case "org":
		return mOrg
	case "p":
		return mParents
	case "af":
		return mAF
	case "ac":
		return mAC
	case "c":
		return mContents
	case "sig":
		return mSig
	case "mb":
		return mMergeBase
	case "ml":
		return mMergeLeader
	case "cid":
		return mConnID
	}
	return mOther
}

// Presence bits of the required members.
const (
	seenID = 1 << iota
	seenKey
	seenSession
	seenContents
)

func parseInto(c *Commit, b []byte, parents []string) ([]string, error) {
	i := skipWS(b, 0)
	if at(b, i) != '{' {
		return nil, malformed(b, i, "commit is not a JSON object")
	}
	seen := 0
	var scratch [16]byte
	i = skipWS(b, i+1)
	done := at(b, i) == '}'
	if done {
		i++
	}
	var parentsBuf []string // parents read so far, when there are any
	next := mVer            // the member upstream would write next
	for !done {
		// Upstream writes members in a fixed order, so the key is nearly
		// always one of the next few: a word compare each, instead of
		// scanning and matching the key.
		m := mOther
		if i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			for k := next; k < numMembers; k++ {
				if key := &memberKeys[k]; w&key.mask == key.word {
					m = k
					i += key.n
					break
				}
			}
		}
		if m == mOther {
			key, j, err := memberKey(b, i, &scratch)
			if err != nil {
				return nil, err
			}
			i = j
			m = memberOf(key)
		}
		if m < numMembers {
			next = m + 1
		}
		var err error
		switch m {
		case mVer:
			c.Ver, i, err = parseNumber(b, i, "ver")
		case mID:
			c.ID, i, err = headerString(b, i, "id")
			seen |= seenID
		case mKey:
			c.Key, i, err = headerString(b, i, "k")
			seen |= seenKey
		case mSession:
			c.Session, i, err = headerString(b, i, "s")
			seen |= seenSession
		case mTS:
			var ts float64
			ts, i, err = parseInteger(b, i, "ts")
			c.TS = int64(ts)
		case mOrg:
			c.Org, i, err = headerString(b, i, "org")
		case mParents:
			parentsBuf, i, err = parseParents(b, i, parents[:0])
		case mAF:
			c.AF, i, err = ancestorsObject(b, i)
		case mAC:
			var ac float64
			ac, i, err = parseInteger(b, i, "ac")
			if err == nil && ac < 0 {
				err = malformed(b, i, `negative "ac"`)
			}
			c.AC = int(ac)
		case mContents:
			i, err = contents(b, i, c)
			seen |= seenContents
		case mSig:
			c.Sig, i, err = headerString(b, i, "sig")
		case mMergeBase:
			c.MergeBase, i, err = headerString(b, i, "mb")
		case mMergeLeader:
			c.MergeLeader, i, err = headerString(b, i, "ml")
		case mConnID:
			c.ConnID, i, err = headerString(b, i, "cid")
		default:
			i, err = skipValue(b, i)
		}
		if err != nil {
			return nil, err
		}
		if at(b, i) == ',' && at(b, i+1) == '"' {
			i++
			continue
		}
		if i, done, err = nextMember(b, i); err != nil {
			return nil, err
		}
	}
	if i < len(b) {
		if i = skipWS(b, i); i != len(b) {
			return nil, malformed(b, i, "data after the commit object")
		}
	}
	switch {
	case seen&seenID == 0 || c.ID == "":
		return nil, malformed(b, len(b), `missing or empty "id"`)
	case seen&seenKey == 0:
		return nil, malformed(b, len(b), `missing "k"`)
	case seen&seenSession == 0:
		return nil, malformed(b, len(b), `missing "s"`)
	case seen&seenContents == 0:
		return nil, malformed(b, len(b), `missing "c"`)
	}
	return parentsBuf, nil
}

// headerString reads the string at b[i], the value of member name.
func headerString(b []byte, i int, name string) (string, int, error) {
	if at(b, i) != '"' {
		return "", 0, malformed(b, i, strconv.Quote(name)+" is not a string")
	}
	// Ids are plain ASCII: find the closing quote a word at a time, and
	// byte by byte at the end of the line ("cid" comes last).
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		if m := plainMask(wordAt(b, j)); m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	if j < len(b) && b[j] == '"' && j > i+1 {
		return unsafe.String(&b[i+1], j-i-1), j + 1, nil
	}
	return readString(b, i)
}

// readString reads the string at b[i] == '"', aliasing b when it can.
func readString(b []byte, i int) (string, int, error) {
	end, escaped := skipString(b, i)
	if end < 0 {
		return "", 0, malformed(b, ^end, "invalid string")
	}
	raw := b[i+1 : end-1]
	switch {
	case len(raw) == 0:
		return "", end, nil
	case escaped:
		// Decoding never lengthens a string, so one exact buffer holds it.
		out := appendUnescaped(make([]byte, 0, len(raw)), raw)
		return unsafe.String(unsafe.SliceData(out), len(out)), end, nil
	}
	return unsafe.String(unsafe.SliceData(raw), len(raw)), end, nil
}

// memberKey reads an object member's key and colon at b[i]; it returns the
// key (decoded into scratch if it has escapes) and the index of the value.
func memberKey(b []byte, i int, scratch *[16]byte) ([]byte, int, error) {
	if at(b, i) != '"' {
		return nil, 0, malformed(b, i, "expected object key")
	}
	// Keys are short: the closing quote is usually among the next eight
	// bytes, with nothing to look at before it.
	end := -1
	if i+9 <= len(b) {
		if m := plainMask(binary.LittleEndian.Uint64(b[i+1:])); m != 0 {
			if k := i + 1 + bits.TrailingZeros64(m)>>3; b[k] == '"' {
				end = k + 1
			}
		}
	}
	key := []byte(nil)
	if end >= 0 {
		key = b[i+1 : end-1]
	} else {
		var escaped bool
		if end, escaped = skipString(b, i); end < 0 {
			return nil, 0, malformed(b, ^end, "invalid string")
		}
		key = b[i+1 : end-1]
		if escaped {
			key = appendUnescaped(scratch[:0], key)
		}
	}
	if end < len(b) && b[end] == ':' {
		end++
	} else {
		end = skipWS(b, end)
		if at(b, end) != ':' {
			return nil, 0, malformed(b, end, "expected ':'")
		}
		end++
	}
	return key, skipWS(b, end), nil
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

// contents reads "c" into Record, or Base and Edit.
func contents(b []byte, i int, c *Commit) (int, error) {
	if at(b, i) != '{' {
		return 0, malformed(b, i, `"c" is not an object`)
	}
	c.Record, c.Edit, c.Base = nil, nil, ""
	hasBase := false
	var scratch [16]byte
	i = skipWS(b, i+1)
	if at(b, i) == '}' {
		return 0, malformed(b, i, `empty "c"`)
	}
	for done := false; !done; {
		key, j, err := memberKey(b, i, &scratch)
		if err != nil {
			return 0, err
		}
		i = j
		switch string(key) {
		case "r":
			c.Record, i, err = rawObject(b, i, "c.r")
		case "b":
			c.Base, i, err = headerString(b, i, "c.b")
			hasBase = true
		case "e":
			c.Edit, i, err = rawObject(b, i, "c.e")
		default:
			i, err = skipValue(b, i)
		}
		if err != nil {
			return 0, err
		}
		if i, done, err = nextMember(b, i); err != nil {
			return 0, err
		}
	}
	switch {
	case c.Record != nil:
		c.Edit, c.Base = nil, ""
	case !hasBase || c.Edit == nil:
		return 0, malformed(b, i, `"c" needs "r", or "b" and "e"`)
	}
	return i, nil
}

func parseParents(b []byte, i int, parents []string) ([]string, int, error) {
	if at(b, i) != '[' {
		return parents, 0, malformed(b, i, `"p" is not an array`)
	}
	i = skipWS(b, i+1)
	if at(b, i) == ']' {
		return parents, i + 1, nil
	}
	for {
		if at(b, i) != '"' {
			return parents, 0, malformed(b, i, `"p" holds a non-string`)
		}
		s, end, err := readString(b, i)
		if err != nil {
			return parents, 0, err
		}
		parents = append(parents, s)
		i = skipWS(b, end)
		switch at(b, i) {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return parents, i + 1, nil
		default:
			return parents, 0, malformed(b, i, "expected ',' or ']'")
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

// ancestorsObject is rawObject for "af". Upstream writes every filter as
// {"d":"<base64>","s":[<seeds>]} with non-negative integer seeds, and a
// check of exactly that shape is a fraction of the general scan, which
// "af" on every line made a noticeable part of opening a repository.
// Anything else, valid or not, goes to rawObject, so the answer is the
// same either way: what the fast path accepts is valid JSON, and a valid
// value has only one end.
func ancestorsObject(b []byte, i int) ([]byte, int, error) {
	if end := skipAncestors(b, i); end > 0 {
		return b[i:end:end], end, nil
	}
	return rawObject(b, i, "af")
}

// skipAncestors returns the end of the compact filter object at b[i], or 0
// if what is there is not one in upstream's exact shape.
func skipAncestors(b []byte, i int) int {
	const open = `{"d":"`
	if len(b)-i < len(open) || string(b[i:i+len(open)]) != open {
		return 0
	}
	// The base64 text is plain ASCII: the first flagged byte must be its
	// closing quote.
	j := i + len(open)
	for ; j+8 <= len(b); j += 8 {
		if m := plainMask(wordAt(b, j)); m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for j < len(b) && b[j] != '"' {
		if c := b[j]; c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return 0
		}
		j++
	}
	const seeds = `","s":[`
	if len(b)-j < len(seeds)+2 || string(b[j:j+len(seeds)]) != seeds {
		return 0
	}
	j += len(seeds)
	if b[j] == ']' {
		j++
	} else {
		for {
			// A seed is "0" or digits without a leading zero.
			switch c := at(b, j); {
			case c == '0':
				j++
			case c >= '1' && c <= '9':
				j = skipDigits(b, j+1)
			default:
				return 0
			}
			c := at(b, j)
			j++
			if c == ']' {
				break
			}
			if c != ',' {
				return 0
			}
		}
	}
	if at(b, j) != '}' {
		return 0
	}
	return j + 1
}

func parseNumber(b []byte, i int, field string) (float64, int, error) {
	if f, end, ok := plainInteger(b, i); ok {
		return f, end, nil
	}
	return parseNumberSlow(b, i, field)
}

// plainInteger reads the number at b[i] when it is what upstream writes for
// ver, ts and ac: a positive integer of at most 15 digits, which a float64
// holds exactly and which is a safe integer. Anything else (zero, a sign, a
// fraction, an exponent, more digits) reports false for the general path.
func plainInteger(b []byte, i int) (float64, int, bool) {
	if c := at(b, i); c < '1' || c > '9' {
		return 0, 0, false
	}
	end := skipDigits(b, i+1)
	if end-i > 15 {
		return 0, 0, false
	}
	if c := at(b, end); c == '.' || c == 'e' || c == 'E' {
		return 0, 0, false
	}
	var n int64
	for _, d := range b[i:end] {
		n = n*10 + int64(d-'0')
	}
	return float64(n), end, true
}

func parseNumberSlow(b []byte, i int, field string) (float64, int, error) {
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
	if f, end, ok := plainInteger(b, i); ok {
		return f, end, nil
	}
	f, end, err := parseNumber(b, i, field)
	if err != nil {
		return 0, 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > maxSafe {
		return 0, 0, malformed(b, i, strconv.Quote(field)+" is not a safe integer")
	}
	return f, end, nil
}
