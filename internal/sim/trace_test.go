package sim

import (
	"slices"
	"testing"
)

func TestTraceKeepsLastLines(t *testing.T) {
	tr := NewTrace(3)
	tr.Logf("a%d", 1)
	if got := tr.Lines(); !slices.Equal(got, []string{"a1"}) {
		t.Fatalf("Lines = %q", got)
	}
	for i := 2; i <= 5; i++ {
		tr.Logf("a%d", i)
	}
	if got := tr.Lines(); !slices.Equal(got, []string{"a3", "a4", "a5"}) {
		t.Fatalf("Lines = %q", got)
	}
	var dumped []string
	tr.Dump(func(args ...any) { dumped = append(dumped, args[0].(string)) })
	want := []string{"(2 earlier trace lines not kept)", "a3", "a4", "a5"}
	if !slices.Equal(dumped, want) || tr.Total() != 5 {
		t.Fatalf("Dump = %q, Total = %d", dumped, tr.Total())
	}
}
