package trust

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// SettingsFile is the name of the settings file in a database directory.
const SettingsFile = "settings.json"

// Settings is the content of settings.json (upstream db/settings/file.ts):
// the session this database signs with, the root sessions it trusts, and
// every session it knows.
type Settings struct {
	Current *Session
	Roots   []*Session
	// Trusted is every session of the trust pool, the current one included.
	Trusted []*Session
}

type settingsJSON struct {
	CurrentSession  *EncodedSession  `json:"currentSession"`
	Roots           []EncodedSession `json:"roots"`
	TrustedSessions []EncodedSession `json:"trustedSessions"`
}

// ParseSettings reads settings.json. The current session must carry its
// private key; so may others (upstream stores the root's when a server
// sends it), which is kept in memory but not written back (see Marshal).
func ParseSettings(b []byte) (*Settings, error) {
	var raw settingsJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: settings: %w", ErrBadSession, err)
	}
	if raw.CurrentSession == nil {
		return nil, fmt.Errorf("%w: settings: no currentSession", ErrBadSession)
	}
	st := &Settings{}
	var err error
	if st.Current, err = raw.CurrentSession.Decode(); err != nil {
		return nil, fmt.Errorf("settings: currentSession: %w", err)
	}
	if st.Current.PrivateKey == nil {
		return nil, fmt.Errorf("%w: settings: currentSession %s has no privateKey", ErrBadSession, st.Current.ID)
	}
	decodeAll := func(name string, in []EncodedSession) ([]*Session, error) {
		out := make([]*Session, 0, len(in))
		for i := range in {
			s, err := in[i].Decode()
			if err != nil {
				return nil, fmt.Errorf("settings: %s[%d]: %w", name, i, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	if st.Roots, err = decodeAll("roots", raw.Roots); err != nil {
		return nil, err
	}
	if st.Trusted, err = decodeAll("trustedSessions", raw.TrustedSessions); err != nil {
		return nil, err
	}
	return st, nil
}

// Marshal writes settings.json as upstream does: JSON with a two-space
// indent. Only the current session's private key is written. Upstream also
// writes the private key of any root it got one for, which happens only
// through its /auth/session leak; storing someone else's root key would
// keep that leak alive.
func (st *Settings) Marshal() ([]byte, error) {
	if st.Current == nil {
		return nil, fmt.Errorf("%w: settings without a current session", ErrBadSession)
	}
	encode := func(s *Session) (EncodedSession, error) {
		return s.Encode(s.ID == st.Current.ID)
	}
	cur, err := encode(st.Current)
	if err != nil {
		return nil, err
	}
	raw := settingsJSON{CurrentSession: &cur, Roots: []EncodedSession{}, TrustedSessions: []EncodedSession{}}
	for _, s := range st.Roots {
		e, err := encode(s)
		if err != nil {
			return nil, err
		}
		raw.Roots = append(raw.Roots, e)
	}
	for _, s := range st.Trusted {
		e, err := encode(s)
		if err != nil {
			return nil, err
		}
		raw.TrustedSessions = append(raw.TrustedSessions, e)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // JSON.stringify does not escape <, > and &
	enc.SetIndent("", "  ")
	if err := enc.Encode(raw); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// LoadSettings reads dir/settings.json. A missing file is reported with an
// error satisfying errors.Is(err, fs.ErrNotExist). Upstream treats any
// unreadable file as "no settings" and creates a new session; callers
// decide, since silently replacing a session loses its identity.
func LoadSettings(dir string) (*Settings, error) {
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	return ParseSettings(b)
}

// SaveSettings writes dir/settings.json atomically: a temporary file in the
// same directory is written, synced and renamed over the old one, then the
// directory is synced. Upstream truncates and rewrites in place, so a crash
// mid-write loses the private key and with it the session. The file is
// private to its owner, since it holds a private key.
func SaveSettings(dir string, st *Settings) error {
	b, err := st.Marshal()
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, SettingsFile), b, 0o600)
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("trust: save %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("trust: save %s: sync directory: %w", path, err)
	}
	defer d.Close()
	if err = d.Sync(); err != nil {
		return fmt.Errorf("trust: save %s: sync directory: %w", path, err)
	}
	return nil
}
