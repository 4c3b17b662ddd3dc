package syncproto

import (
	"encoding/json"
	"strconv"

	"goatdb/internal/bloom"
	"goatdb/internal/jsjson"
)

// Message is one peer's half of a sync round for one repository, upstream's
// SyncMessage:
//
//	{"ver":<num>,"f":{"__t":"E","__v":{"d":"<base64>","s":[seeds]}},"s":<num>,"c":[<commit>...],"ad":[]}
//
// The filter is wrapped as an encoded object ("__t":"E") because upstream
// serialises the message with its generic encoder; a commit's own "af"
// filter is not wrapped.
type Message struct {
	// Ver is the sender's build version (50595584 for upstream 0.5.1). A
	// stock client goes offline when a reply's Ver differs from its own,
	// and an upstream server sends no commits to a client whose Ver is
	// lower than its own.
	Ver float64
	// Filter holds the id of every commit the sender has, or nothing when
	// the sender wants everything (see Build). A nil Filter is written as
	// an empty one.
	Filter *bloom.Filter
	// Size is the number of commits the sender has; the receiver sizes its
	// next filter by it.
	Size int
	// Commits are the commits the sender believes the receiver lacks, each
	// the JSON of one commit object. Decoding keeps them verbatim and
	// encoding writes them as given, so relaying never changes a commit's
	// bytes. To match upstream's output they must be compact.
	Commits []json.RawMessage
	// AccessDenied is the raw "ad" array. Upstream declares it as ids the
	// sender was refused but always sends [], and only relays it; so it is
	// kept as JSON. Nil is written as [].
	AccessDenied json.RawMessage
}

// emptyFilterJSON stands in for a nil Filter: the shape of upstream's empty
// filter (one zero byte, two hashes). No bit is set, so it contains nothing
// whatever the seeds; fixed seeds keep the output deterministic.
const emptyFilterJSON = `{"d":"AA==","s":[1,2]}`

// AppendJSON appends the message as upstream's JSON.stringify writes it: keys
// in the order ver, f, s, c, ad, no whitespace, numbers as JavaScript formats
// them. A nil message is written as null.
func (m *Message) AppendJSON(dst []byte) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"ver":`...)
	dst = jsjson.AppendNumber(dst, m.Ver)
	dst = append(dst, `,"f":{"__t":"E","__v":`...)
	if m.Filter != nil {
		dst = m.Filter.AppendJSON(dst)
	} else {
		dst = append(dst, emptyFilterJSON...)
	}
	dst = append(dst, `},"s":`...)
	dst = strconv.AppendInt(dst, int64(m.Size), 10)
	dst = append(dst, `,"c":[`...)
	for i, c := range m.Commits {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, c...)
	}
	dst = append(dst, `],"ad":`...)
	if len(m.AccessDenied) > 0 {
		dst = append(dst, m.AccessDenied...)
	} else {
		dst = append(dst, "[]"...)
	}
	return append(dst, '}')
}

// jsonSize estimates the length of AppendJSON's output, to size buffers.
func (m *Message) jsonSize() int {
	if m == nil {
		return 4
	}
	n := 96 + len(m.AccessDenied)
	if m.Filter != nil {
		n += (m.Filter.ByteSize()+2)/3*4 + 17*m.Filter.NumHashes()
	}
	for _, c := range m.Commits {
		n += len(c) + 1
	}
	return n
}
