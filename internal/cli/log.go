package cli

import (
	"context"
	"encoding/json"
	"fmt"
)

func runLog(e env, args []string) error {
	fs := newFlags(e, "log")
	df := addDBFlags(fs, "")
	raw := fs.Bool("raw", false, "print each commit as stored")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one item PATH, got %d arguments", fs.NArg())
	}
	db, err := df.open(context.Background(), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	hist, err := db.History(fs.Arg(0))
	if err != nil {
		return err
	}
	for _, c := range hist {
		if *raw {
			fmt.Fprintf(e.stdout, "%s\n", c.Raw)
			continue
		}
		kind := "full"
		switch {
		case c.Merge:
			kind = "merge"
		case c.Delta:
			kind = "delta"
		}
		line, _ := json.Marshal(struct {
			ID        string   `json:"id"`
			TS        int64    `json:"ts"`
			Session   string   `json:"session"`
			Parents   []string `json:"parents,omitempty"`
			Kind      string   `json:"kind"`
			Corrupted bool     `json:"corrupted,omitempty"`
		}{c.ID, c.Time.UnixMilli(), c.Session, c.Parents, kind, c.Corrupted})
		fmt.Fprintf(e.stdout, "%s\n", line)
	}
	return nil
}
