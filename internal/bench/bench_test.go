package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestRunAll runs every row on a tiny dataset and checks that each row
// has a result for each of its systems and that the JSON has the keys
// scripts rely on.
func TestRunAll(t *testing.T) {
	res, err := Run(context.Background(), Config{Items: 300, Samples: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Result{}
	for _, r := range res {
		if r.Samples <= 0 || r.MedianNS <= 0 || r.P95NS < r.MedianNS {
			t.Errorf("%s/%s: bad result %+v", r.Row, r.System, r)
		}
		got[r.Row+"/"+r.System] = r
	}
	for _, rw := range rowTable() {
		want := systems
		if rw.custom != nil {
			want = systems[:1] // memory and sync rows are goatdb-default only
		}
		for _, s := range want {
			if _, ok := got[rw.name+"/"+s.name]; !ok {
				t.Errorf("no result for %s/%s", rw.name, s.name)
			}
		}
	}
	if r := got[rssRow+"/goatdb-default"]; r.RSSBytes <= 0 || r.HeapBytes <= 0 {
		t.Errorf("memory row without memory: %+v", r)
	}
	if r := got[syncRow+"/goatdb-default"]; r.P99NS <= 0 {
		t.Errorf("sync row without p99: %+v", r)
	}

	var buf bytes.Buffer
	if err := WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	if len(objs) != len(res) {
		t.Fatalf("JSON has %d objects, want %d", len(objs), len(res))
	}
	for _, o := range objs {
		for _, k := range []string{"row", "system", "median_ns", "p95_ns", "samples"} {
			if _, ok := o[k]; !ok {
				t.Errorf("JSON object %v lacks %q", o, k)
			}
		}
		if o["row"] == rssRow && (o["rss_bytes"] == nil || o["go_heap_bytes"] == nil) {
			t.Errorf("memory row lacks rss_bytes/go_heap_bytes: %v", o)
		}
		if o["row"] == syncRow && o["p99_ns"] == nil {
			t.Errorf("sync row lacks p99_ns: %v", o)
		}
	}

	buf.Reset()
	if err := WriteMarkdown(&buf, res, 300); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n| "); n != len(rowTable()) {
		t.Errorf("markdown has %d rows, want %d:\n%s", n, len(rowTable()), buf.String())
	}
}
