package goatdb_test

import (
	"context"
	"fmt"
	"log"
	"os"

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
