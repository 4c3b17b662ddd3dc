package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"goatdb"
)

// runQuery prints the items of a repository that match every --where, as
// JSON lines, sorted by --sort (key order without it).
func runQuery(e env, args []string) error {
	fs := newFlags(e, "query")
	df := addDBFlags(fs, "")
	var where multiFlag
	fs.Var(&where, "where", "FIELD=VALUE: keep items whose field equals VALUE (JSON, or a plain string), or whose set holds it (repeatable)")
	sortBy := fs.String("sort", "", "field to sort by")
	desc := fs.Bool("desc", false, "sort in descending order")
	limit := fs.Int("limit", 0, "print at most this many items")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one REPO path, got %d arguments", fs.NArg())
	}
	type cond struct {
		field string
		value any
	}
	var conds []cond
	for _, w := range where {
		f, v, ok := strings.Cut(w, "=")
		if !ok || f == "" {
			return usagef("--where %q: want FIELD=VALUE", w)
		}
		var val any
		if json.Unmarshal([]byte(v), &val) != nil {
			val = v
		}
		conds = append(conds, cond{f, val})
	}
	db, err := df.open(context.Background(), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	q, err := db.Query(goatdb.QuerySpec{Source: fs.Arg(0), SortBy: *sortBy, Desc: *desc, Limit: *limit,
		Where: func(it *goatdb.Item, _ any) bool {
			for _, c := range conds {
				if !fieldMatches(it.Get(c.field), c.value) {
					return false
				}
			}
			return true
		}})
	if err != nil {
		return err
	}
	defer q.Close()
	for _, it := range q.Results() {
		b, err := itemJSON(db, it.Path())
		if err != nil {
			return err
		}
		if _, err := e.stdout.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// fieldMatches compares a field's value with a value from the command
// line: numbers, booleans and strings by equality, a date with its
// milliseconds, a set by membership.
func fieldMatches(field, want any) bool {
	switch f := field.(type) {
	case []any:
		return slices.ContainsFunc(f, func(x any) bool { return fieldMatches(x, want) })
	case time.Time:
		ms, ok := want.(float64)
		return ok && float64(f.UnixMilli()) == ms
	case nil:
		return want == nil
	}
	return fmt.Sprint(field) == fmt.Sprint(want) && sameKind(field, want)
}

func sameKind(a, b any) bool {
	switch a.(type) {
	case float64:
		_, ok := b.(float64)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	case string:
		_, ok := b.(string)
		return ok
	}
	return false
}
