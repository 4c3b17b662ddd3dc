package value

import (
	"encoding/json"
	"testing"
)

type checksumVectors struct {
	Schemas       json.RawMessage `json:"schemas"`
	Cases         []checksumCase  `json:"cases"`
	RichtextCases []checksumCase  `json:"richtextCases"`
}

type checksumCase struct {
	Schema   string          `json:"schema"`
	Data     json.RawMessage `json:"data"`
	Encoded  json.RawMessage `json:"encoded"`
	Checksum string          `json:"checksum"`
	Note     string          `json:"note"`
}

func loadChecksumVectors(t testing.TB) checksumVectors {
	var v checksumVectors
	if err := json.Unmarshal(readFixture(t, "vectors/checksum.json"), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestChecksumVectors(t *testing.T) {
	v := loadChecksumVectors(t)
	reg := registryOf(t, v.Schemas)
	cases := append(append([]checksumCase(nil), v.Cases...), v.RichtextCases...)
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	for i, c := range cases {
		s := mustSchema(t, reg, c.Schema)
		data, err := FromTagged(s, c.Data)
		if err != nil {
			t.Errorf("case %d: FromTagged: %v", i, err)
			continue
		}
		it, err := NewItem(s, data)
		if err != nil {
			t.Errorf("case %d: NewItem: %v", i, err)
			continue
		}
		if got := it.Checksum(); got != c.Checksum {
			t.Errorf("case %d (%s): checksum %s, want %s; data %s", i, c.Note, got, c.Checksum, c.Data)
		}
		if !it.ChecksumExact() {
			t.Errorf("case %d: checksum not exact", i)
		}
		rec := it.AppendRecord(nil)
		if !sameJSON(t, rec, c.Encoded) {
			t.Errorf("case %d: record\n got %s\nwant %s", i, rec, c.Encoded)
		}
		dec, err := DecodeRecord(c.Encoded, reg)
		if err != nil {
			t.Errorf("case %d: DecodeRecord: %v", i, err)
			continue
		}
		if !dec.Equal(it) || !it.Equal(dec) {
			t.Errorf("case %d: decoded record differs from the item", i)
		}
		if dec.StoredChecksum() != c.Checksum {
			t.Errorf("case %d: stored checksum %q", i, dec.StoredChecksum())
		}
		if got := dec.Checksum(); got != c.Checksum {
			t.Errorf("case %d: decoded checksum %s, want %s", i, got, c.Checksum)
		}
	}
}
