package syncproto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"goatdb/internal/bloom"
	"goatdb/internal/jsjson"
	"goatdb/internal/testutil"
)

// exchange is one line of the upstream sync transcript: a real HTTP request
// between a stock client and a stock server, and the answer.
type exchange struct {
	Seq      int    `json:"seq"`
	Client   string `json:"client"`
	Request  half   `json:"request"`
	Response half   `json:"response"`
}

type half struct {
	Path     string            `json:"path"`
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	Body     json.RawMessage   `json:"body"`
	BodyText *string           `json:"bodyText"`
}

// wire returns the bytes that were sent: bodyText when the transcript has
// it, else the body re-stringified as JSON.stringify writes it.
func (h half) wire(t testing.TB) []byte {
	t.Helper()
	if h.BodyText != nil {
		return []byte(*h.BodyText)
	}
	out, err := stringifyJS(h.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// stringifyJS re-writes JSON as JavaScript's JSON.stringify(JSON.parse(x))
// would: members in their order, no whitespace, numbers and strings in
// JavaScript's form.
func stringifyJS(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []byte
	var value func() error
	value = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case json.Delim:
			out = append(out, byte(tok))
			closer := byte(']')
			if tok == '{' {
				closer = '}'
			}
			for n := 0; dec.More(); n++ {
				if n > 0 {
					out = append(out, ',')
				}
				if tok == '{' {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					out = jsjson.AppendString(out, k.(string))
					out = append(out, ':')
				}
				if err := value(); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			out = append(out, closer)
		case json.Number:
			f, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				return err
			}
			out = jsjson.AppendNumber(out, f)
		case string:
			out = jsjson.AppendString(out, tok)
		case bool:
			out = strconv.AppendBool(out, tok)
		case nil:
			out = append(out, "null"...)
		}
		return nil
	}
	if err := value(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, err
	}
	return out, nil
}

// syncExchanges returns the /batch-sync exchanges of the transcript.
func syncExchanges(t testing.TB) []exchange {
	t.Helper()
	f, err := os.Open(filepath.Join(testutil.Fixtures(t), "sync-transcript", "transcript.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []exchange
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e exchange
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Request.Path == "/batch-sync" {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 40 {
		t.Fatalf("only %d sync exchanges in the transcript", len(out))
	}
	return out
}

// TestTranscriptRoundTrip decodes every request and response body upstream
// sent and encodes it again: the bytes must be the ones on the wire.
func TestTranscriptRoundTrip(t *testing.T) {
	for _, e := range syncExchanges(t) {
		req := e.Request.wire(t)
		res := e.Response.wire(t)
		// The recorded length proves the re-stringified body is the one sent.
		if cl := e.Response.Headers["content-length"]; cl != strconv.Itoa(len(res)) {
			t.Fatalf("seq %d: response is %d bytes, content-length %s", e.Seq, len(res), cl)
		}
		entries, err := DecodeBatchRequest(req, DefaultLimits)
		if err != nil {
			t.Fatalf("seq %d request: %v", e.Seq, err)
		}
		if got := AppendBatchRequest(nil, entries); !bytes.Equal(got, req) {
			t.Errorf("seq %d request re-encoded differs:\n got %.300s\nwant %.300s", e.Seq, got, req)
		}
		entries, err = DecodeBatchResponse(res, DefaultLimits)
		if err != nil {
			t.Fatalf("seq %d response: %v", e.Seq, err)
		}
		if got := AppendBatchResponse(nil, entries); !bytes.Equal(got, res) {
			t.Errorf("seq %d response re-encoded differs:\n got %.300s\nwant %.300s", e.Seq, got, res)
		}
		// Each message alone round-trips too.
		for _, en := range entries {
			js := en.Msg.AppendJSON(nil)
			m, err := DecodeMessage(js)
			if err != nil {
				t.Fatalf("seq %d %s: %v", e.Seq, en.Path, err)
			}
			if got := m.AppendJSON(nil); !bytes.Equal(got, js) {
				t.Errorf("seq %d %s: message re-encoded differs", e.Seq, en.Path)
			}
		}
	}
}

// TestTranscriptResponseFilterSizes pins FPR against the upstream server:
// every reply's filter has the byte size and hash count bloom.Sizes gives
// for N = max(1, reply "s", request "s") and cycles 1 when the request
// carried commits (every one in the transcript stored something new), else
// the server's 3.
//
// The server's local size is numberOfCommits, which the reply does not
// carry; its "s" counts the commits the server iterated, the same number
// here (seq 138 shows the peer's size counting: 106 from the client
// against the server's 79).
func TestTranscriptResponseFilterSizes(t *testing.T) {
	checked := map[int]int{}
	for _, e := range syncExchanges(t) {
		reqs, err := DecodeBatchRequest(e.Request.wire(t), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string]*Message{}
		for _, r := range reqs {
			byPath[r.Path] = r.Msg
		}
		res, err := DecodeBatchResponse(e.Response.wire(t), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			req := byPath[r.Path]
			if req == nil {
				t.Fatalf("seq %d: reply for %s, which was not asked", e.Seq, r.Path)
			}
			cycles := 3
			if len(req.Commits) > 0 {
				cycles = 1
			}
			wantBytes, wantHashes := bloom.Sizes(max(1, r.Msg.Size, req.Size), FPR(r.Msg.Size, req.Size, cycles, false), 0)
			if r.Msg.Filter.ByteSize() != wantBytes || r.Msg.Filter.NumHashes() != wantHashes {
				t.Errorf("seq %d %s: filter %d bytes/%d hashes, want %d/%d (s %d, peer %d, cycles %d)",
					e.Seq, r.Path, r.Msg.Filter.ByteSize(), r.Msg.Filter.NumHashes(), wantBytes, wantHashes,
					r.Msg.Size, req.Size, cycles)
			}
			checked[cycles]++
		}
	}
	if checked[1] < 10 || checked[3] < 50 {
		t.Fatalf("too few replies checked: %v", checked)
	}
}

// TestTranscriptRequestFilterSizes checks what can be pinned of the
// clients' filters. A client's cycles depend on its measured sync frequency
// and its peer size on the reply before, which may be an exchange the
// transcript left out; so each request filter must match FPR for some
// cycles in 1..3 with N from its own "s" and the last kept reply. The
// requests of a client pulling everything (includeMissing false) carry an
// all-zero filter of that same size.
func TestTranscriptRequestFilterSizes(t *testing.T) {
	last := map[string]int{} // client+path -> last reply "s"
	for _, e := range syncExchanges(t) {
		reqs, _ := DecodeBatchRequest(e.Request.wire(t), DefaultLimits)
		for _, r := range reqs {
			peer := last[e.Client+r.Path]
			ok := false
			for cycles := 1; cycles <= 3; cycles++ {
				b, k := bloom.Sizes(max(1, r.Msg.Size, peer), FPR(r.Msg.Size, peer, cycles, false), 0)
				ok = ok || (b == r.Msg.Filter.ByteSize() && k == r.Msg.Filter.NumHashes())
			}
			if !ok {
				t.Errorf("seq %d %s: request filter %d/%d fits no cycles (s %d, peer %d)",
					e.Seq, r.Path, r.Msg.Filter.ByteSize(), r.Msg.Filter.NumHashes(), r.Msg.Size, peer)
			}
		}
		res, _ := DecodeBatchResponse(e.Response.wire(t), DefaultLimits)
		for _, r := range res {
			last[e.Client+r.Path] = r.Msg.Size
		}
	}
}

// TestTranscriptFiltersAnswerLikeUpstream ties message decoding to the
// filter vectors: the "f" of each captured message, decoded here, answers
// every query as upstream's decoded filter did.
func TestTranscriptFiltersAnswerLikeUpstream(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testutil.Fixtures(t), "vectors", "bloom-sync.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			Seq     int             `json:"seq"`
			Side    string          `json:"side"`
			Repo    string          `json:"repo"`
			Filter  json.RawMessage `json:"filter"`
			Queries [][2]any        `json:"queries"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	msgs := map[string]*Message{}
	for _, e := range syncExchanges(t) {
		reqs, _ := DecodeBatchRequest(e.Request.wire(t), DefaultLimits)
		res, _ := DecodeBatchResponse(e.Response.wire(t), DefaultLimits)
		for _, r := range reqs {
			msgs[strconv.Itoa(e.Seq)+"request"+r.Path] = r.Msg
		}
		for _, r := range res {
			msgs[strconv.Itoa(e.Seq)+"response"+r.Path] = r.Msg
		}
	}
	found := 0
	for _, c := range v.Cases {
		m := msgs[strconv.Itoa(c.Seq)+c.Side+c.Repo]
		if m == nil {
			continue // the vector comes from an exchange the transcript left out
		}
		found++
		if got := m.Filter.AppendJSON(nil); !bytes.Equal(got, c.Filter) {
			t.Errorf("seq %d %s %s: filter %s, vector %s", c.Seq, c.Side, c.Repo, got, c.Filter)
		}
		for _, q := range c.Queries {
			if got := m.Filter.Has(q[0].(string)); got != q[1].(bool) {
				t.Errorf("seq %d %s %s: Has(%v) = %v", c.Seq, c.Side, c.Repo, q[0], got)
			}
		}
	}
	if found < 10 {
		t.Fatalf("only %d filter vectors matched a kept exchange", found)
	}
}
