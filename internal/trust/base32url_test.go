package trust

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

func TestBase32URLVectors(t *testing.T) {
	b, err := os.ReadFile("../../../shared/fixtures/upstream-0.5.1/vectors/base32url.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			Hex        string `json:"hex"`
			Encoded    string `json:"encoded"`
			DecodedHex string `json:"decodedHex"`
		} `json:"cases"`
		TextCases []struct {
			Text    string `json:"text"`
			Encoded string `json:"encoded"`
			Decoded string `json:"decoded"`
		} `json:"textCases"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 || len(v.TextCases) == 0 {
		t.Fatal("no vectors")
	}
	for _, c := range v.Cases {
		in, _ := hex.DecodeString(c.Hex)
		if got := EncodeBase32URL(in); got != c.Encoded {
			t.Errorf("encode %s = %s, want %s", c.Hex, got, c.Encoded)
		}
		dec, err := DecodeBase32URL(c.Encoded)
		if err != nil {
			t.Errorf("decode %s: %v", c.Encoded, err)
			continue
		}
		if got := hex.EncodeToString(dec); got != c.DecodedHex {
			t.Errorf("decode %s = %s, want %s", c.Encoded, got, c.DecodedHex)
		}
	}
	for _, c := range v.TextCases {
		if got := EncodeBase32URL([]byte(c.Text)); got != c.Encoded {
			t.Errorf("encode %q = %s, want %s", c.Text, got, c.Encoded)
		}
		dec, err := DecodeBase32URL(c.Encoded)
		if err != nil || string(dec) != c.Decoded {
			t.Errorf("decode %s = %q, %v; want %q", c.Encoded, dec, err, c.Decoded)
		}
	}
}

func TestBase32URLSignatureShape(t *testing.T) {
	if got := EncodeBase32URL([]byte{1, 2, 3}); got != "aebag_==" {
		t.Fatalf("got %s", got)
	}
	sig := EncodeBase32URL(make([]byte, 96))
	if want := "_====="; sig[len(sig)-6:] != want {
		t.Fatalf("96-byte encoding ends in %s, want %s", sig[len(sig)-6:], want)
	}
}

func TestDecodeBase32URLAcceptsUpstreamInputs(t *testing.T) {
	for in, want := range map[string][]byte{
		"AEBAG_==": {1, 2, 3}, // upper case is what upstream decodes anyway
		"aebag===": {1, 2, 3}, // no underscore: valid padded base32
	} {
		got, err := DecodeBase32URL(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("decode %s = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestDecodeBase32URLRejects(t *testing.T) {
	for _, in := range []string{
		"aebag",        // unpadded
		"aebag__=",     // second underscore stays an underscore
		"aeb\nag_==",   // Go's decoder would skip the newline
		"aebag_==\r\n", // likewise
		"aeb!g_==",
		"ae1ag_==", // 1 is not in the alphabet
		"a=======", // impossible padding
		"aebagé_=",
		"_=======",
	} {
		if got, err := DecodeBase32URL(in); err == nil {
			t.Errorf("decode %q accepted: %v", in, got)
		} else if !errors.Is(err, ErrBase32URL) {
			t.Errorf("decode %q: %v does not wrap ErrBase32URL", in, err)
		}
	}
}

func FuzzBase32URL(f *testing.F) {
	f.Add([]byte{}, "aebag_==")
	f.Add([]byte{0xaf}, "v4_=====")
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		enc := EncodeBase32URL(data)
		dec, err := DecodeBase32URL(enc)
		if err != nil || !bytes.Equal(dec, data) {
			t.Fatalf("round trip of %x: %s -> %x, %v", data, enc, dec, err)
		}
		if dec, err := DecodeBase32URL(text); err == nil {
			// Anything accepted re-encodes to the same bytes.
			if again, err := DecodeBase32URL(EncodeBase32URL(dec)); err != nil || !bytes.Equal(again, dec) {
				t.Fatalf("%q decoded to %x, which does not round-trip", text, dec)
			}
		}
	})
}
