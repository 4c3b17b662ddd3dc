package value

import "testing"

// TestRichTextShapeAgrees checks the fast rich-text check against the tree.
func TestRichTextShapeAgrees(t *testing.T) {
	for _, in := range []string{
		`{"root":{"children":[]}}`,
		` { "root" : { "children" : [ 1 ] } } `,
		`{"root":{"children":[]},"root":1}`,
		`{"root":1,"root":{"children":[]}}`,
		`{"ro\u006ft":{"childre\u006e":[]}}`,
		`{"root":{"children":[],"children":{}}}`,
		`{"root":{"children":{},"children":[]}}`,
		`{"root":{"children":[]}} x`,
		`{"root":{"children":[1e999]}}`,
		`{"root":{"children":[]},"x":[[[[]]]]}`,
		`{"root":{}}`, `[]`, `{}`, `{"root":[]}`, ``, `{`,
	} {
		v, err := parseJSON([]byte(in))
		_, ok := richTextRoot(v)
		if want := err == nil && ok; richTextShape([]byte(in)) != want {
			t.Errorf("%s: richTextShape = %v, want %v", in, !want, want)
		}
	}
}
