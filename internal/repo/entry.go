package repo

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"goatdb/internal/commit"
	"goatdb/internal/value"
)

// entry is one commit plus what the repository knows about it.
//
// A large repository holds one per commit, so a loaded commit is not kept
// as a commit.Commit (288 bytes of headers, most of which nothing reads
// after loading): the entry keeps the line, which the file buffer holds
// anyway, and where the fields the graph consults all the time lie in it.
// The rest is parsed again, once, when something asks for the commit
// (commit). Commits that arrive parsed (local ones, inserted ones) keep
// their commit.Commit from the start, and so do the rare lines whose
// fields are not slices of the line (escaped strings).
type entry struct {
	line string // the exact line; aliases the file buffer or c's Raw
	// c is the parsed commit, nil for a loaded one until asked for. When
	// set, the accessors read it; otherwise the offsets below.
	c   atomic.Pointer[commit.Commit]
	own *value.Item // decoded value of this commit alone (nil until decoded)
	ts  int64
	// body is the record of a full commit, the edit of a delta.
	body span
	// Where the id, key and base strings start in line (see str); the
	// narrow fields make an entry 64 bytes instead of 80.
	baseAt      uint32
	children    int32 // the known commits naming this one as a parent
	idAt, keyAt uint16
	state       itemState
	delta       bool
}

// span is where a field lies in an entry's line.
type span struct{ off, n uint32 }

// str returns the string whose text starts at off in the line. A field
// the entry locates is a slice of the line, so it has no escapes and ends
// at the next quote; offset 0 (the line's '{') stands for "".
func (e *entry) str(off uint32) string {
	if off == 0 {
		return ""
	}
	s := e.line[off:]
	return s[:strings.IndexByte(s, '"')]
}

func (e *entry) bytes(s span) []byte {
	// The line is never written (see commit.Parse), so viewing it as bytes
	// for callers that take a []byte (decoding, Raw) is sound; they only
	// read it, as they read a parsed commit's Record.
	return unsafe.Slice(unsafe.StringData(e.line[s.off:]), s.n)
}

// ID and Key are what nearly every walk of the graph reads.
func (e *entry) ID() string {
	if c := e.c.Load(); c != nil {
		return c.ID
	}
	return e.str(uint32(e.idAt))
}

func (e *entry) Key() string {
	if c := e.c.Load(); c != nil {
		return c.Key
	}
	return e.str(uint32(e.keyAt))
}

// Base is a delta's base commit id, "" for a full commit.
func (e *entry) Base() string {
	if c := e.c.Load(); c != nil {
		return c.Base
	}
	return e.str(e.baseAt)
}

// Record is a full commit's raw record, nil for a delta.
func (e *entry) Record() []byte {
	if c := e.c.Load(); c != nil {
		return c.Record
	}
	if e.delta {
		return nil
	}
	return e.bytes(e.body)
}

// Edit is a delta's raw edit, nil for a full commit.
func (e *entry) Edit() []byte {
	if c := e.c.Load(); c != nil {
		return c.Edit
	}
	if !e.delta {
		return nil
	}
	return e.bytes(e.body)
}

func (e *entry) IsDelta() bool { return e.delta }

// raw returns the exact line, which callers must not modify.
func (e *entry) raw() []byte {
	if c := e.c.Load(); c != nil {
		return c.Raw
	}
	return unsafe.Slice(unsafe.StringData(e.line), len(e.line))
}

// commit returns the parsed commit, parsing the line the first time.
func (e *entry) commit() *commit.Commit {
	if c := e.c.Load(); c != nil {
		return c
	}
	return e.parse(nil)
}

// parse parses the line, taking the commit from s when s is not nil, and
// keeps the result. It is safe under the read lock: of racing parsers, the
// first to store its commit wins and the others return that one.
func (e *entry) parse(s *commit.Slab) *commit.Commit {
	line := e.raw()
	var c *commit.Commit
	var err error
	if s != nil {
		c, err = s.Parse(line)
	} else {
		c, err = commit.Parse(line)
	}
	if err != nil {
		// The line parsed when it was loaded and nothing writes to it.
		panic("repo: a loaded commit line no longer parses: " + err.Error())
	}
	if e.c.CompareAndSwap(nil, c) {
		return c
	}
	return e.c.Load()
}

// setParsed makes e the entry of a commit that arrived parsed.
func (e *entry) setParsed(c *commit.Commit) {
	e.line = unsafe.String(unsafe.SliceData(c.Raw), len(c.Raw))
	e.c.Store(c)
	e.ts = c.TS
	e.delta = c.IsDelta()
}

// setLoaded makes e the entry of c, a commit parsed from line into memory
// that is about to be reused: only slices of line may stay. A field that is
// not one (an escaped string), or lies beyond what the offsets can say,
// makes e keep a copy of c instead.
func (e *entry) setLoaded(c *commit.Commit, line []byte) {
	e.line = unsafe.String(unsafe.SliceData(line), len(line))
	e.ts = c.TS
	e.delta = c.IsDelta()
	id, ok0 := offsetOf(line, c.ID)
	key, ok1 := offsetOf(line, c.Key)
	base, ok2 := offsetOf(line, c.Base)
	body := c.Record
	if e.delta {
		body = c.Edit
	}
	var ok3 bool
	e.body, ok3 = spanOf(line, unsafe.SliceData(body), len(body))
	e.idAt, e.keyAt, e.baseAt = uint16(id), uint16(key), uint32(base)
	if !ok0 || !ok1 || !ok2 || !ok3 || id > math.MaxUint16 || key > math.MaxUint16 {
		cp := *c
		cp.Parents = append([]string(nil), c.Parents...)
		e.c.Store(&cp)
	}
}

// offsetOf returns where s starts in line, for str; ok is false if s is
// not a slice of line.
func offsetOf(line []byte, s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	sp, ok := spanOf(line, unsafe.StringData(s), len(s))
	return int(sp.off), ok
}

// spanOf locates the n bytes at p within line. Only the addresses are
// compared (no pointer is made from arithmetic), and the heap does not
// move, so a field that is a slice of line is found exactly.
func spanOf(line []byte, p *byte, n int) (span, bool) {
	if n == 0 {
		return span{}, true
	}
	if len(line) == 0 || uint64(len(line)) > math.MaxUint32 {
		return span{}, false
	}
	off := uintptr(unsafe.Pointer(p)) - uintptr(unsafe.Pointer(unsafe.SliceData(line)))
	if off >= uintptr(len(line)) || uintptr(n) > uintptr(len(line))-off {
		return span{}, false
	}
	return span{uint32(off), uint32(n)}, true
}

// commitsOf returns the parsed commits of es. Lines never asked for before
// are parsed on every core when there are many (the first listing of a
// large repository that was loaded from its file).
func commitsOf(es []*entry) []*commit.Commit {
	out := make([]*commit.Commit, len(es))
	var todo []int
	for i, e := range es {
		if c := e.c.Load(); c != nil {
			out[i] = c
		} else {
			todo = append(todo, i)
		}
	}
	parse := func(idx []int) {
		var s commit.Slab
		for _, i := range idx {
			out[i] = es[i].parse(&s)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo)/parallelParseMin)
	if workers <= 1 {
		parse(todo)
		return out
	}
	var wg sync.WaitGroup
	per := (len(todo) + workers - 1) / workers
	for part := range slices.Chunk(todo, per) {
		wg.Go(func() { parse(part) })
	}
	wg.Wait()
	return out
}

// parallelParseMin is how many lines each core must get before parsing
// them in parallel is worth starting goroutines.
const parallelParseMin = 1024
