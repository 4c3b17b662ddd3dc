package bloom

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"goatdb/internal/jsjson"
	"goatdb/internal/murmur"
)

// MaxBytes bounds the bit array a decoded filter may claim. Filters come from
// the network; upstream's largest (a sync filter for a million commits at
// its lowest rate) is a few MiB.
const MaxBytes = 64 << 20

// maxSeeds bounds the number of hash functions a decoded filter may claim;
// every Has costs one murmur pass per seed.
const maxSeeds = 1024

// maxJSON rejects oversized input before any decoding work: the base64 of
// MaxBytes plus room for maxSeeds seeds and some whitespace.
const maxJSON = MaxBytes/3*4 + 8 + maxSeeds*32 + 1<<16

// ErrInvalid is returned, wrapped, for a serialised filter that cannot be
// decoded.
var ErrInvalid = errors.New("bloom: invalid filter")

// MarshalJSON writes upstream's serialised form {"d": base64, "s": [seeds]}:
// standard padded base64 and seeds as JavaScript numbers.
func (f *Filter) MarshalJSON() ([]byte, error) {
	return f.AppendJSON(nil), nil
}

// AppendJSON appends the serialised form of MarshalJSON to dst.
func (f *Filter) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"d":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, f.bits)
	dst = append(dst, `","s":[`...)
	for i, s := range f.seeds {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsjson.AppendNumber(dst, s)
	}
	return append(dst, "]}"...)
}

// UnmarshalJSON decodes {"d": base64, "s": [seeds]}. Keys match exactly and
// the last duplicate wins, as with JSON.parse; other keys are ignored. The
// bit array must be non-empty and at most MaxBytes, and there must be at
// least one finite seed.
func (f *Filter) UnmarshalJSON(b []byte) error {
	if len(b) > maxJSON {
		return fmt.Errorf("%w: %d bytes of JSON", ErrInvalid, len(b))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if obj == nil {
		return fmt.Errorf("%w: not an object", ErrInvalid)
	}
	rawD, ok := obj["d"]
	if !ok {
		return fmt.Errorf("%w: missing \"d\"", ErrInvalid)
	}
	rawS, ok := obj["s"]
	if !ok {
		return fmt.Errorf("%w: missing \"s\"", ErrInvalid)
	}
	var d string
	if err := json.Unmarshal(rawD, &d); err != nil || rawD[0] != '"' {
		return fmt.Errorf("%w: \"d\" is not a string", ErrInvalid)
	}
	if base64.StdEncoding.DecodedLen(len(d)) > MaxBytes {
		return fmt.Errorf("%w: more than %d bytes", ErrInvalid, MaxBytes)
	}
	bits, err := decodeForgiving(d)
	if err != nil {
		return fmt.Errorf("%w: \"d\": %w", ErrInvalid, err)
	}
	if len(bits) == 0 {
		return fmt.Errorf("%w: empty bit array", ErrInvalid)
	}
	var rawSeeds []json.RawMessage
	if err := json.Unmarshal(rawS, &rawSeeds); err != nil || rawS[0] != '[' {
		return fmt.Errorf("%w: \"s\" is not an array", ErrInvalid)
	}
	if len(rawSeeds) == 0 || len(rawSeeds) > maxSeeds {
		return fmt.Errorf("%w: %d seeds", ErrInvalid, len(rawSeeds))
	}
	seeds := make([]float64, len(rawSeeds))
	for i, r := range rawSeeds {
		// json.Unmarshal would turn null into 0; only numbers are seeds.
		if c := r[0]; c != '-' && (c < '0' || c > '9') {
			return fmt.Errorf("%w: seed %s is not a number", ErrInvalid, r)
		}
		s, err := strconv.ParseFloat(string(r), 64)
		if err != nil || math.IsInf(s, 0) {
			return fmt.Errorf("%w: seed %s", ErrInvalid, r)
		}
		seeds[i] = s
	}
	*f = *FromSeeds(bits, seeds)
	return nil
}

// jsonBitsAt is where the base64 of the bit array starts in AppendJSON's
// output.
const jsonBitsAt = len(`{"d":"`)

// AddJSON is Add that also updates js, the filter's AppendJSON output from
// before the call, to the output after it. Only the base64 groups of the
// changed bytes are rewritten, so a writer that keeps a large filter's
// serialised form pays for the bits it sets, not for the whole filter.
func (f *Filter) AddJSON(s string, js []byte) {
	if len(f.bits) == 0 {
		return
	}
	n := uint32(len(f.bits)) * 8
	for _, seed := range f.hashes {
		idx := murmur.String(s, seed) % n
		b := idx >> 3
		if f.bits[b]&(1<<(idx&7)) != 0 {
			continue
		}
		f.bits[b] |= 1 << (idx & 7)
		g := int(b) / 3 * 3
		base64.StdEncoding.Encode(js[jsonBitsAt+g/3*4:], f.bits[g:min(g+3, len(f.bits))])
	}
}
