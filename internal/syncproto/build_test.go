package syncproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"goatdb/internal/bloom"
)

// sizesFor is upstream's filter size for n entries at the given cycles.
func sizesFor(n, cycles int) (byteSize, hashes int) {
	return bloom.Sizes(n, FPR(n, 0, cycles, false), 0)
}

// store is a peer's commits for these tests: ids in arrival order and their
// JSON.
type store struct {
	ids  []string
	byID map[string][]byte
}

func newStore(n int, size func(i int) int) *store {
	s := &store{byID: map[string][]byte{}}
	for i := range n {
		s.add("id"+strconv.Itoa(i), size(i))
	}
	return s
}

func (s *store) add(id string, size int) {
	js := []byte(`{"id":"` + id + `","pad":"`)
	js = append(js, bytes.Repeat([]byte("x"), max(0, size-len(js)-2))...)
	s.put(id, append(js, `"}`...))
}

func (s *store) put(id string, js []byte) {
	if _, ok := s.byID[id]; !ok {
		s.ids = append(s.ids, id)
		s.byID[id] = js
	}
}

func (s *store) commit(id string) []byte { return s.byID[id] }

// filterOf is the filter a peer holding s would send.
func filterOf(s *store, rnd func() float64) *bloom.Filter {
	m, _ := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit,
		LocalSize: len(s.ids), Cycles: 3, IncludeMissing: true, Rand: rnd})
	return m.Filter
}

func allZero(f *bloom.Filter) bool {
	return !bytes.ContainsFunc(f.Bytes(), func(r rune) bool { return r != 0 })
}

func TestFPR(t *testing.T) {
	for _, c := range []struct {
		local, peer, cycles int
		low                 bool
		want                float64
	}{
		{0, 0, 3, false, 0.5},  // N = 1
		{1, 1, 1, false, 0.5},  // 1/1 capped at 0.5
		{2, 0, 2, false, 0.5},  // 1/2
		{4, 0, 2, false, 0.25}, // N^-1
		{64, 8, 1, false, 1.0 / 4096},
		{8, 64, 3, false, 1.0 / 16},
		{64, 8, 0, false, 1.0 / 4096}, // cycles < 1 count as 1
		{1 << 20, 0, 1, true, 0.5},
		{-5, -5, 3, false, 0.5},
	} {
		if got := FPR(c.local, c.peer, c.cycles, c.low); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("FPR(%d, %d, %d, %v) = %v, want %v", c.local, c.peer, c.cycles, c.low, got, c.want)
		}
	}
	// No lower bound, as upstream: a million commits at cycles 1 ask for 1e-12.
	if got := FPR(1e6, 0, 1, false); math.Abs(got-1e-12) > 1e-24 {
		t.Errorf("FPR(1e6, cycles 1) = %v", got)
	}
}

func TestBuild_NoPeerFilterSendsEmptyFilter(t *testing.T) {
	s := newStore(64, func(int) int { return 100 })
	for name, in := range map[string]BuildInput{
		"no peer filter":     {IDs: s.ids, LocalSize: 64, PeerSize: 8, Cycles: 1, IncludeMissing: true},
		"include missing no": {PeerFilter: bloom.Empty(), IDs: s.ids, LocalSize: 64, PeerSize: 8, Cycles: 1},
	} {
		in.Commit = func(string) []byte { t.Fatal("commit fetched"); return nil }
		m, more := Build(in)
		if more || len(m.Commits) != 0 || m.Size != 64 || !allZero(m.Filter) {
			t.Errorf("%s: more %v, %d commits, s %d, filter %s", name, more, len(m.Commits), m.Size, m.Filter.AppendJSON(nil))
		}
		// Upstream's size even so: seq 39 of the transcript sends 139 zero
		// bytes and 13 seeds for 64 commits.
		if m.Filter.ByteSize() != 139 || m.Filter.NumHashes() != 13 {
			t.Errorf("%s: filter %d/%d, want 139/13", name, m.Filter.ByteSize(), m.Filter.NumHashes())
		}
	}
}

func TestBuild_SendsWhatThePeerLacks(t *testing.T) {
	local := newStore(500, func(int) int { return 80 })
	peer := &store{byID: map[string][]byte{}}
	for i, id := range local.ids {
		if i%3 == 0 {
			peer.put(id, local.byID[id])
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pf := filterOf(peer, rng.Float64)
	m, more := Build(BuildInput{PeerFilter: pf, IDs: local.ids, Commit: local.commit,
		LocalSize: 500, PeerSize: len(peer.ids), Cycles: 3, IncludeMissing: true, Ver: 7, Rand: rng.Float64})
	if more || m.Size != 500 || m.Ver != 7 {
		t.Fatalf("more %v, s %d, ver %v", more, m.Size, m.Ver)
	}
	var want []json.RawMessage
	for _, id := range local.ids {
		if !pf.Has(id) {
			want = append(want, local.byID[id])
		}
		if !m.Filter.Has(id) {
			t.Fatalf("own filter lacks %s", id)
		}
	}
	if len(want) < 300 || len(m.Commits) != len(want) {
		t.Fatalf("%d commits, want %d", len(m.Commits), len(want))
	}
	for i := range want { // in IDs order
		if !bytes.Equal(m.Commits[i], want[i]) {
			t.Fatalf("commit %d = %s, want %s", i, m.Commits[i], want[i])
		}
	}
	// An all-zero peer filter (a peer that has nothing, or is pulling)
	// gets everything.
	m, _ = Build(BuildInput{PeerFilter: bloom.Empty(), IDs: local.ids, Commit: local.commit,
		LocalSize: 500, Cycles: 3, IncludeMissing: true})
	if len(m.Commits) != 500 {
		t.Fatalf("empty peer filter: %d commits", len(m.Commits))
	}
}

func TestBuild_SkipsUnavailableCommits(t *testing.T) {
	s := newStore(10, func(int) int { return 50 })
	m, more := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, LocalSize: 10, Cycles: 1, IncludeMissing: true,
		MaxBytes: 1000, Commit: func(id string) []byte {
			if id == "id3" {
				return nil
			}
			return s.byID[id]
		}})
	if more || len(m.Commits) != 9 || m.Size != 10 {
		t.Fatalf("more %v, %d commits, s %d", more, len(m.Commits), m.Size)
	}
}

// pageBytes is what MaxBytes counts of a page.
func pageBytes(cs []json.RawMessage) int {
	n := max(0, len(cs)-1)
	for _, c := range cs {
		n += len(c)
	}
	return n
}

func TestBuild_PageLimit(t *testing.T) {
	s := newStore(100, func(i int) int { return 50 + i%7*10 })
	for _, maxBytes := range []int{1, 60, 99, 500, 1234} {
		m, more := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit, LocalSize: 100,
			Cycles: 1, IncludeMissing: true, MaxBytes: maxBytes})
		if !more || len(m.Commits) == 0 {
			t.Fatalf("MaxBytes %d: more %v, %d commits", maxBytes, more, len(m.Commits))
		}
		if got := pageBytes(m.Commits); len(m.Commits) > 1 && got > maxBytes {
			t.Fatalf("MaxBytes %d: page of %d bytes", maxBytes, got)
		}
		if len(m.Commits) == 1 && maxBytes >= 2*110+1 {
			t.Fatalf("MaxBytes %d: a single commit", maxBytes)
		}
		// Every id is in the filter, sent or not.
		for _, id := range s.ids {
			if !m.Filter.Has(id) {
				t.Fatalf("MaxBytes %d: filter lacks %s", maxBytes, id)
			}
		}
		if m.Size != 100 {
			t.Fatalf("s = %d", m.Size)
		}
	}
	// Everything fits: in order, nothing more.
	m, more := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit, LocalSize: 100,
		Cycles: 1, IncludeMissing: true, MaxBytes: 1 << 20})
	if more || len(m.Commits) != 100 || !bytes.Equal(m.Commits[0], s.byID["id0"]) {
		t.Fatalf("unbounded page: more %v, %d commits", more, len(m.Commits))
	}
}

// syncRounds runs rounds of local sending to peer until a round sends
// nothing, the peer storing what accept allows, and returns the rounds run.
func syncRounds(t *testing.T, local, peer *store, maxBytes int, accept func(id string) bool, rng *rand.Rand) int {
	t.Helper()
	for round := 1; round <= 10000; round++ {
		pf := filterOf(peer, rng.Float64) // the peer's request
		m, more := Build(BuildInput{PeerFilter: pf, IDs: local.ids, Commit: local.commit,
			LocalSize: len(local.ids), PeerSize: len(peer.ids), Cycles: 3, IncludeMissing: true,
			Rand: rng.Float64, MaxBytes: maxBytes})
		if more && len(m.Commits) == 0 {
			t.Fatal("more with an empty page")
		}
		for _, c := range m.Commits {
			id := string(bytes.TrimPrefix(c[:bytes.IndexByte(c, ',')-1], []byte(`{"id":"`)))
			if accept(id) {
				peer.put(id, c)
			}
		}
		if len(m.Commits) == 0 {
			return round
		}
	}
	t.Fatal("no convergence in 10000 rounds")
	return 0
}

func TestBuild_PagingDeliversEverything(t *testing.T) {
	local := newStore(2000, func(i int) int { return 100 + i%13*40 })
	total := 0
	for _, c := range local.byID {
		total += len(c) + 1
	}
	rng := rand.New(rand.NewPCG(3, 4))
	peer := &store{byID: map[string][]byte{}}
	const page = 20000
	rounds := syncRounds(t, local, peer, page, func(string) bool { return true }, rng)
	for _, id := range local.ids {
		if peer.byID[id] == nil {
			t.Fatalf("%s never arrived", id)
		}
	}
	// Pages are full but for false positives of the peer's filter, which
	// cost an extra round now and then.
	if pages := total/page + 1; rounds > pages+5 {
		t.Fatalf("%d rounds for about %d pages", rounds, pages)
	}
	t.Logf("%d bytes in pages of %d: %d rounds", total, page, rounds)
}

// TestBuild_PagingDoesNotStarve: a peer that never accepts some commits
// (say, of a schema it does not know) must still get all the others, even
// when the refused ones fill more than a page and come first.
func TestBuild_PagingDoesNotStarve(t *testing.T) {
	local := newStore(300, func(int) int { return 100 })
	refused := map[string]bool{}
	for _, id := range local.ids[:100] {
		refused[id] = true
	}
	peer := &store{byID: map[string][]byte{}}
	rng := rand.New(rand.NewPCG(5, 6))
	for round := 0; ; round++ {
		if round == 2000 {
			t.Fatalf("accepted commits still missing after %d rounds", round)
		}
		pf := filterOf(peer, rng.Float64)
		m, _ := Build(BuildInput{PeerFilter: pf, IDs: local.ids, Commit: local.commit, LocalSize: 300,
			PeerSize: len(peer.ids), Cycles: 3, IncludeMissing: true, Rand: rng.Float64, MaxBytes: 1500})
		for _, c := range m.Commits {
			id := string(c[7 : bytes.IndexByte(c[7:], '"')+7])
			if !refused[id] {
				peer.put(id, c)
			}
		}
		if len(peer.ids) == 200 {
			t.Logf("200 accepted commits delivered in %d rounds of 1500 bytes", round+1)
			return
		}
	}
}

func TestBuild_RandDrivesSeeds(t *testing.T) {
	s := newStore(50, func(int) int { return 40 })
	build := func(seed uint64) []byte {
		rng := rand.New(rand.NewPCG(seed, 0))
		m, _ := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit, LocalSize: 50,
			Cycles: 2, IncludeMissing: true, Rand: rng.Float64, MaxBytes: 300})
		return m.AppendJSON(nil)
	}
	if !bytes.Equal(build(1), build(1)) {
		t.Fatal("same Rand, different messages")
	}
	if bytes.Equal(build(1), build(2)) {
		t.Fatal("different Rand, same message")
	}
	// Without Rand, every message gets fresh seeds, as upstream's.
	a, _ := Build(BuildInput{LocalSize: 5, Cycles: 1})
	b, _ := Build(BuildInput{LocalSize: 5, Cycles: 1})
	if fmt.Sprint(a.Filter.Seeds()) == fmt.Sprint(b.Filter.Seeds()) {
		t.Fatal("seeds repeat")
	}
}

// TestBuild_FalsePositiveRate measures the filter against ids it does not
// hold: about FPR, and no false negatives.
func TestBuild_FalsePositiveRate(t *testing.T) {
	s := newStore(20000, func(int) int { return 10 })
	for _, c := range []struct {
		cycles int
		low    bool
	}{{1, false}, {2, false}, {3, false}, {3, true}} {
		m, _ := Build(BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit, LocalSize: len(s.ids),
			Cycles: c.cycles, LowAccuracy: c.low, IncludeMissing: true})
		for _, id := range s.ids {
			if !m.Filter.Has(id) {
				t.Fatalf("false negative %s", id)
			}
		}
		const probes = 200000
		fp := 0
		for i := range probes {
			if m.Filter.Has("other" + strconv.Itoa(i)) {
				fp++
			}
		}
		rate, want := float64(fp)/probes, FPR(len(s.ids), 0, c.cycles, c.low)
		t.Logf("cycles %d low %v: rate %.3g, sized for %.3g (%d bytes, %d hashes)",
			c.cycles, c.low, rate, want, m.Filter.ByteSize(), m.Filter.NumHashes())
		if rate > 2*want+5.0/probes || (want > 100.0/probes && rate < want/2) {
			t.Errorf("cycles %d low %v: false-positive rate %.3g, sized for %.3g", c.cycles, c.low, rate, want)
		}
	}
}

func TestBuild_FilterCap(t *testing.T) {
	// Below the cap, upstream's sizes exactly.
	for _, n := range []int{1, 2, 10, 64, 1000, 123457, 1 << 20} {
		for cycles := 1; cycles <= 3; cycles++ {
			gotN, fpr := filterParams(n, 0, n, cycles, false, 0)
			if gotN != n || fpr != FPR(n, 0, cycles, false) {
				t.Fatalf("n %d cycles %d: capped below the cap", n, cycles)
			}
		}
	}
	// Above it, never more than the cap, however large the sizes.
	huge := []int{10, 1000, 1e6, 1e8, 1 << 40, 1 << 53, math.MaxInt}
	for _, maxBytes := range []int{1, 2, 100, 4096, DefaultMaxFilterBytes} {
		for _, peer := range huge {
			for _, local := range huge {
				for cycles := 1; cycles <= 3; cycles++ {
					gotN, fpr := filterParams(local, peer, 0, cycles, false, maxBytes)
					if !(fpr > 0 && fpr < 1) {
						t.Fatalf("cap %d local %d peer %d: rate %v", maxBytes, local, peer, fpr)
					}
					b, k := bloom.Sizes(gotN, fpr, 0)
					if b < 1 || b > maxBytes || k < 1 {
						t.Fatalf("cap %d local %d peer %d cycles %d: %d bytes, %d hashes", maxBytes, local, peer, cycles, b, k)
					}
				}
			}
		}
	}
	// A peer claiming 2^53 commits gets a filter sized for what it holds,
	// at the rate upstream asks for.
	s := newStore(1000, func(int) int { return 10 })
	in := BuildInput{PeerFilter: bloom.Empty(), IDs: s.ids, Commit: s.commit, LocalSize: 1000,
		PeerSize: 1 << 53, Cycles: 1, IncludeMissing: true}
	m, _ := Build(in)
	if b, k := bloom.Sizes(1000, FPR(1000, 1<<53, 1, false), 0); m.Filter.ByteSize() != b || m.Filter.NumHashes() != k {
		t.Fatalf("filter %d/%d, want %d/%d", m.Filter.ByteSize(), m.Filter.NumHashes(), b, k)
	}
	// Under a tight cap the rate rises, and the filter still works for
	// what it holds.
	in.MaxFilterBytes = 1024
	m, _ = Build(in)
	fp := 0
	for i := range 10000 {
		if m.Filter.Has("other" + strconv.Itoa(i)) {
			fp++
		}
	}
	for _, id := range s.ids {
		if !m.Filter.Has(id) {
			t.Fatalf("capped filter lacks %s", id)
		}
	}
	if m.Filter.ByteSize() > 1024 || fp > 1000 {
		t.Fatalf("capped filter: %d bytes, %d false positives in 10000", m.Filter.ByteSize(), fp)
	}
	t.Logf("1000 ids in %d bytes, %d hashes: %d false positives in 10000", m.Filter.ByteSize(), m.Filter.NumHashes(), fp)
}
