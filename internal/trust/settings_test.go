package trust

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"goatdb/internal/testutil"
)

func TestLoadFixtureSettings(t *testing.T) {
	root := testutil.Fixtures(t)
	for _, d := range fixtureDirs {
		st, err := LoadSettings(filepath.Join(root, d))
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if st.Current.PrivateKey == nil || len(st.Roots) != 1 || !st.Roots[0].IsRoot() || len(st.Trusted) == 0 {
			t.Errorf("%s: %+v", d, st)
		}
		// The current session's key pair signs and verifies.
		sig, err := SignData(st.Current, []byte(`"x"`), nil, st.Current.Expiration)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyData(st.Current.Public(), sig, []byte(`"x"`)); err != nil {
			t.Errorf("%s: %v", d, err)
		}
		// Round trip through our writer.
		b, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		st2, err := ParseSettings(b)
		if err != nil {
			t.Fatalf("%s: reparse: %v\n%s", d, err, b)
		}
		b2, _ := st2.Marshal()
		if !bytes.Equal(b, b2) {
			t.Errorf("%s: second write differs", d)
		}
		if !st2.Current.Expiration.Equal(st.Current.Expiration) || st2.Current.ID != st.Current.ID {
			t.Errorf("%s: current changed", d)
		}
		// Only the current session's private key is written back: the
		// client fixtures hold the server root's key (upstream's leak).
		for _, r := range st2.Roots {
			if r.PrivateKey != nil && r.ID != st.Current.ID {
				t.Errorf("%s: root %s private key written", d, r.ID)
			}
		}
	}
}

func TestSettingsFormat(t *testing.T) {
	s := newTestSession(t, "")
	st := &Settings{Current: s, Roots: []*Session{newTestSession(t, RootOwner).Public()}, Trusted: []*Session{s}}
	b, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"{\n  \"currentSession\": {\n    \"id\": ", "\"kty\": \"EC\"", "\"roots\": [", "\"trustedSessions\": ["} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("missing %q in\n%s", want, b)
		}
	}
	e, _ := s.Encode(false)
	if e.PrivateKey != nil {
		t.Error("Encode(false) wrote the private key")
	}
	if got := string(must(jsSeconds(1798215458.76).MarshalJSON())); got != "1798215458.76" {
		t.Errorf("seconds written as %s", got)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSaveSettingsAtomic(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadSettings(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	s := newTestSession(t, "")
	st := &Settings{Current: s, Trusted: []*Session{s}}
	for i := 0; i < 2; i++ {
		if err := SaveSettings(dir, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LoadSettings(dir)
	if err != nil || got.Current.ID != s.ID || !got.Current.PrivateKey.Equal(s.PrivateKey) {
		t.Fatalf("%+v %v", got, err)
	}
	info, _ := os.Stat(filepath.Join(dir, SettingsFile))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// A directory that cannot be written leaves the old file intact.
	if err := SaveSettings(filepath.Join(dir, "missing"), st); err == nil {
		t.Error("saved into a missing directory")
	}
}

func TestParseSettingsRejects(t *testing.T) {
	s := newTestSession(t, "")
	good, _ := (&Settings{Current: s}).Marshal()
	noPriv := bytes.Replace(good, []byte(`"privateKey"`), []byte(`"privateKeyX"`), 1)
	for name, b := range map[string][]byte{
		"not JSON":          []byte("{"),
		"no current":        []byte(`{"roots":[],"trustedSessions":[]}`),
		"current not owned": noPriv,
		"bad expiration":    bytes.Replace(good, []byte(`"expiration": `), []byte(`"expiration": "x", "y":`), 1),
		"bad key":           bytes.Replace(good, []byte(`"P-384"`), []byte(`"P-256"`), 1),
	} {
		if _, err := ParseSettings(b); !errors.Is(err, ErrBadSession) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
