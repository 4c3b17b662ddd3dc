package value

import (
	"encoding/json"
	"errors"

	"goatdb/internal/murmur"
)

// Rich text is kept as opaque JSON: this package stores, relays and
// compares it, and hashes it the way upstream does for trees without
// pointers. It does not port upstream's rich-text normalisation or its
// diff-match-patch based merge (§10 of the internals notes).

// checkRichText applies upstream's isRichText: an object whose root is an
// element node (an object with a children array).
func checkRichText(raw json.RawMessage) error {
	if richTextShape(raw) {
		return nil
	}
	v, err := parseJSON(raw)
	if err != nil {
		return err
	}
	if _, ok := richTextRoot(v); !ok {
		return errors.New("rich text must be an object whose root has a children array")
	}
	return nil
}

// richTextShape is checkRichText's success case without building the
// tree, which cost more than the rest of a diff. It reads duplicate keys
// as parseJSON does (the last wins); on false the caller redoes the check
// the slow way for its error.
func richTextShape(raw []byte) bool {
	p := parser{b: raw}
	if p.peek() != '{' || p.enter() != nil {
		return false
	}
	rootOK := false
	err := p.object(func(k []byte) error {
		if string(k) != "root" {
			_, err := p.skip()
			return err
		}
		if p.peek() != '{' {
			rootOK = false
			_, err := p.skip()
			return err
		}
		if err := p.enter(); err != nil {
			return err
		}
		children := false
		err := p.object(func(k []byte) error {
			if string(k) == "children" {
				children = p.peek() == '['
			}
			_, err := p.skip()
			return err
		})
		p.depth--
		rootOK = children
		return err
	})
	return err == nil && p.end() == nil && rootOK
}

func richTextRoot(v any) (map[string]any, bool) {
	rt, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	root, ok := rt["root"].(map[string]any)
	if !ok {
		return nil, false
	}
	if _, ok := root["children"].([]any); !ok {
		return nil, false
	}
	return rt, true
}

// richText hashes upstream's flat representation of the tree
// (flattenRichText with local=false and flattenText=false): element
// spacers, element nodes without their children, depth markers and whole
// text nodes, each hashed as an object, the field string being the murmur
// of the concatenated atom hashes.
func (hs *csHasher) richText(raw json.RawMessage) uint32 {
	v, err := parseJSON(raw)
	rt, ok := richTextRoot(v)
	if err != nil || !ok {
		hs.exact = false
		h := murmur.New(murmur.ChecksumSeed)
		return h.Sum32()
	}
	if _, ok := rt["__r"]; ok {
		hs.exact = false // shared-reference encoding: the tree has pointers
	}
	if ptrs, ok := rt["pointers"]; ok && !isEmptyEncodedSet(ptrs) {
		hs.exact = false // pointer atoms are not ported
	}
	h := murmur.New(murmur.ChecksumSeed)
	for _, child := range rt["root"].(map[string]any)["children"].([]any) {
		hs.flatten(&h, child, 0)
	}
	return h.Sum32()
}

func isEmptyEncodedSet(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || m["__t"] != "S" {
		return false
	}
	a, ok := m["__v"].([]any)
	return ok && len(a) == 0
}

// Hashes of the atoms upstream synthesises; each is an object hash.
var elementSpacerHash = murmur.String("__elementSpacertrue", murmur.ChecksumSeed)

// flatten writes the atom hashes of node and its subtree (flattenTreeNode).
func (hs *csHasher) flatten(h *murmur.Hasher, node any, depth int) {
	obj, isObj := node.(map[string]any)
	if isObj && obj["isLocal"] == true {
		return
	}
	if isObj {
		if _, ok := obj["text"].(string); ok {
			hs.value(h, obj, true)
			return
		}
		if children, ok := obj["children"].([]any); ok {
			writeDecimal(h, elementSpacerHash)
			hs.value(h, obj, true) // children are filtered out of the hash
			open := false
			for _, c := range children {
				if co, ok := c.(map[string]any); ok && co["isLocal"] == true {
					continue
				}
				if !open {
					writeDecimal(h, depthMarkerHash(depth+1))
					open = true
				}
				hs.flatten(h, c, depth+1)
			}
			if open {
				writeDecimal(h, depthMarkerHash(depth))
			}
			return
		}
	}
	hs.value(h, node, true)
}

func depthMarkerHash(depth int) uint32 {
	h := murmur.New(murmur.ChecksumSeed)
	h.WriteString("depthMarker")
	writeNumber(&h, float64(depth))
	return h.Sum32()
}

// rtKeep is upstream's treeAtomKeyFilterIgnoreText: element nodes are
// hashed without their children and pointers without their node and
// offset.
func rtKeep(key string, obj map[string]any) bool {
	switch key {
	case "children":
		_, isElement := obj["children"].([]any)
		return !isElement
	case "node", "offset":
		n, ok := obj["node"].(map[string]any)
		if !ok {
			return true
		}
		_, isText := n["text"].(string)
		return !isText
	}
	return true
}
