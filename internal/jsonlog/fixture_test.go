package jsonlog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"goatdb/internal/vfs"
)

const damagedDir = "../../../shared/fixtures/upstream-0.5.1/damaged"

type damagedStage struct {
	File  string
	Bytes int64
	Lines []struct {
		ByteOffset int64
		Length     int64
		Status     string
		ID         string
	}
	CorrectReaderRecoversIds   []string
	UpstreamFileBytesAfterOpen int64
}

func loadDamaged(t *testing.T) []damagedStage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(damagedDir, "damaged.json"))
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	var d struct{ Stages []damagedStage }
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Stages) != 4 {
		t.Fatalf("damaged.json has %d stages, want 4", len(d.Stages))
	}
	return d.Stages
}

func idOf(t *testing.T, line []byte) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(line, &v); err != nil {
		t.Fatalf("delivered line does not parse: %v", err)
	}
	return v.ID
}

// TestUpstreamDamagedFiles reads the files upstream GoatDB damaged and checks
// that every intact commit is recovered, where upstream lost some.
func TestUpstreamDamagedFiles(t *testing.T) {
	for _, stage := range loadDamaged(t) {
		content, err := os.ReadFile(filepath.Join(damagedDir, stage.File))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(content)) != stage.Bytes {
			t.Fatalf("%s: %d bytes, damaged.json says %d", stage.File, len(content), stage.Bytes)
		}
		for _, kind := range []string{"mem", "os"} {
			t.Run(stage.File+"/"+kind, func(t *testing.T) {
				var fsys vfs.FS
				var path string
				switch kind {
				case "mem":
					m := vfs.NewMem()
					path = "/data/notes.jsonl"
					m.MkdirAll("/data", 0o755)
					if err := m.WriteFile(path, content, 0o644); err != nil {
						t.Fatal(err)
					}
					fsys = m
				case "os":
					fsys, path = vfs.OS, filepath.Join(t.TempDir(), "notes.jsonl")
					if err := os.WriteFile(path, content, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				checkStage(t, fsys, path, stage)
			})
		}
	}
}

func checkStage(t *testing.T, fsys vfs.FS, path string, stage damagedStage) {
	var wantIDs, gotIDs []string
	var wantOffsets, gotOffsets []int64
	var interiorBad, tornBytes int64
	for _, l := range stage.Lines {
		switch {
		case l.Status == "ok":
			wantIDs = append(wantIDs, l.ID)
			wantOffsets = append(wantOffsets, l.ByteOffset)
		case l.Status == "unparsable" && l.ByteOffset+l.Length == stage.Bytes:
			tornBytes = l.Length
		case l.Status == "unparsable":
			interiorBad++
		}
	}
	if !slices.Equal(wantIDs, stage.CorrectReaderRecoversIds) {
		t.Fatalf("damaged.json is inconsistent: ok lines %v, correctReaderRecoversIds %v", wantIDs, stage.CorrectReaderRecoversIds)
	}

	l, st, err := Open(fsys, path, quiet, func(r Record) error {
		gotIDs = append(gotIDs, idOf(t, r.Line))
		gotOffsets = append(gotOffsets, r.Offset)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotIDs, wantIDs) || !slices.Equal(gotOffsets, wantOffsets) {
		t.Errorf("recovered %v at %v\nwant      %v at %v", gotIDs, gotOffsets, wantIDs, wantOffsets)
	}
	if st.Records != int64(len(wantIDs)) || st.Unparsable != interiorBad || st.TornTailBytes != tornBytes {
		t.Errorf("stats %+v; want %d records, %d unparsable, %d torn bytes", st, len(wantIDs), interiorBad, tornBytes)
	}
	info, err := fsys.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := stage.Bytes - tornBytes; info.Size() != want {
		t.Errorf("after Open the file has %d bytes, want %d", info.Size(), want)
	}
	if stage.UpstreamFileBytesAfterOpen != 0 && info.Size() == stage.UpstreamFileBytesAfterOpen {
		t.Errorf("file cut to upstream's wrong offset %d", info.Size())
	}

	const newCommit = `{"ver":50595584,"id":"gonewcommit0000000000000","k":"n-go"}`
	l.Append([]byte(newCommit))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines, st2 := readLog(t, fsys, path)
	gotIDs = gotIDs[:0]
	for _, line := range lines {
		gotIDs = append(gotIDs, idOf(t, line))
	}
	if want := append(slices.Clone(wantIDs), "gonewcommit0000000000000"); !slices.Equal(gotIDs, want) {
		t.Errorf("after append and reopen: %v\nwant %v", gotIDs, want)
	}
	if st2.Unparsable != interiorBad || st2.TornTailBytes != 0 {
		t.Errorf("reopened stats %+v", st2)
	}
}
