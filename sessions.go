package goatdb

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/trust"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// sessionsRepo holds every known session as an item keyed by session id.
const sessionsRepo = "/sys/sessions"

// renewBefore is how close to its expiration a root session renews itself
// when the database opens. Upstream has no renewal: its sessions simply
// stop working after 30 days.
const renewBefore = 15 * 24 * time.Hour

// initSessions loads settings.json, or creates the database's own session
// when there is none, and builds the trust pool. A database without a
// server to hand it a session is its own authority: its session is root.
func (db *DB) initSessions() error {
	path := filepath.Join(db.dir, trust.SettingsFile)
	st, err := readSettings(db.fs, path)
	switch {
	case err == nil:
	case db.opts.ReadOnly:
		// Nothing may be written; commits read as stored, and head
		// selection simply has no session of its own to prefer. The
		// sessions in /sys/sessions still verify signatures.
		db.session = "readonly-" + repo.NewID()
		db.pool = trust.NewTrustPool(db.opts.OrgID, nil, nil, nil)
		return nil
	case errors.Is(err, fs.ErrNotExist):
		if st, err = db.newSettings(); err != nil {
			return err
		}
		if err := db.saveSettings(st); err != nil {
			return err
		}
	default:
		// Upstream overwrites an unreadable settings file and loses the
		// keys in it for good; keep it beside the new one instead.
		aside := path + ".unreadable-" + strconv.FormatInt(time.Now().Unix(), 10)
		db.opts.Logger.Error("settings.json is unreadable; starting a new session and keeping the old file",
			"path", path, "kept", aside, "err", err)
		if rerr := db.fs.Rename(path, aside); rerr != nil {
			return fmt.Errorf("goatdb: %s is unreadable (%v) and could not be moved aside: %w", path, err, rerr)
		}
		if st, err = db.newSettings(); err != nil {
			return err
		}
		if err := db.saveSettings(st); err != nil {
			return err
		}
	}
	if !db.opts.ReadOnly && st.Current.IsRoot() && time.Until(st.Current.Expiration) < renewBefore {
		renewed := *st.Current
		renewed.Expiration = time.Now().Add(trust.SessionTTL).Truncate(time.Millisecond).UTC()
		st.Current = &renewed
		if err := db.saveSettings(st); err != nil {
			return err
		}
		db.opts.Logger.Info("renewed the database's root session", "session", renewed.ID, "expires", renewed.Expiration)
	}
	db.pool = trust.PoolFromSettings(db.opts.OrgID, st)
	db.cur.Store(st.Current)
	db.session = st.Current.ID
	if !db.opts.ReadOnly {
		db.pool.OnChange(func() {
			if err := db.saveSettings(db.pool.Settings()); err != nil {
				db.opts.Logger.Error("saving settings.json", "err", err)
			}
		})
	}
	return nil
}

// newSettings makes the session of a new data directory. A database
// without peers is its own authority and gets a root session. One with
// peers is their client: it makes an anonymous session it can sign with
// at once, offline, and asks the first peer it reaches to admit it under
// that id (ensureGrant).
func (db *DB) newSettings() (*trust.Settings, error) {
	if len(db.opts.Peers) > 0 {
		s, err := trust.NewSession("", 0)
		if err != nil {
			return nil, err
		}
		return &trust.Settings{Current: s}, nil
	}
	s, err := trust.NewSession(trust.RootOwner, 0)
	if err != nil {
		return nil, err
	}
	return &trust.Settings{Current: s, Roots: []*trust.Session{s.Public()}}, nil
}

// adoptSession makes granted (with its private key) the session this
// database signs with, and roots the sessions that vouch for it, in the
// trust pool and settings.json.
func (db *DB) adoptSession(granted *trust.Session, roots []*trust.Session) error {
	for _, r := range roots {
		db.pool.AddSession(r)
	}
	db.pool.SetCurrent(granted)
	db.cur.Store(granted)
	return db.saveSettings(db.pool.Settings())
}

func readSettings(fsys vfs.FS, path string) (*trust.Settings, error) {
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return trust.ParseSettings(b)
}

// saveSettings replaces settings.json atomically: a crash leaves the old
// file or the new one, never a torn one that loses the private key.
func (db *DB) saveSettings(st *trust.Settings) error {
	b, err := st.Marshal()
	if err != nil {
		return err
	}
	path := filepath.Join(db.dir, trust.SettingsFile)
	tmp := path + ".tmp"
	f, err := db.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("goatdb: save settings: %w", err)
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		db.fs.Remove(tmp)
		return fmt.Errorf("goatdb: save settings: %w", err)
	}
	if err := db.fs.Rename(tmp, path); err != nil {
		return fmt.Errorf("goatdb: save settings: %w", err)
	}
	if err := db.fs.SyncDir(db.dir); err != nil {
		return fmt.Errorf("goatdb: save settings: %w", err)
	}
	return nil
}

// loadSessions opens /sys/sessions, admits every session item into the
// trust pool (local files are trusted, as upstream trusts them), and
// publishes the database's own session there if it is missing or stale.
func (db *DB) loadSessions() error {
	if db.pool == nil {
		return nil
	}
	p, _ := itempath.ParseRepo(sessionsRepo)
	r, err := db.repo(p)
	if err != nil {
		return err
	}
	for _, key := range r.Keys() {
		v, err := r.Value(key)
		if err != nil {
			continue
		}
		s, err := trust.SessionFromItem(v)
		if err != nil {
			db.opts.Logger.Warn("skipping a malformed session item", "key", key, "err", err)
			continue
		}
		db.pool.AddSession(s)
	}
	cur := db.currentSession()
	if db.opts.ReadOnly || cur == nil || !cur.IsRoot() {
		// A client's session is published by the server that grants it.
		return nil
	}
	own, err := db.sessionItem(cur)
	if err != nil {
		return err
	}
	if v, err := r.Value(cur.ID); err == nil && v.Equal(own) {
		return nil
	}
	if err := r.Set(cur.ID, own); err != nil {
		return fmt.Errorf("goatdb: publish session %s: %w", cur.ID, err)
	}
	return nil
}

// sessionItem is s as a /sys/sessions item under this database's schema.
func (db *DB) sessionItem(s *trust.Session) (*value.Item, error) {
	it, err := s.Item()
	if err != nil {
		return nil, err
	}
	sch, _ := db.reg.Get("sessions/1")
	return value.NewItem(sch, it.Data)
}

// CurrentSession returns the session this database signs its commits with.
func (db *DB) CurrentSession() Session {
	cur := db.currentSession()
	if cur == nil {
		return Session{ID: db.session}
	}
	return publicSession(cur)
}

// LookupSession returns a session the database knows: its own, a root, or
// one published in /sys/sessions.
func (db *DB) LookupSession(id string) (Session, bool) {
	if db.pool == nil {
		return Session{}, false
	}
	s, ok := db.pool.Session(id)
	if !ok {
		return Session{}, false
	}
	return publicSession(s), true
}

func publicSession(s *trust.Session) Session {
	return Session{ID: s.ID, Owner: s.Owner, Expiration: s.Expiration}
}
