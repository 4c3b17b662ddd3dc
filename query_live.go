package goatdb

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"goatdb/internal/jsjson"
)

// liveQueries maps a repository path to the queries reading it directly;
// it is replaced, never changed, so the repositories' hooks read it without
// a lock.
type liveQueries map[string][]*Query

func (db *DB) addLiveQuery(q *Query) {
	next := liveQueries{}
	if old := db.live.Load(); old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[q.repoPath] = append(slices.Clone(next[q.repoPath]), q)
	db.live.Store(&next)
}

func (db *DB) removeLiveQuery(q *Query) {
	db.qmu.Lock()
	defer db.qmu.Unlock()
	old := db.live.Load()
	if old == nil {
		return
	}
	next := liveQueries{}
	for k, v := range *old {
		next[k] = v
	}
	next[q.repoPath] = slices.DeleteFunc(slices.Clone(next[q.repoPath]), func(x *Query) bool { return x == q })
	db.live.Store(&next)
}

// valueChanged is the repositories' OnValue hook: the queries reading
// repoPath re-evaluate key. It runs with that repository locked.
func (db *DB) valueChanged(repoPath, key string) {
	if m := db.live.Load(); m != nil {
		for _, q := range (*m)[repoPath] {
			q.markDirty(key)
		}
	}
}

// closeQueries closes every query, for DB.Close.
func (db *DB) closeQueries() {
	db.qmu.Lock()
	var qs []*Query
	if m := db.live.Load(); m != nil {
		for _, list := range *m {
			qs = append(qs, list...)
		}
	}
	db.qmu.Unlock()
	for _, q := range qs {
		db.qmu.Lock()
		q.refs = 1
		db.qmu.Unlock()
		q.Close()
	}
}

// compareValues orders field values: absent first, then booleans, numbers,
// strings (by UTF-16 code units, as upstream compares them), dates, and
// anything else by its printed form.
func compareValues(a, b any) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case float64:
		return cmp.Compare(x, b.(float64))
	case string:
		return compareStrings(x, b.(string))
	case time.Time:
		return x.Compare(b.(time.Time))
	case nil:
		return 0
	}
	return compareStrings(fmt.Sprint(a), fmt.Sprint(b))
}

func rank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case float64:
		return 2
	case string:
		return 3
	case time.Time:
		return 4
	}
	return 5
}

func compareStrings(a, b string) int {
	switch {
	case a == b:
		return 0
	case jsjson.LessUTF16(a, b):
		return -1
	}
	return 1
}

// canonicalForCompare brings a caller's value to the form fields hold:
// Go integers and float32 become float64.
func canonicalForCompare(v any) (any, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case int8:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint:
		return float64(x), nil
	case uint8:
		return float64(x), nil
	case uint16:
		return float64(x), nil
	case uint32:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	case nil, bool, float64, string, time.Time:
		return v, nil
	}
	return nil, fmt.Errorf("%w: cannot compare %T", ErrType, v)
}
