package repo

// slab hands out entries, key states and one-element slices from chunks.
// A large repository has about one of each per commit; allocating them one
// by one makes loading it mostly malloc and GC work. Nothing handed out is
// ever freed individually (commits are never removed), so chunks only cost
// their unused tail.
type slab struct {
	entries []entry
	keys    []keyState
	ptrs    []*entry
}

const slabChunk = 512

func (s *slab) entry() *entry {
	if len(s.entries) == 0 {
		s.entries = make([]entry, slabChunk)
	}
	e := &s.entries[0]
	s.entries = s.entries[1:]
	return e
}

func (s *slab) keyState() *keyState {
	if len(s.keys) == 0 {
		s.keys = make([]keyState, slabChunk)
	}
	ks := &s.keys[0]
	s.keys = s.keys[1:]
	return ks
}

// one returns a slice holding e whose capacity is exactly one, so that an
// append moves it out of the chunk instead of writing over a neighbour.
func (s *slab) one(e *entry) []*entry {
	if len(s.ptrs) == 0 {
		s.ptrs = make([]*entry, slabChunk)
	}
	out := s.ptrs[0:1:1]
	out[0] = e
	s.ptrs = s.ptrs[1:]
	return out
}
