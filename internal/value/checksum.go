package value

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unsafe"

	"goatdb/internal/jsjson"
	"goatdb/internal/murmur"
	"goatdb/internal/schema"
)

// Checksum returns upstream's item checksum (§3.2 of the internals notes)
// as a decimal uint32 string. It is computed from the data the first time
// and cached until the item changes.
//
// Rich-text fields are hashed through upstream's flat representation. The
// port covers trees without pointers; for a tree it cannot hash exactly
// (pointers, or upstream's "__r"/"__t" wrappers inside the tree) Checksum
// returns the stored checksum of a decoded, unchanged item, and otherwise a
// best-effort value that ChecksumExact reports as such.
func (it *Item) Checksum() string {
	return it.checksum().value
}

// ChecksumExact reports whether Checksum is known to agree with upstream:
// false only for rich text this package cannot hash exactly (see Checksum).
// Writers should not delta-compress items for which it is false.
func (it *Item) ChecksumExact() bool {
	return it.checksum().exact
}

func (it *Item) checksum() *checksum {
	if c := it.sum.Load(); c != nil {
		return c
	}
	return it.storeChecksum(computeChecksum(it.Schema, it.Data))
}

// storeChecksum caches the checksum sum computed from the item's data
// (exact as computeChecksum reports it) and returns the cached form.
func (it *Item) storeChecksum(sum uint32, exact bool) *checksum {
	var c *checksum
	if it.ownSumTaken.CompareAndSwap(false, true) {
		c = &it.ownSum
	} else {
		c = &checksum{}
	}
	// The digits go to c.buf, which c.value aliases, so that a checksum
	// costs no allocation of its own.
	b := strconv.AppendUint(c.buf[:0], uint64(sum), 10)
	c.value, c.exact = unsafe.String(&b[0], len(b)), exact
	if !exact && it.stored != "" {
		c = &checksum{value: it.stored, exact: true, stored: true}
	}
	it.sum.Store(c)
	return c
}

// computeChecksum streams name and value string of every present declared
// field, in JavaScript key order, into one murmur state. Undeclared keys
// are skipped: upstream would refuse such data outright. appendDataSummed
// does the same while writing a record.
func computeChecksum(s *schema.Schema, d schema.Data) (uint32, bool) {
	p := planFor(s)
	hs := csHasher{exact: true}
	h := murmur.New(murmur.ChecksumSeed)
	for i, name := range p.names {
		v, ok := d[name]
		if !ok || v == nil || name == protoKey {
			continue
		}
		h.WriteString(name)
		hs.field(&h, p.types[i], v)
	}
	return h.Sum32(), hs.exact
}

// protoKey is dropped from every hashed object: upstream collects value
// strings in a plain JS object, where assigning a string to "__proto__"
// silently does nothing.
const protoKey = "__proto__"

// csHasher computes value strings. exact turns false when rich text holds
// something whose upstream hash this port does not reproduce.
type csHasher struct {
	exact bool
}

func (hs *csHasher) field(h *murmur.Hasher, t schema.FieldType, v any) {
	switch t {
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			writeNumber(h, float64(d.UnixMilli())/1000)
			return
		}
	case schema.Set:
		if s, ok := v.([]any); ok {
			writeDecimal(h, hs.set(s))
			return
		}
	case schema.RichText:
		if raw, ok := v.(json.RawMessage); ok {
			writeDecimal(h, hs.richText(raw))
			return
		}
	}
	// string, number, boolean, and maps, which hash like plain objects.
	hs.value(h, v, false)
}

// value writes the value string of a JSON-like value. rt selects the key
// filter upstream applies to rich-text atoms.
func (hs *csHasher) value(h *murmur.Hasher, v any, rt bool) {
	switch x := v.(type) {
	case string:
		h.WriteString(x)
	case float64:
		writeNumber(h, x)
	case bool:
		if x {
			h.WriteString("true")
		} else {
			h.WriteString("false")
		}
	case nil:
		h.WriteString("null")
	case []any:
		writeDecimal(h, hs.array(x, rt))
	case map[string]any:
		writeDecimal(h, hs.object(x, rt))
	case time.Time:
		writeNumber(h, float64(x.UnixMilli())/1000)
	default:
		hs.exact = false
	}
}

func (hs *csHasher) array(a []any, rt bool) uint32 {
	h := murmur.New(murmur.ChecksumSeed)
	for _, e := range a {
		hs.value(&h, e, rt)
	}
	return h.Sum32()
}

func (hs *csHasher) object(m map[string]any, rt bool) uint32 {
	if rt {
		if _, ok := m["__t"]; ok {
			hs.exact = false // upstream would have decoded a Set/Date here
		} else if _, ok := m["__rId"]; ok {
			hs.exact = false
		}
	}
	keys := sortedKeys(m)
	h := murmur.New(murmur.ChecksumSeed)
	for _, k := range keys {
		if k == protoKey || (rt && !rtKeep(k, m)) {
			continue
		}
		h.WriteString(k)
		hs.value(&h, m[k], rt)
	}
	return h.Sum32()
}

// set hashes every element on its own, sorts the decimal hashes as
// strings, and hashes their concatenation, so element order does not
// matter.
func (hs *csHasher) set(s []any) uint32 {
	var small [8]decimal
	decs := small[:0]
	if len(s) > len(small) {
		decs = make([]decimal, 0, len(s))
	}
	for _, e := range s {
		h := murmur.New(murmur.ChecksumSeed)
		hs.value(&h, e, false)
		var d decimal
		d.n = uint8(len(strconv.AppendUint(d.b[:0], uint64(h.Sum32()), 10)))
		decs = append(decs, d)
	}
	if len(decs) <= 12 {
		for i := 1; i < len(decs); i++ {
			for j := i; j > 0 && decs[j].less(&decs[j-1]); j-- {
				decs[j], decs[j-1] = decs[j-1], decs[j]
			}
		}
	} else {
		slices.SortFunc(decs, func(a, b decimal) int { return bytes.Compare(a.b[:a.n], b.b[:b.n]) })
	}
	h := murmur.New(murmur.ChecksumSeed)
	for i := range decs {
		writeASCII(&h, decs[i].b[:decs[i].n])
	}
	return h.Sum32()
}

// decimal is a uint32 written in decimal.
type decimal struct {
	b [10]byte
	n uint8
}

func (d *decimal) less(o *decimal) bool { return bytes.Compare(d.b[:d.n], o.b[:o.n]) < 0 }

func writeNumber(h *murmur.Hasher, f float64) {
	var buf [32]byte
	writeASCII(h, jsjson.AppendNumber(buf[:0], f))
}

func writeDecimal(h *murmur.Hasher, u uint32) {
	var buf [10]byte
	writeASCII(h, strconv.AppendUint(buf[:0], uint64(u), 10))
}

// writeASCII feeds ASCII bytes without converting them to a string.
func writeASCII(h *murmur.Hasher, b []byte) {
	for _, c := range b {
		h.WriteUnit(uint16(c))
	}
}
