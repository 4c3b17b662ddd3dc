package repo

import (
	"encoding/json"
	"os"
	"testing"
)

// TestRendezvousVectors checks leader election against upstream's
// RendezvousHash on every vector: each session's hash and the leader.
func TestRendezvousVectors(t *testing.T) {
	b, err := os.ReadFile("../../../shared/fixtures/upstream-0.5.1/vectors/rendezvous.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			Sessions []string `json:"sessions"`
			Key      *string  `json:"key"`
			Leader   string   `json:"leader"`
			Hashes   []uint32 `json:"hashes"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range v.Cases {
		if c.Key == nil {
			continue // upstream hashes a null key as the bare word null; item keys are never null
		}
		n++
		for i, s := range c.Sessions {
			if got := rendezvousHash(s, *c.Key); got != c.Hashes[i] {
				t.Errorf("hash(%q, %q) = %d, upstream %d", s, *c.Key, got, c.Hashes[i])
			}
		}
		if got := rendezvousLeader(c.Sessions, *c.Key); got != c.Leader {
			t.Errorf("leader of %v for %q = %s, upstream %s", c.Sessions, *c.Key, got, c.Leader)
		}
	}
	if n < 20 {
		t.Fatalf("only %d vectors", n)
	}
}
