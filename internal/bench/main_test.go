package bench

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the fresh-process row's child.
func TestMain(m *testing.M) {
	RunChildIfAsked()
	os.Exit(m.Run())
}
