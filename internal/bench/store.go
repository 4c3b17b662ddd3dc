package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"goatdb"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// store is the workload's view of one system: the same operations on
// goatdb and on SQLite, so that every row is written once. A repository
// is a goatdb repository (/data/NAME) or, for SQLite, a database file
// NAME.db holding one items table.
type store interface {
	openRepo(repo string) error
	set(repo string, i int, title string) error
	setBatch(repo string, from, n int) error
	read(repo string, i int) error
	readBatch(repo string, from, n int) error
	update(repo string, i int, title string) error
	readAll(repo string) (int, error)
	simpleQuery(repo string) (int, error)
	sortedQuery(repo string) (int, error)
	count(repo string) (int, error)
	keys(repo string) (int, error)
	close() error
}

// system is one column of the table.
type system struct {
	name    string
	sqlite  bool
	trusted bool // goatdb: no signing
	durable bool // goatdb: Flush after every write; SQLite: synchronous=FULL
}

var systems = []system{
	{name: "goatdb-default", durable: true},
	{name: "goatdb-trusted", trusted: true, durable: true},
	{name: "goatdb-fast", trusted: true},
	{name: "sqlite-full", sqlite: true, durable: true},
	{name: "sqlite-off", sqlite: true},
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// itemSchema mirrors the SQLite table: a string, a number, a boolean and
// a set of strings.
var itemSchema = goatdb.Schema{NS: "benchitem", Version: 1, Fields: goatdb.Fields{
	"title": {Type: goatdb.String, Required: true},
	"n":     {Type: goatdb.Number},
	"done":  {Type: goatdb.Bool},
	"tags":  {Type: goatdb.Set},
}}

func key(i int) string { return fmt.Sprintf("i%07d", i) }

func itemData(i int, title string) goatdb.Data {
	return goatdb.Data{"title": title, "n": float64(i), "done": i%2 == 0, "tags": []string{fmt.Sprintf("t%d", i%10)}}
}

func openStore(sys system, dir string) (store, error) {
	if sys.sqlite {
		return &sqlStore{dir: dir, sys: sys, dbs: map[string]*sql.DB{}}, os.MkdirAll(dir, 0o755)
	}
	db, err := goatdb.Open(context.Background(), dir, &goatdb.Options{Trusted: sys.trusted, Logger: quiet})
	if err != nil {
		return nil, err
	}
	db.Registry().Register(itemSchema)
	return &goatStore{db: db, sys: sys}, nil
}

type goatStore struct {
	db  *goatdb.DB
	sys system
}

func repoPath(repo string) string { return "/data/" + repo }
func itemPath(repo string, i int) string {
	// The small rows' paths are built once: formatting one, or even
	// finding it in a map, costs more than the reads those rows time, for
	// every system alike. The big datasets' are not kept, so they do not
	// weigh on the memory row.
	if i < len(smallPaths) {
		switch repo {
		case smallRepo:
			return smallPaths[i]
		case queryRepo:
			return queryPaths[i]
		}
	}
	return repoPath(repo) + "/" + key(i)
}

var smallPaths, queryPaths = pathsOf(smallRepo), pathsOf(queryRepo)

func pathsOf(repo string) *[1024]string {
	var out [1024]string
	for i := range out {
		out[i] = repoPath(repo) + "/" + key(i)
	}
	return &out
}

func (g *goatStore) close() error { return g.db.Close() }
func (g *goatStore) openRepo(r string) error {
	_, err := g.db.OpenRepo(context.Background(), repoPath(r))
	return err
}

// durable makes the writes so far durable when the system promises it;
// goatdb-fast leaves commits to the background, which is its definition.
func (g *goatStore) durable() error {
	if !g.sys.durable {
		return nil
	}
	return g.db.Flush(context.Background())
}

func (g *goatStore) set(repo string, i int, title string) error {
	if _, err := g.db.Set(itemPath(repo, i), &itemSchema, itemData(i, title)); err != nil {
		return err
	}
	return g.durable()
}

func (g *goatStore) setBatch(repo string, from, n int) error {
	for i := from; i < from+n; i++ {
		if _, err := g.db.Set(itemPath(repo, i), &itemSchema, itemData(i, "item "+key(i))); err != nil {
			return err
		}
	}
	return g.durable()
}

func (g *goatStore) read(repo string, i int) error {
	it, err := g.db.Item(itemPath(repo, i))
	if err != nil {
		return err
	}
	if _, ok := it.Get("title").(string); !ok {
		return fmt.Errorf("%s: no title", itemPath(repo, i))
	}
	return nil
}

func (g *goatStore) readBatch(repo string, from, n int) error {
	for i := from; i < from+n; i++ {
		if err := g.read(repo, i); err != nil {
			return err
		}
	}
	return nil
}

func (g *goatStore) update(repo string, i int, title string) error {
	it, err := g.db.Item(itemPath(repo, i))
	if err != nil {
		return err
	}
	if err := it.Set("title", title); err != nil {
		return err
	}
	return g.durable()
}

func (g *goatStore) readAll(repo string) (int, error) {
	keys, err := g.db.Keys(repoPath(repo))
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		it, err := g.db.Item(repoPath(repo) + "/" + k)
		if err != nil {
			return 0, err
		}
		for _, f := range []string{"title", "n", "done", "tags"} {
			_ = it.Get(f)
		}
	}
	return len(keys), nil
}

func (g *goatStore) query(repo, sortBy string) (int, error) {
	q, err := g.db.Query(goatdb.QuerySpec{Source: repoPath(repo), SortBy: sortBy,
		Where: func(it *goatdb.Item, _ any) bool { return it.Get("done") == true }})
	if err != nil {
		return 0, err
	}
	defer q.Close()
	return len(q.Results()), nil
}

func (g *goatStore) simpleQuery(repo string) (int, error) { return g.query(repo, "") }
func (g *goatStore) sortedQuery(repo string) (int, error) { return g.query(repo, "title") }
func (g *goatStore) count(repo string) (int, error)       { return g.db.Count(repoPath(repo)) }
func (g *goatStore) keys(repo string) (int, error) {
	k, err := g.db.Keys(repoPath(repo))
	return len(k), err
}

// sqlStore keeps one connection pool per database file.
type sqlStore struct {
	dir string
	sys system
	dbs map[string]*sql.DB
}

func (s *sqlStore) conn(repo string) (*sql.DB, error) {
	if db := s.dbs[repo]; db != nil {
		return db, nil
	}
	sync := "OFF"
	if s.sys.durable {
		sync = "FULL"
	}
	dsn := "file:" + filepath.Join(s.dir, repo+".db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: the pragmas hold per connection, and an embedded
	// database is used from one place here as goatdb is.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS items(path TEXT PRIMARY KEY, title TEXT, n REAL, done INTEGER, tags TEXT)`); err != nil {
		db.Close()
		return nil, err
	}
	s.dbs[repo] = db
	return db, nil
}

func (s *sqlStore) close() error {
	var first error
	for _, db := range s.dbs {
		if err := db.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *sqlStore) openRepo(repo string) error {
	_, err := s.count(repo)
	return err
}

const insertSQL = `INSERT OR REPLACE INTO items(path, title, n, done, tags) VALUES(?, ?, ?, ?, ?)`

func sqlArgs(repo string, i int, title string) []any {
	return []any{itemPath(repo, i), title, float64(i), i%2 == 0, fmt.Sprintf(`["t%d"]`, i%10)}
}

func (s *sqlStore) set(repo string, i int, title string) error {
	db, err := s.conn(repo)
	if err != nil {
		return err
	}
	_, err = db.Exec(insertSQL, sqlArgs(repo, i, title)...)
	return err
}

func (s *sqlStore) setBatch(repo string, from, n int) error {
	db, err := s.conn(repo)
	if err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(insertSQL)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := from; i < from+n; i++ {
		if _, err := st.Exec(sqlArgs(repo, i, "item "+key(i))...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *sqlStore) read(repo string, i int) error {
	db, err := s.conn(repo)
	if err != nil {
		return err
	}
	var title string
	return db.QueryRow(`SELECT title FROM items WHERE path = ?`, itemPath(repo, i)).Scan(&title)
}

func (s *sqlStore) readBatch(repo string, from, n int) error {
	for i := from; i < from+n; i++ {
		if err := s.read(repo, i); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) update(repo string, i int, title string) error {
	db, err := s.conn(repo)
	if err != nil {
		return err
	}
	_, err = db.Exec(`UPDATE items SET title = ? WHERE path = ?`, title, itemPath(repo, i))
	return err
}

// rows runs a query and scans every row into cols, returning the count.
func (s *sqlStore) rows(repo, query string, cols ...any) (int, error) {
	db, err := s.conn(repo)
	if err != nil {
		return 0, err
	}
	rs, err := db.Query(query)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		if err := rs.Scan(cols...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rs.Err()
}

func (s *sqlStore) readAll(repo string) (int, error) {
	var path, title, tags string
	var n float64
	var done bool
	return s.rows(repo, `SELECT path, title, n, done, tags FROM items`, &path, &title, &n, &done, &tags)
}

func (s *sqlStore) simpleQuery(repo string) (int, error) {
	var path string
	return s.rows(repo, `SELECT path FROM items WHERE done = 1 ORDER BY path`, &path)
}

func (s *sqlStore) sortedQuery(repo string) (int, error) {
	var path string
	return s.rows(repo, `SELECT path FROM items WHERE done = 1 ORDER BY title, path`, &path)
}

func (s *sqlStore) count(repo string) (int, error) {
	db, err := s.conn(repo)
	if err != nil {
		return 0, err
	}
	var n int
	return n, db.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n)
}

func (s *sqlStore) keys(repo string) (int, error) {
	var path string
	return s.rows(repo, `SELECT path FROM items ORDER BY path`, &path)
}
