package value

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"
	"unicode/utf8"

	"goatdb/internal/jsjson"
	"goatdb/internal/murmur"
	"goatdb/internal/schema"
)

// DecodeRecord decodes the "r" of a full commit,
// {"s":"ns/ver","d":{…},"n":true,"cs":"…"}, as upstream's Item.deserialize
// does: the schema must be registered (ErrUnknownSchema otherwise), only
// fields the schema declares are read and other keys are dropped, and the
// data is normalised only when "n" is not true. The stored "cs" is kept
// (StoredChecksum) but Checksum recomputes from the data.
//
// Values must have their field's stored type (ErrType otherwise); upstream
// would carry a mistyped value along, but no upstream writer produces one.
func DecodeRecord(raw []byte, reg *schema.Registry) (*Item, error) {
	d := recDecoders.Get().(*recDecoder)
	it, err := d.record(raw, reg)
	d.release()
	recDecoders.Put(d)
	return it, err
}

// recDecoder is the scratch space of one DecodeRecord. Reading a
// repository decodes every record, so the decoder reads each field straight
// into its typed form, guided by the schema, and builds nothing it would
// throw away. Field values are gathered first and the data map is built at
// the end, so that the map is sized exactly and all the strings of a record
// share one allocation.
//
// Only values in the forms upstream writes take the direct path; anything
// else (a mistyped value, a legacy set, a syntax error…) is read again by
// the generic parser and decodeStored, so that results and errors are those
// of the generic reading by construction.
type recDecoder struct {
	p     parser
	strs  []byte // the record's string contents, back to back
	slots []pend // one per field of the plan
	elems []pend // the elements of set fields
	// vals holds the values of pendValue slots, so that pend has no
	// pointers and filling and clearing slots needs no write barriers.
	vals []any
	pl   *plan // the plan slots belong to

	// The schema of the previous record, which the next one most likely
	// shares: looking it up by a []byte would allocate the marker.
	marker string
	reg    *schema.Registry
	gen    uint64
	schema *schema.Schema
	plan   *plan
	planOf *schema.Schema
}

var recDecoders = sync.Pool{New: func() any {
	return &recDecoder{strs: make([]byte, 0, 512), slots: make([]pend, 0, fastFields), elems: make([]pend, 0, 64), vals: make([]any, 0, 4)}
}}

// pend is a decoded value not yet in its final form.
type pend struct {
	kind pendKind
	a, b int     // pendStr: strs[a:b]; pendSet: elems[a:b]; pendValue: vals[a]
	f    float64 // pendNum; pendBool: 1 for true
}

type pendKind uint8

const (
	pendNone pendKind = iota
	pendStr
	pendNum
	pendBool
	pendSet
	pendValue
)

// release drops what the decoder refers to, so that a pooled decoder keeps
// no record or value alive, nor a buffer grown by a huge record.
func (d *recDecoder) release() {
	d.p = parser{}
	clear(d.vals)
	d.vals = d.vals[:0]
	d.pl = nil
	if cap(d.strs) > 64<<10 {
		d.strs = make([]byte, 0, 512)
	}
	if cap(d.elems) > 4096 {
		d.elems = make([]pend, 0, 64)
	}
}

func (d *recDecoder) record(raw []byte, reg *schema.Registry) (*Item, error) {
	p := &d.p
	*p = parser{b: raw}
	d.strs = d.strs[:0]
	d.slots = d.slots[:0]
	d.pl = nil
	var (
		s         *schema.Schema
		haveS     bool
		deferredD []byte
		n         bool
		csA, csB  = -1, -1
	)
	more, err := p.objBegin()
	for more && err == nil {
		var k []byte
		if k, err = p.recordKey(); err != nil {
			break
		}
		switch string(k) {
		case "s":
			var m []byte
			if m, err = p.markerValue(); err != nil {
				break
			}
			haveS = true
			if s, err = d.lookupSchema(reg, m); err != nil {
				break
			}
		case "d":
			if s == nil {
				// "s" comes later: keep the bytes and decode them then.
				deferredD, err = p.skip()
				break
			}
			err = d.data(s)
		case "n":
			var v any
			v, err = p.value()
			n = v == true
		case "cs":
			if p.peek() != '"' {
				_, err = p.value() // not a string: ignored
				break
			}
			var b []byte
			if b, err = p.str(); err == nil {
				csA = len(d.strs)
				d.strs = append(d.strs, b...)
				csB = len(d.strs)
			}
		default:
			_, err = p.skip()
		}
		if err == nil {
			more, err = p.objNext()
		}
	}
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, err
	}
	if !haveS {
		return nil, fmt.Errorf("%w: record has no schema marker \"s\"", ErrSyntax)
	}
	if deferredD != nil {
		*p = parser{b: deferredD}
		if err := d.data(s); err != nil {
			return nil, err
		}
	}
	strs := string(d.strs)
	var data schema.Data
	if d.pl != nil {
		data = d.build(strs)
	} else {
		data = schema.Data{}
	}
	it := &Item{Schema: s, Data: data}
	if !n {
		_ = it.normalize(false) // values were decoded canonical; this cannot fail
	}
	if csA >= 0 {
		it.stored = strs[csA:csB]
	}
	return it, nil
}

// lookupSchema is reg.Get, remembering the last schema found. Gen is read
// before Get, and the registry publishes a schema before it bumps Gen, so
// a remembered schema is never older than its generation.
func (d *recDecoder) lookupSchema(reg *schema.Registry, m []byte) (*schema.Schema, error) {
	gen := reg.Gen()
	if d.schema != nil && d.reg == reg && d.gen == gen && d.marker == string(m) {
		return d.schema, nil
	}
	got, ok := reg.Get(string(m))
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownSchema, m)
	}
	d.marker, d.reg, d.gen, d.schema = string(m), reg, gen, got
	return got, nil
}

// recordKey is objKey, with the keys of a record as written matched
// without decoding them.
func (p *parser) recordKey() ([]byte, error) {
	b, i := p.b, p.i
	if i+4 < len(b) && b[i] == '"' {
		switch {
		case b[i+2] == '"' && b[i+3] == ':' && (b[i+1] == 's' || b[i+1] == 'd' || b[i+1] == 'n'):
			p.i = i + 4
			return b[i+1 : i+2], nil
		case b[i+1] == 'c' && b[i+2] == 's' && b[i+3] == '"' && b[i+4] == ':':
			p.i = i + 5
			return b[i+1 : i+3], nil
		}
	}
	return p.objKey()
}

// markerValue reads the value of a record's "s".
func (p *parser) markerValue() ([]byte, error) {
	if p.peek() == '"' {
		return p.str()
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: record schema marker is %s, not a string", ErrSyntax, describe(v))
}

// data reads the "d" object of a record into d.slots. A later "d" replaces
// an earlier one entirely, as it would replace the whole object in
// JSON.parse.
func (d *recDecoder) data(s *schema.Schema) error {
	p := &d.p
	pl := d.planFor(s)
	d.pl = pl
	if cap(d.slots) < len(pl.names) {
		d.slots = make([]pend, len(pl.names))
	}
	d.slots = d.slots[:len(pl.names)]
	clear(d.slots)
	d.elems = d.elems[:0]
	more, err := p.objBegin()
	next := 0
	for more && err == nil {
		i := p.plannedKey(pl, next)
		if i < 0 {
			var k []byte
			if k, err = p.objKey(); err != nil {
				return err
			}
			i = pl.lookup(k, next)
		}
		if i >= 0 {
			next = i + 1
			err = d.field(s, pl, i)
		} else {
			_, err = p.skip()
		}
		if err == nil {
			more, err = p.objNext()
		}
	}
	return err
}

// planFor is planFor, remembering the last plan: the checks are those that
// planFor makes of a cached plan.
func (d *recDecoder) planFor(s *schema.Schema) *plan {
	if pl := d.plan; pl != nil && d.planOf == s && pl.n == len(s.Fields) && pl.version == s.Version && pl.ns == s.NS {
		return pl
	}
	d.plan, d.planOf = planFor(s), s
	return d.plan
}

// plannedKey consumes `"name":` of a declared field written as this package
// writes it, and returns the field's index, or -1 (consuming nothing). This
// package writes fields in plan order, so the fields after the previous
// one are tried, and most keys are read without decoding them.
func (p *parser) plannedKey(pl *plan, from int) int {
	rest := p.b[p.i:]
	if len(rest) < 3 || rest[0] != '"' {
		return -1
	}
	for i := from; i < len(pl.litKeys); i++ {
		if k := pl.litKeys[i]; k != nil && len(rest) >= len(k) && rest[1] == k[1] && string(rest[:len(k)]) == string(k) {
			p.i += len(k)
			return i
		}
	}
	return -1
}

// lookup returns the index of a declared field, or -1. Records list fields
// in plan order when this package wrote them, so the search starts after
// the previous field found and usually succeeds at once.
func (pl *plan) lookup(k []byte, from int) int {
	names := pl.names
	if len(names) > 2*fastFields {
		if i, ok := pl.index[string(k)]; ok {
			return i
		}
		return -1
	}
	for i := from; i < len(names); i++ {
		if names[i] == string(k) {
			return i
		}
	}
	for i := 0; i < from && i < len(names); i++ {
		if names[i] == string(k) {
			return i
		}
	}
	return -1
}

// field reads the value of field i into its slot. Rich text is compacted
// as before: its tree is kept as JSON, so there is nothing to build.
func (d *recDecoder) field(s *schema.Schema, pl *plan, i int) error {
	p := &d.p
	t := pl.types[i]
	c := p.peek()
	start, nstrs, nelems := p.i, len(d.strs), len(d.elems)
	if t == schema.RichText {
		raw, err := p.skip()
		if err != nil {
			return err
		}
		rt, err := compactJSON(raw)
		if err != nil {
			return err
		}
		d.setValue(i, rt)
		return nil
	}
	if d.direct(t, c, &d.slots[i]) {
		return nil
	}
	p.i = start
	d.strs, d.elems = d.strs[:nstrs], d.elems[:nelems]
	v, err := p.value()
	if err != nil {
		return err
	}
	dv, err := decodeStored(t, v)
	if err != nil {
		return typeErr(s, pl.names[i], err, t)
	}
	d.setValue(i, dv)
	return nil
}

func (d *recDecoder) setValue(i int, v any) {
	d.slots[i] = pend{kind: pendValue, a: len(d.vals)}
	d.vals = append(d.vals, v)
}

// direct reads a value of type t whose first byte is c, if it is in the
// form upstream writes, and reports whether it did. When it did not, what
// it consumed is for the caller to undo.
func (d *recDecoder) direct(t schema.FieldType, c byte, out *pend) bool {
	p := &d.p
	switch t {
	case schema.String:
		if c == '"' {
			if b, err := p.str(); err == nil {
				a := len(d.strs)
				d.strs = append(d.strs, b...)
				*out = pend{kind: pendStr, a: a, b: len(d.strs)}
				return true
			}
		}
	case schema.Number:
		if c == '-' || (c >= '0' && c <= '9') {
			if f, err := p.num(); err == nil {
				*out = pend{kind: pendNum, f: f}
				return true
			}
		}
	case schema.Bool:
		if c == 't' || c == 'f' {
			if v, err := p.literal(); err == nil {
				*out = pend{kind: pendBool}
				if v == true {
					out.f = 1
				}
				return true
			}
		}
	case schema.Date:
		var f float64
		ok := false
		if c == '-' || (c >= '0' && c <= '9') {
			var err error
			f, err = p.num()
			ok = err == nil
		} else if c == '{' {
			f, ok = d.dateWrapper()
		}
		if ok {
			if tm, err := dateFromStored(f); err == nil {
				*out = pend{kind: pendValue, a: len(d.vals)}
				d.vals = append(d.vals, tm)
				return true
			}
		}
	case schema.Set:
		if c == '{' {
			a := len(d.elems)
			if d.setWrapper() {
				*out = pend{kind: pendSet, a: a, b: len(d.elems)}
				return true
			}
		}
	}
	return false
}

// dateWrapper reads {"__t":"D","__v":number}, keys in either order.
func (d *recDecoder) dateWrapper() (float64, bool) {
	p := &d.p
	var f float64
	haveT, haveV := false, false
	var more bool
	var err error
	if p.lit(`{"__t":"D","__v":`) {
		haveT, haveV = true, true
		if c := p.peek(); c != '-' && (c < '0' || c > '9') {
			return 0, false
		}
		if f, err = p.num(); err == nil {
			more, err = p.objNext()
		}
	} else {
		more, err = p.objBegin()
	}
	for more && err == nil {
		var k []byte
		if k, err = p.objKey(); err != nil {
			return 0, false
		}
		switch {
		case string(k) == "__t" && !haveT && p.peek() == '"':
			var b []byte
			b, err = p.str()
			haveT = string(b) == "D"
			if !haveT {
				return 0, false
			}
		case string(k) == "__v" && !haveV:
			if c := p.peek(); c != '-' && (c < '0' || c > '9') {
				return 0, false
			}
			f, err = p.num()
			haveV = true
		default:
			return 0, false
		}
		if err == nil {
			more, err = p.objNext()
		}
	}
	return f, err == nil && haveT && haveV
}

// setWrapper reads {"__t":"S","__v":[…]} whose elements are strings,
// numbers and booleans, keys in either order, appending the distinct
// elements to d.elems.
func (d *recDecoder) setWrapper() bool {
	p := &d.p
	haveT, haveV := false, false
	var more bool
	var err error
	if p.lit(`{"__t":"S","__v":`) {
		haveT, haveV = true, true
		if !d.setElems() {
			return false
		}
		more, err = p.objNext()
	} else {
		more, err = p.objBegin()
	}
	for more && err == nil {
		var k []byte
		if k, err = p.objKey(); err != nil {
			return false
		}
		switch {
		case string(k) == "__t" && !haveT && p.peek() == '"':
			var b []byte
			b, err = p.str()
			haveT = string(b) == "S"
			if !haveT {
				return false
			}
		case string(k) == "__v" && !haveV:
			haveV = true
			if !d.setElems() {
				return false
			}
		default:
			return false
		}
		if err == nil {
			more, err = p.objNext()
		}
	}
	return err == nil && haveT && haveV
}

func (d *recDecoder) setElems() bool {
	p := &d.p
	first := len(d.elems)
	more, err := p.arrBegin()
	for more && err == nil {
		var e pend
		switch c := p.peek(); {
		case c == '"':
			var b []byte
			if b, err = p.str(); err != nil {
				return false
			}
			// A duplicate's bytes are dropped again at once.
			a := len(d.strs)
			d.strs = append(d.strs, b...)
			e = pend{kind: pendStr, a: a, b: len(d.strs)}
		case c == '-' || (c >= '0' && c <= '9'):
			if e.f, err = p.num(); err != nil {
				return false
			}
			e.kind = pendNum
		case c == 't' || c == 'f':
			var v any
			if v, err = p.literal(); err != nil {
				return false
			}
			e.kind = pendBool
			if v == true {
				e.f = 1
			}
		default:
			return false
		}
		if n := len(d.elems) - first; n >= setScanMax || !d.hasElem(d.elems[first:], e) {
			d.elems = append(d.elems, e)
		} else if e.kind == pendStr {
			d.strs = d.strs[:e.a]
		}
		more, err = p.arrNext()
	}
	return err == nil
}

// hasElem is setHas on pending elements.
func (d *recDecoder) hasElem(s []pend, e pend) bool {
	for _, x := range s {
		if x.kind != e.kind {
			continue
		}
		if e.kind == pendStr {
			if string(d.strs[x.a:x.b]) == string(d.strs[e.a:e.b]) {
				return true
			}
		} else if x.f == e.f {
			return true
		}
	}
	return false
}

// build makes the data map from the slots; strs holds the string contents.
func (d *recDecoder) build(strs string) schema.Data {
	n := 0
	for i := range d.slots {
		if d.slots[i].kind != pendNone {
			n++
		}
	}
	data := make(schema.Data, n)
	for i := range d.slots {
		sl := &d.slots[i]
		var v any
		switch sl.kind {
		case pendNone:
			continue
		case pendSet:
			v = d.buildSet(strs, d.elems[sl.a:sl.b])
		case pendValue:
			v = d.vals[sl.a]
		default:
			v = sl.value(strs)
		}
		data[d.pl.names[i]] = v
	}
	return data
}

func (e *pend) value(strs string) any {
	switch e.kind {
	case pendStr:
		return boxString(strs[e.a:e.b])
	case pendNum:
		return boxNumber(e.f)
	case pendBool:
		return e.f != 0
	}
	return nil
}

// buildSet makes a set of elements already distinct among the first
// setScanMax; longer sets are deduplicated with dedupe's index.
func (d *recDecoder) buildSet(strs string, elems []pend) []any {
	out := make([]any, len(elems))
	for i := range elems {
		out[i] = elems[i].value(strs)
	}
	if len(out) > setScanMax {
		return dedupe(out)
	}
	return out
}

// Boxing a value in an interface allocates, except for values the runtime
// or this table already holds; small integers and one-byte strings are
// common enough in records to keep boxed.
var (
	smallNumbers [256]any
	byteStrings  [utf8.RuneSelf]any
)

func init() {
	for i := range smallNumbers {
		smallNumbers[i] = float64(i)
	}
	for i := range byteStrings {
		byteStrings[i] = string(rune(i))
	}
}

func boxNumber(f float64) any {
	if f >= 0 && f < float64(len(smallNumbers)) && f == math.Trunc(f) && !math.Signbit(f) {
		return smallNumbers[int(f)]
	}
	return f
}

func boxString(s string) any {
	if len(s) == 1 && s[0] < utf8.RuneSelf {
		return byteStrings[s[0]]
	}
	return s
}

// decodeStored converts a parsed JSON value in upstream's stored form of
// type t (§2.2) to the canonical Go form.
func decodeStored(t schema.FieldType, v any) (any, error) {
	switch t {
	case schema.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case schema.Number:
		if f, ok := v.(float64); ok {
			return f, nil
		}
	case schema.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case schema.Date:
		if f, ok := v.(float64); ok {
			return dateFromStored(f)
		}
		if m, ok := v.(map[string]any); ok && m["__t"] == "D" {
			if f, ok := m["__v"].(float64); ok {
				return dateFromStored(f)
			}
		}
	case schema.Set:
		return decodeStoredSet(v)
	case schema.Map:
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	case schema.RichText:
		if _, ok := v.(map[string]any); ok {
			return json.RawMessage(appendJSON(nil, v)), nil
		}
	}
	return nil, fmt.Errorf("%s in stored form", describe(v))
}

// dateFromStored is upstream's deserializeDate: numbers below 1e12 are
// seconds, larger ones milliseconds.
func dateFromStored(f float64) (time.Time, error) {
	if f < 1e12 {
		f *= 1000
	}
	return dateFromMs(f)
}

// decodeStoredSet reads {"__t":"S","__v":[…]}. A bare array is upstream's
// legacy form, whose elements are JSON texts.
func decodeStoredSet(v any) (any, error) {
	var elems []any
	legacy := false
	switch x := v.(type) {
	case map[string]any:
		a, ok := x["__v"].([]any)
		if x["__t"] != "S" || !ok {
			return nil, fmt.Errorf("object that is not a set wrapper {\"__t\":\"S\",\"__v\":[…]}")
		}
		elems = a
	case []any:
		elems, legacy = x, true
	default:
		return nil, fmt.Errorf("%s in stored form", describe(v))
	}
	out := make([]any, 0, len(elems))
	for _, e := range elems {
		if legacy {
			var text string
			switch x := e.(type) {
			case string:
				text = x
			case float64:
				text = jsjson.FormatNumber(x)
			case bool:
				text = fmt.Sprint(x)
			}
			parsed, err := parseJSON([]byte(text))
			if err != nil {
				return nil, fmt.Errorf("legacy set element %q: %w", text, err)
			}
			e = parsed
		}
		switch e.(type) {
		case string, float64, bool:
			out = append(out, e)
		default:
			return nil, fmt.Errorf("set element %s is not a string, number or boolean", describe(e))
		}
	}
	return dedupe(out), nil
}

// AppendRecord appends the item as upstream writes a full commit's record:
// {"s":…,"d":{…},"n":true,"cs":…}. Fields are written in JavaScript key
// order (upstream uses declaration order, which Go schemas do not keep;
// readers do not depend on it).
func (it *Item) AppendRecord(dst []byte) []byte {
	p := planFor(it.Schema)
	sum := it.sum.Load()
	csLen := len("4294967295")
	if sum != nil {
		csLen = len(sum.value)
	}
	if need := len(p.recPrefix) + dataSizeHint(p, it.Data) + len(`,"n":true,"cs":""}`) + csLen; cap(dst)-len(dst) < need {
		dst = append(make([]byte, 0, len(dst)+need), dst...)
	}
	dst = append(dst, p.recPrefix...)
	if sum == nil {
		// The checksum visits the same fields in the same order as the
		// record, so the first record of an item computes it on the way
		// instead of looking every field up twice.
		var h32 uint32
		var exact bool
		dst, h32, exact = appendDataSummed(dst, p, it.Data, true)
		sum = it.storeChecksum(h32, exact)
	} else {
		dst = appendData(dst, it.Schema, it.Data)
	}
	dst = append(dst, `,"n":true,"cs":`...)
	dst = jsjson.AppendString(dst, sum.value)
	return append(dst, '}')
}

// appendDataSummed writes the record's "d" object and, when sum is set,
// computes the item checksum of the same data as computeChecksum does, in
// the same pass over the fields.
func appendDataSummed(dst []byte, p *plan, d schema.Data, sum bool) ([]byte, uint32, bool) {
	hs := csHasher{exact: true}
	h := murmur.New(murmur.ChecksumSeed)
	dst = append(dst, '{')
	first := true
	for i, name := range p.names {
		v, ok := d[name]
		if !ok || v == nil {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, p.keys[i]...)
		dst = appendStored(dst, p.types[i], v)
		if sum && name != protoKey {
			h.WriteString(name)
			hs.field(&h, p.types[i], v)
		}
	}
	return append(dst, '}'), h.Sum32(), hs.exact
}

// dataSizeHint estimates the length of appendData's output, so that a
// record is written into one allocation in the common cases.
func dataSizeHint(p *plan, d schema.Data) int {
	n := 2
	for _, v := range d {
		n += 24 + sizeHint(v)
	}
	for _, k := range p.keys {
		n += len(k)
	}
	return n
}

func sizeHint(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + len(x)/8 + 2
	case []any:
		n := 20
		for _, e := range x {
			n += 1 + sizeHint(e)
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + sizeHint(e)
		}
		return n
	case json.RawMessage:
		return len(x)
	}
	return 24
}

func appendData(dst []byte, s *schema.Schema, d schema.Data) []byte {
	dst, _, _ = appendDataSummed(dst, planFor(s), d, false)
	return dst
}

// appendStored writes a value in upstream's stored form: dates as seconds,
// sets wrapped, maps as plain objects, rich text as its tree.
func appendStored(dst []byte, t schema.FieldType, v any) []byte {
	switch t {
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			return jsjson.AppendNumber(dst, float64(d.UnixMilli())/1000)
		}
	case schema.Set:
		if s, ok := v.([]any); ok {
			dst = append(dst, `{"__t":"S","__v":`...)
			dst = appendJSON(dst, s)
			return append(dst, '}')
		}
	}
	return appendJSON(dst, v)
}
