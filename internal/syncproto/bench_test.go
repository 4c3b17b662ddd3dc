package syncproto

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"goatdb/internal/bloom"
)

// realCommits returns the commits of the largest reply in the transcript:
// real upstream commits, full and delta, with their signatures.
func realCommits(b *testing.B) []json.RawMessage {
	var best []json.RawMessage
	for _, e := range syncExchanges(b) {
		res, err := DecodeBatchResponse(e.Response.wire(b), DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if len(r.Msg.Commits) > len(best) {
				best = r.Msg.Commits
			}
		}
	}
	return best
}

// message100 is a message of 100 real commits with an upstream-sized filter.
func message100(b *testing.B) []byte {
	cs := realCommits(b)
	m := &Message{Ver: 50595584, Size: 100}
	for i := range 100 {
		m.Commits = append(m.Commits, cs[i%len(cs)])
	}
	m.Filter = bloom.New(100, FPR(100, 100, 3, false), 0, nil)
	return m.AppendJSON(nil)
}

func BenchmarkDecodeMessage100(b *testing.B) {
	js := message100(b)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(js); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendMessage100(b *testing.B) {
	m, err := DecodeMessage(message100(b))
	if err != nil {
		b.Fatal(err)
	}
	buf := m.AppendJSON(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendJSON(buf[:0])
	}
}

// BenchmarkBuild100k builds a reply for a repository of 100 000 commits:
// "in sync" when the peer has them all (the steady state: fill the filter,
// query the peer's), "pull" when the peer has none and gets a 4 MiB page.
func BenchmarkBuild100k(b *testing.B) {
	const n = 100000
	ids := make([]string, n)
	js := make(map[string][]byte, n)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range ids {
		// Upstream ids: 24 base-36 characters.
		ids[i] = strconv.FormatUint(rng.Uint64()|1<<63, 36)[:12] + strconv.FormatUint(rng.Uint64()|1<<63, 36)[:12]
		js[ids[i]] = []byte(`{"id":"` + ids[i] + `","pad":"` + strings.Repeat("x", 600) + `"}`)
	}
	all := bloom.New(n, FPR(n, n, 3, false), 0, nil)
	for _, id := range ids {
		all.Add(id)
	}
	for _, c := range []struct {
		name string
		peer *bloom.Filter
	}{{"in sync", all}, {"pull", bloom.Empty()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, _ := Build(BuildInput{PeerFilter: c.peer, IDs: ids, Commit: func(id string) []byte { return js[id] },
					LocalSize: n, PeerSize: n, Cycles: 3, IncludeMissing: true, Ver: 50595584, MaxBytes: 4 << 20})
				if c.name == "pull" && len(m.Commits) == 0 {
					b.Fatal("nothing sent")
				}
			}
		})
	}
}
