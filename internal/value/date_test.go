package value

import (
	"errors"
	"testing"
	"time"

	"goatdb/internal/schema"
)

// Upstream stores dates as ms/1000 and reads them back as
// trunc(seconds*1000) (deserializeDate then setTime's TimeClip). The
// product is sometimes just below the integer, so about 0.6% of dates read
// back one millisecond towards zero. This package reads as upstream does,
// so both agree on the value of every stored item.
func TestDateTruncationLikeUpstream(t *testing.T) {
	reg := schema.NewRegistry()
	if err := reg.Register(*allTypes); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stored string
		ms     int64
	}{
		{"1700000000.123", 1700000000123},
		{"-86400.001", -86400001},
		{"0.001", 1},
		{"-271928397.247", -271928397246}, // ×1000 = -271928397246.99997
		{"1700000000123", 1700000000123},  // 1e12 and more: already ms
		{"999999999999.9", 999999999999900},
	}
	for _, c := range cases {
		it, err := DecodeRecord([]byte(`{"s":"all/1","d":{"d":`+c.stored+`},"n":true}`), reg)
		if err != nil {
			t.Errorf("%s: %v", c.stored, err)
			continue
		}
		if got := it.Data["d"].(time.Time).UnixMilli(); got != c.ms {
			t.Errorf("%s: read %d ms, want %d", c.stored, got, c.ms)
		}
	}
	// 1e15 ms and later cannot be stored: upstream would read the seconds
	// back as milliseconds.
	if _, err := NewItem(allTypes, schema.Data{"d": time.UnixMilli(1e15)}); !errors.Is(err, ErrType) {
		t.Errorf("date at 1e15 ms: err = %v, want ErrType", err)
	}
	if _, err := DecodeRecord([]byte(`{"s":"all/1","d":{"d":9e15}}`), reg); !errors.Is(err, ErrType) {
		t.Errorf("date beyond JS range: err = %v, want ErrType", err)
	}
}
