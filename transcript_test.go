package goatdb

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"goatdb/internal/syncproto"
	"goatdb/internal/testutil"
)

// TestUpstreamClientRequests replays every /batch-sync request upstream's
// TypeScript clients sent in the fixture's recorded transcript, as the
// session that sent it, against the upstream server's identity and
// sessions with its data removed: every commit the clients send verifies,
// is authorized and is stored, and every reply has the shape and version
// a stock client needs to stay online.
func TestUpstreamClientRequests(t *testing.T) {
	fx := testutil.Fixtures(t)
	dir := testutil.CopyDir(t, filepath.Join(fx, "db-server", "localhost"))
	if err := os.RemoveAll(filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), dir, &Options{CommitDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixtureSchemas(t, db, true)
	f, err := os.Open(filepath.Join(fx, "sync-transcript", "transcript.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	replayed, received := 0, 0
	for sc.Scan() {
		var ex struct {
			Seq     int
			Request struct {
				Path       string
				SigDecoded struct {
					I string `json:"i"`
				} `json:"sigDecoded"`
				Body json.RawMessage
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatal(err)
		}
		if ex.Request.Path != "/batch-sync" {
			continue
		}
		session, ok := db.LookupSession(ex.Request.SigDecoded.I)
		if !ok {
			t.Fatalf("seq %d: session %s unknown to the server", ex.Seq, ex.Request.SigDecoded.I)
		}
		reqs, err := syncproto.DecodeBatchRequest(ex.Request.Body, syncproto.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		res, st, err := db.HandleBatchSync(context.Background(), session, ex.Request.Body, DefaultSyncLimits)
		if err != nil {
			t.Fatalf("seq %d: %v", ex.Seq, err)
		}
		received += st.Received
		if st.Rejected != 0 {
			t.Fatalf("seq %d: %d of the client's commits refused", ex.Seq, st.Rejected)
		}
		entries, err := syncproto.DecodeBatchResponse(res, syncproto.DefaultLimits)
		if err != nil {
			t.Fatalf("seq %d: reply does not decode: %v", ex.Seq, err)
		}
		if len(entries) != len(reqs) {
			t.Fatalf("seq %d: %d replies to %d requests", ex.Seq, len(entries), len(reqs))
		}
		for i, e := range entries {
			if e.Path != reqs[i].Path || e.Msg.Ver != reqs[i].Msg.Ver || e.Msg.Filter == nil {
				t.Fatalf("seq %d: reply %d is %s ver %v, request %s ver %v", ex.Seq, i, e.Path, e.Msg.Ver, reqs[i].Path, reqs[i].Msg.Ver)
			}
		}
		replayed++
	}
	if replayed < 20 || received < 100 {
		t.Fatalf("only %d exchanges replayed, %d commits stored", replayed, received)
	}
	t.Logf("%d upstream client requests replayed, %d of their commits verified and stored", replayed, received)
}
