package goatdb_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"

	"goatdb"
)

var Task = goatdb.Schema{NS: "task", Version: 1, Fields: goatdb.Fields{
	"title": {Type: goatdb.String, Required: true},
	"done":  {Type: goatdb.Bool, Default: func(goatdb.Data) any { return false }},
	"tags":  {Type: goatdb.Set},
}}

func Example() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	db, err := goatdb.Open(ctx, dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Registry().Register(Task); err != nil {
		log.Fatal(err)
	}

	it, err := db.Set("/data/tasks/t1", &Task, goatdb.Data{"title": "ship it", "tags": []string{"go"}})
	if err != nil {
		log.Fatal(err)
	}
	// Edits are visible at once and committed shortly after.
	if err := it.Set("done", true); err != nil {
		log.Fatal(err)
	}
	fmt.Println(it.Get("title"), it.Get("done"), it.Get("tags"))

	// Flush makes every write durable; Close flushes too.
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	db, _ = goatdb.Open(ctx, dir, nil)
	defer db.Close()
	db.Registry().Register(Task)
	data, _ := db.Get("/data/tasks/t1")
	fmt.Println(data["title"], data["done"])
	n, _ := db.Count("/data/tasks")
	fmt.Println(n, "item")
	// Output:
	// ship it true [go]
	// ship it true
	// 1 item
}

// Schemas evolve by version; an item stored under an older version is read
// through the upgrade chain and written back under the newest one.
func ExampleRegistry_upgrade() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	v1 := goatdb.Schema{NS: "note", Version: 1, Fields: goatdb.Fields{"text": {Type: goatdb.String}}}
	v2 := goatdb.Schema{NS: "note", Version: 2, Fields: goatdb.Fields{
		"text":  {Type: goatdb.String},
		"words": {Type: goatdb.Number},
	}, Upgrade: func(d goatdb.Data, from *goatdb.Schema) (goatdb.Data, error) {
		d["words"] = float64(len(strings.Fields(d["text"].(string))))
		return d, nil
	}}

	db, _ := goatdb.Open(ctx, dir, nil)
	db.Registry().Register(v1)
	db.Set("/data/notes/n1", &v1, goatdb.Data{"text": "three small words"})
	db.Close()

	db, _ = goatdb.Open(ctx, dir, nil)
	defer db.Close()
	db.Registry().Register(v1)
	db.Registry().Register(v2)
	it, _ := db.Item("/data/notes/n1")
	s, _ := it.Schema()
	fmt.Println(s.Marker(), it.Get("words"))
	// Output: note/2 3
}

// Every write is a commit in the item's own history.
func ExampleDB_History() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	db, _ := goatdb.Open(context.Background(), dir, &goatdb.Options{CommitDelay: -1})
	defer db.Close()
	db.Registry().Register(Task)
	it, _ := db.Set("/data/tasks/t1", &Task, goatdb.Data{"title": "draft"})
	it.Set("title", "final")
	it.Set("title", "final") // no change, no commit
	h, _ := db.History("/data/tasks/t1")
	fmt.Println(len(h), "commits")
	// Output: 2 commits
}

// Rules decide what peers may write into a repository and read from it.
// The application's rules come first; the built-in ones guard /sys and
// /user repositories.
func ExampleDB_AddRule() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	db, err := goatdb.Open(context.Background(), dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// Anyone may read the board; only signed-in users may write it.
	err = db.AddRule("/data/board", func(in goatdb.RuleInfo) bool {
		return in.Op == goatdb.OpRead || in.Session.Owner != ""
	})
	if err != nil {
		log.Fatal(err)
	}
	anonymous := goatdb.Session{ID: "s1"}
	alice := goatdb.Session{ID: "s2", Owner: "alice"}
	fmt.Println(db.Authorize("/data/board", "post1", anonymous, goatdb.OpRead))
	fmt.Println(db.Authorize("/data/board", "post1", anonymous, goatdb.OpWrite))
	fmt.Println(db.Authorize("/data/board", "post1", alice, goatdb.OpWrite))
	// Built in: a user's repository is theirs alone.
	fmt.Println(db.Authorize("/user/alice", "notes", alice, goatdb.OpWrite))
	fmt.Println(db.Authorize("/user/bob", "notes", alice, goatdb.OpRead))
	// The database signs with its own session, a root one for a new directory.
	fmt.Println(db.CurrentSession().Owner)
	// Output:
	// true
	// false
	// true
	// true
	// false
	// root
}

// A live query keeps its results sorted and current as items change.
func ExampleDB_Query() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	db, err := goatdb.Open(context.Background(), dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Registry().Register(Task)
	for _, title := range []string{"water plants", "buy milk", "call mum"} {
		if _, err := db.Create("/data/tasks", &Task, goatdb.Data{"title": title}); err != nil {
			log.Fatal(err)
		}
	}
	open, err := db.Query(goatdb.QuerySpec{
		Source: "/data/tasks",
		Schema: &Task,
		Where:  func(it *goatdb.Item, _ any) bool { return it.Get("done") == false },
		SortBy: "title",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer open.Close()
	for _, it := range open.Results() {
		fmt.Println(it.Get("title"))
	}
	// Finishing a task takes it out of the results.
	milk, _ := open.Find("title", "buy milk")
	milk.Set("done", true)
	fmt.Println(open.Count(), "left")
	// Output:
	// buy milk
	// call mum
	// water plants
	// 2 left
}

// A user interface shows whether its edits have reached the server.
// SyncStatus never waits for the network, so it can be polled.
func ExampleDB_SyncStatus() {
	dir, _ := os.MkdirTemp("", "goatdb-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	// Nothing listens on port 1: this database works offline.
	db, err := goatdb.Open(ctx, dir, &goatdb.Options{
		Peers:  []string{"http://127.0.0.1:1"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Registry().Register(Task)
	if _, err := db.Set("/data/tasks/t1", &Task, goatdb.Data{"title": "written offline"}); err != nil {
		log.Fatal(err)
	}
	for _, st := range db.SyncStatus() {
		fmt.Printf("%s online=%v pending=%d\n", st.URL, st.Online, st.Pending)
	}
	// Output: http://127.0.0.1:1 online=false pending=1
}
