package value

import (
	"encoding/json"
	"testing"

	"goatdb/internal/schema"
)

func rtItem(t *testing.T, tree string) *Item {
	t.Helper()
	it, err := NewItem(allTypes, schema.Data{"rt": json.RawMessage(tree)})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestRichTextLocalNodesAreNotHashed(t *testing.T) {
	plain := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"text":"a"}]}]}}`)
	local := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"text":"a"},{"text":"b","isLocal":true}]},{"tagName":"p","isLocal":true,"children":[]}]}}`)
	if plain.Checksum() != local.Checksum() || !local.ChecksumExact() {
		t.Fatal("local nodes must not change the checksum")
	}
	deeper := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"tagName":"span","children":[{"text":"a"}]}]}]}}`)
	if deeper.Checksum() == plain.Checksum() {
		t.Fatal("depth must change the checksum")
	}
	emptyPtrs := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"text":"a"}]}]},"pointers":{"__t":"S","__v":[]}}`)
	if emptyPtrs.Checksum() != plain.Checksum() || !emptyPtrs.ChecksumExact() {
		t.Fatal("an empty pointer set hashes like none")
	}
}

// Trees with pointers are relayed but not hashed exactly: a decoded item
// keeps the stored checksum, as upstream does, until it changes.
func TestRichTextPointersFallBackToStored(t *testing.T) {
	reg := schema.NewRegistry()
	if err := reg.Register(*allTypes); err != nil {
		t.Fatal(err)
	}
	tree := `{"__r":[{"text":"a"}],"__d":{"root":{"children":[{"tagName":"p","children":[{"__rId":0}]}]},"pointers":{"__t":"S","__v":[{"key":"k","type":"anchor","dir":0,"node":{"__rId":0},"offset":0}]}}}`
	it, err := DecodeRecord([]byte(`{"s":"all/1","d":{"rt":`+tree+`},"n":true,"cs":"12345"}`), reg)
	if err != nil {
		t.Fatal(err)
	}
	if it.Checksum() != "12345" || !it.ChecksumExact() {
		t.Fatalf("checksum %s exact %v, want the stored one", it.Checksum(), it.ChecksumExact())
	}
	if rec := it.AppendRecord(nil); !sameJSON(t, rec, []byte(`{"s":"all/1","d":{"rt":`+tree+`},"n":true,"cs":"12345"}`)) {
		t.Fatalf("record not relayed: %s", rec)
	}
	c := it.Clone()
	if c.Checksum() != "12345" {
		t.Fatal("clone lost the checksum")
	}
	_ = c.Patch(Changes{"s": {{Op: Insert, Type: schema.String, Value: "x"}}})
	if c.ChecksumExact() || c.StoredChecksum() != "" {
		t.Fatal("a changed item cannot use the stored checksum")
	}
}

func TestRichTextDiffIsWholeValue(t *testing.T) {
	a := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"text":"a"}]}]}}`)
	b := rtItem(t, `{"root":{"children":[{"tagName":"p","children":[{"text":"b"}]}]}}`)
	same := rtItem(t, `{ "root" : {"children":[{"children":[{"text":"a"}],"tagName":"p"}]}}`)
	if !a.Equal(same) || len(Diff(a, same)) != 0 {
		t.Fatal("rich text must compare as JSON values")
	}
	ch := Diff(a, b)
	if ch.Portable() || len(ch["rt"]) != 1 || ch["rt"][0].Type != schema.RichText {
		t.Fatalf("diff = %+v", ch)
	}
	p := a.Clone()
	if err := p.Patch(ch); err != nil || !p.Equal(b) {
		t.Fatalf("patch: %v", err)
	}
	if !Diff(a, a.Clone()).Portable() {
		t.Fatal("empty diff is portable")
	}
}
