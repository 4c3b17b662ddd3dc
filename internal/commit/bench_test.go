package commit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// benchLine is a signed delta commit from the fixture, the most common kind
// of line in a repository file.
func benchLine(b testing.TB) []byte {
	_, lines := fixtureLines(b)
	for _, l := range lines {
		if bytes.Contains(l, []byte(`"c":{"b":`)) && len(l) < 850 {
			return l
		}
	}
	b.Fatal("no fixture line of the expected shape")
	return nil
}

func BenchmarkParse(b *testing.B) {
	line := benchLine(b)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

// unsignedLine is a typical line of a large single-writer repository: an
// unsigned full commit with no parents, about 380 bytes.
const unsignedLine = `{"ver":50595584,"id":"u4bt8k8if80bg2kjuxfusbmu","k":"k000000","s":"7q2phw7ojklo60keejwbju10","ts":1795626984521,"org":"localhost","af":{"d":"AA==","s":[1559555199474054,2423391873392243,4465777537274881]},"c":{"r":{"s":"all/1","d":{"n":0,"ok":false,"tags":{"__t":"S","__v":["a","b"]},"title":"item number 0"},"n":true,"cs":"1589369870"}},"cid":"81zt8q4yokxqnm7shh768w7t"}`

func BenchmarkParseUnsigned(b *testing.B) {
	line := []byte(unsignedLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFixtures parses every fixture line once per iteration.
func BenchmarkParseFixtures(b *testing.B) {
	_, lines := fixtureLines(b)
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := Parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	line := benchLine(b)
	c, err := Parse(line)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		c.Encode()
	}
}

// BenchmarkJSONValid is the cost of json.Valid on the same line, for
// comparison: Parse validates as it goes instead.
func BenchmarkJSONValid(b *testing.B) {
	line := benchLine(b)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if !json.Valid(line) {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkJSONUnmarshal is what reflection over the whole line costs.
func BenchmarkJSONUnmarshal(b *testing.B) {
	line := benchLine(b)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(line, &m); err != nil {
			b.Fatal(err)
		}
	}
}
