package repo

import (
	"runtime"
	"sync"

	"goatdb/internal/commit"
	"goatdb/internal/jsonlog"
)

// parsed is a record's entry and the hashes of its id and key, or why it
// is not a commit. Its parents and their hashes are chunk.parents[from:to]
// and chunk.parentHashes[from:to]: they are needed only while it is
// inserted.
type parsed struct {
	e         *entry
	err       error
	idH, keyH uint64
	from, to  int32
}

// loadChunk is how many records a parse worker takes at a time: large
// enough to amortise coordination, small enough that inserting can start
// early.
const loadChunk = 2048

// chunk is a run of consecutive records and, once done is closed, their
// parse results.
type chunk struct {
	recs         []jsonlog.Record
	out          []parsed
	parents      []string
	parentHashes []uint64
	done         chan struct{}
}

// loader parses records on all cores while the log is still being read and
// inserts the results into the graph in file order. Parsing (which also
// validates) and inserting are the two costs of opening a repository;
// parsing is independent per record, inserting must follow file order, so
// they run as a pipeline: the reader fills chunks, workers parse them, and
// one goroutine inserts them as they complete. Records stream through a
// few recycled chunks, so no slice of every record is ever built.
type loader struct {
	r     *Repo
	size  int64 // file size, for sizing the maps
	lines int64 // records delivered so far
	cur   *chunk
	sized bool
	// nextReport is the offset at which Progress is called next.
	nextReport int64
	touched    uint64 // see touch

	jobs     chan *chunk // to the parse workers
	inOrder  chan *chunk // to the inserter, in file order
	free     chan *chunk // chunks to reuse
	workers  sync.WaitGroup
	inserted chan struct{} // closed when the inserter is done
}

// progressEvery is how many bytes pass between progress reports.
const progressEvery = 1 << 20

// pipeDepth is how many chunks may wait for parsing or inserting before the
// reader waits: enough to keep every core busy.
const pipeDepth = 16

func newLoader(r *Repo, size int64) *loader {
	l := &loader{
		r:        r,
		size:     size,
		jobs:     make(chan *chunk, pipeDepth),
		inOrder:  make(chan *chunk, pipeDepth),
		free:     make(chan *chunk, pipeDepth),
		inserted: make(chan struct{}),
	}
	for range runtime.GOMAXPROCS(0) {
		l.workers.Go(func() {
			// Entries come from each worker's own slab. The commit is
			// parsed into one reused Commit: the entry keeps only the line
			// and where its fields lie.
			var s slab
			var c commit.Commit
			var pbuf []string
			hash := r.hash
			for ch := range l.jobs {
				ch.parents, ch.parentHashes = ch.parents[:0], ch.parentHashes[:0]
				for i, rec := range ch.recs {
					p := &ch.out[i]
					if p.err = commit.ParseInto(&c, rec.Line, pbuf); p.err != nil {
						continue
					}
					if c.Parents != nil {
						pbuf = c.Parents
					}
					p.e = s.entry()
					p.e.setLoaded(&c, rec.Line)
					p.idH, p.keyH = hash.of(c.ID), hash.of(c.Key)
					p.from = int32(len(ch.parents))
					for _, id := range c.Parents {
						ch.parents = append(ch.parents, id)
						ch.parentHashes = append(ch.parentHashes, hash.of(id))
					}
					p.to = int32(len(ch.parents))
				}
				close(ch.done)
			}
		})
	}
	go l.insert()
	return l
}

// add is the jsonlog callback: it queues rec and hands off full chunks.
func (l *loader) add(rec jsonlog.Record) error {
	if l.cur == nil {
		select {
		case l.cur = <-l.free:
		default:
			l.cur = &chunk{
				recs: make([]jsonlog.Record, 0, loadChunk),
				out:  make([]parsed, loadChunk),
			}
		}
		l.cur.done = make(chan struct{})
	}
	l.cur.recs = append(l.cur.recs, rec)
	l.lines++
	if p := l.r.opts.Progress; p != nil && rec.Offset >= l.nextReport {
		p(rec.Offset, l.size)
		l.nextReport = rec.Offset + progressEvery
	}
	if len(l.cur.recs) == loadChunk {
		l.dispatch(rec.Offset + int64(len(rec.Line)) + 1)
	}
	return nil
}

// dispatch sends the current chunk to the workers and the inserter. read is
// how many bytes of the file the records so far span.
func (l *loader) dispatch(read int64) {
	if !l.sized {
		l.sized = true
		l.sizeMaps(read)
	}
	l.jobs <- l.cur
	l.inOrder <- l.cur
	l.cur = nil
}

// sizeMaps sizes the graph's maps once, before anything is inserted, so
// that loading never regrows (and rehashes) them. The number of records is
// not known until the whole file is read, so it is estimated from the
// lines so far; a small margin absorbs lines of varying length.
func (l *loader) sizeMaps(read int64) {
	n := l.lines
	if read > 0 && read < l.size {
		n = l.size / max(read/l.lines, 1)
		n += n / 32
	}
	r := l.r
	r.ids = newTable(int(n))
	r.keyIdx = newTable(int(n))
	r.order = make([]*entry, 0, n)
}

// finish hands off the last partial chunk and waits for every record to be
// inserted.
func (l *loader) finish() {
	if l.cur != nil && len(l.cur.recs) > 0 {
		l.dispatch(l.size)
	}
	close(l.jobs)
	close(l.inOrder)
	l.workers.Wait()
	<-l.inserted
}

// insert adds parsed records to the graph in file order.
func (l *loader) insert() {
	defer close(l.inserted)
	r := l.r
	for ch := range l.inOrder {
		<-ch.done
		out := ch.out[:len(ch.recs)]
		for start := 0; start < len(out); start += touchRun {
			run := out[start:min(start+touchRun, len(out))]
			l.touch(run)
			for i := range run {
				p := &run[i]
				if p.err != nil {
					r.rejectLine(ch.recs[start+i], p.err)
					continue
				}
				if r.knownLocked(p.idH, p.e.ID, ch.recs[start+i].Line) {
					continue
				}
				r.insertLocked(p.e, &commitHashes{
					id: p.idH, key: p.keyH,
					parents:      ch.parents[p.from:p.to],
					parentHashes: ch.parentHashes[p.from:p.to],
				})
			}
		}
		clear(ch.out)
		clear(ch.parents)
		clear(ch.recs)
		ch.recs = ch.recs[:0]
		select {
		case l.free <- ch:
		default:
		}
	}
}

// touchRun is how many records' index slots touch reads ahead: enough
// misses to overlap, few enough that their cache lines are all still
// there when the records are inserted.
const touchRun = 64

// touch reads the home slots that inserting run will probe. The tables are
// large and each probe lands somewhere random in them, so inserting one
// record after another would wait for one cache miss after another;
// reading the slots first, in a loop with nothing depending on the reads,
// lets the processor have all of them in flight at once.
func (l *loader) touch(run []parsed) {
	r := l.r
	var sum uint64
	for i := range run {
		p := &run[i]
		if p.err == nil {
			sum += r.ids.slots[r.ids.home(p.idH)] + r.keyIdx.slots[r.keyIdx.home(p.keyH)]
		}
	}
	l.touched += sum // kept, so that the reads are not optimised away
}
