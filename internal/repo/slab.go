package repo

// slab hands out entries from chunks. A large repository has one per
// commit; allocating them one by one makes loading it mostly malloc and GC
// work. Nothing handed out is
// ever freed individually (commits are never removed), so chunks only cost
// their unused tail.
type slab struct {
	entries []entry
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
