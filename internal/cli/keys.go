package cli

import (
	"context"
	"fmt"
)

func runKeys(e env, args []string) error {
	fs := newFlags(e, "keys")
	df := addDBFlags(fs, "")
	all := fs.Bool("all", false, "include deleted items")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one REPO path, got %d arguments", fs.NArg())
	}
	db, err := df.open(context.Background(), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := db.Keys(fs.Arg(0))
	if *all && err == nil {
		keys, err = db.AllKeys(fs.Arg(0))
	}
	if err != nil {
		return err
	}
	for _, k := range keys {
		fmt.Fprintln(e.stdout, k)
	}
	return nil
}
