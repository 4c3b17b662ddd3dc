package syncproto

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// batchJSON returns a request body of entries messages with commits commits
// each and a filter of filterBytes bytes and seeds seeds.
func batchJSON(entries, commits, filterBytes, seeds int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for e := range entries {
		if e > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"path":"/data/r` + strconv.Itoa(e) + `","msg":{"ver":1,"f":{"__t":"E","__v":{"d":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(make([]byte, filterBytes)))
		b.WriteString(`","s":[`)
		for s := range seeds {
			if s > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Itoa(s + 1))
		}
		b.WriteString(`]}},"s":0,"c":[`)
		for c := range commits {
			if c > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"id":"c` + strconv.Itoa(c) + `"}`)
		}
		b.WriteString(`],"ad":[]}}`)
	}
	b.WriteString("]")
	return []byte(b.String())
}

func TestLimits(t *testing.T) {
	for _, c := range []struct {
		name                            string
		entries, commits, fbytes, seeds int
		lim                             Limits
		tooLarge                        bool
	}{
		{"at every limit", 3, 4, 10, 5, Limits{MaxEntries: 3, MaxCommits: 12, MaxFilterBytes: 10, MaxSeeds: 5}, false},
		{"bytes", 1, 1, 1, 1, Limits{MaxBytes: 50}, true},
		{"entries", 4, 0, 1, 1, Limits{MaxEntries: 3}, true},
		{"commits in one message", 1, 5, 1, 1, Limits{MaxCommits: 4}, true},
		{"commits in the batch", 3, 4, 1, 1, Limits{MaxCommits: 11}, true},
		{"filter bytes", 1, 0, 11, 1, Limits{MaxFilterBytes: 10}, true},
		{"filter text", 1, 0, 3000, 1, Limits{MaxFilterBytes: 10, MaxSeeds: 1}, true},
		{"seeds", 1, 0, 1, 6, Limits{MaxSeeds: 5}, true},
		{"defaults", 28, 100, 1000, 20, Limits{}, false},
	} {
		body := batchJSON(c.entries, c.commits, c.fbytes, c.seeds)
		got, err := DecodeBatchRequest(body, c.lim)
		switch {
		case c.tooLarge && (!errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrMalformed)):
			t.Errorf("%s: error %v, want ErrTooLarge and ErrMalformed", c.name, err)
		case !c.tooLarge && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case !c.tooLarge && len(got) != c.entries:
			t.Errorf("%s: %d entries", c.name, len(got))
		}
	}
}

func TestLimits_Message(t *testing.T) {
	m := `{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":0,"c":[{},{},{}]}`
	if _, err := DecodeMessageLimits([]byte(m), Limits{MaxCommits: 2}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("3 commits under a limit of 2: %v", err)
	}
	if _, err := DecodeMessageLimits([]byte(m), Limits{MaxBytes: len(m) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over MaxBytes: %v", err)
	}
	if _, err := DecodeMessageLimits([]byte(m), Limits{MaxCommits: 3, MaxBytes: len(m)}); err != nil {
		t.Fatal(err)
	}
}

func TestLimits_Defaults(t *testing.T) {
	got := Limits{MaxSeeds: -1}.withDefaults()
	if got != DefaultLimits {
		t.Fatalf("zero and negative fields: %+v, want %+v", got, DefaultLimits)
	}
	// The seed bound of the defaults admits upstream's most accurate filter
	// for the largest count a JavaScript peer can send.
	if _, k := sizesFor(1<<53, 1); k > DefaultLimits.MaxSeeds {
		t.Fatalf("upstream filter for 2^53 commits has %d seeds", k)
	}
}
