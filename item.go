package goatdb

import (
	"encoding/json"
	"fmt"
	"maps"
	"sync/atomic"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// Item is a handle on one item. It always shows the item's current value:
// local edits at once, remote ones as they arrive. It is safe for
// concurrent use; concurrent Sets to different fields both take effect.
type Item struct {
	db   *DB
	r    *repo.Repo
	key  string
	path string // normalised /type/repo/item
	// view caches the last value read, valid while neither the repository
	// nor the registry has changed since: most reads then take no lock.
	view  atomic.Pointer[itemView]
	first itemView // the view DB.Item primes, allocated with the handle
}

type itemView struct {
	repoGen, regGen uint64
	v               *value.Item
}

func newItem(db *DB, r *repo.Repo, p itempath.Path) *Item {
	return &Item{db: db, r: r, key: p.Item, path: p.ItemPath()}
}

// Path returns the item's full path, /type/repo/item.
func (it *Item) Path() string { return it.path }

// Key returns the item's key, the last part of its path.
func (it *Item) Key() string { return it.key }

// value returns the current value, upgraded to the newest registered
// version of its schema (as upstream's item API shows it). The result is
// shared and must not be changed.
func (it *Item) value() (*value.Item, error) {
	regGen := it.db.reg.Gen()
	if vw := it.view.Load(); vw != nil && vw.repoGen == it.r.Gen() && vw.regGen == regGen {
		return vw.v, nil
	}
	v, repoGen, err := it.r.ValueGen(it.key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.path, err)
	}
	v, err = it.upgraded(v)
	if err != nil {
		return nil, err
	}
	it.view.Store(&itemView{repoGen: repoGen, regGen: regGen, v: v})
	return v, nil
}

// needsUpgrade reports whether a newer version of v's schema is
// registered.
func (it *Item) needsUpgrade(v *value.Item) bool { return v.Schema.Superseded() }

// upgraded returns v at the newest registered version of its schema.
func (it *Item) upgraded(v *value.Item) (*value.Item, error) {
	latest, ok := it.db.reg.Latest(v.Schema.NS)
	if !ok || latest.Version <= v.Schema.Version {
		return v, nil
	}
	data, s, err := it.db.reg.Upgrade(v.Data, v.Schema, latest.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.path, err)
	}
	up, err := value.NewItem(s, data)
	if err != nil {
		return nil, fmt.Errorf("%s: upgraded value: %w", it.path, err)
	}
	return up, nil
}

// Schema returns the item's schema (after upgrade to the newest version).
func (it *Item) Schema() (*Schema, error) {
	v, err := it.value()
	if err != nil {
		return nil, err
	}
	return v.Schema, nil
}

// Get returns a field's value, its default when absent, or nil. Sets and
// maps are returned as copies.
func (it *Item) Get(field string) any {
	v, err := it.value()
	if err != nil {
		return nil
	}
	return copyValue(v.Get(field))
}

// Data returns a copy of every present field, isDeleted excluded.
func (it *Item) Data() (Data, error) {
	v, err := it.value()
	if err != nil {
		return nil, err
	}
	// Cloning the map copies its table as it is, rather than hashing and
	// inserting every field again; only values that copyValue would copy
	// (sets, maps, raw JSON) are then replaced.
	out := maps.Clone(v.Data)
	if out == nil {
		return Data{}, nil
	}
	delete(out, schema.DeletedField)
	for k, x := range out {
		switch x.(type) {
		case []any, map[string]any, json.RawMessage:
			out[k] = copyValue(x)
		}
	}
	return out, nil
}

// Deleted reports whether the item is marked deleted.
func (it *Item) Deleted() bool {
	v, err := it.value()
	return err == nil && v.Deleted()
}

// Set changes one field. The change is visible at once and committed after
// the database's CommitDelay. A nil value removes the field.
func (it *Item) Set(field string, x any) error {
	return it.edit(func(d Data) {
		if x == nil {
			delete(d, field)
		} else {
			d[field] = x
		}
	}, func(s *Schema, cur Data) (*value.Item, error) {
		return value.NewItemSet(s, cur, field, x)
	})
}

// Update changes several fields at once; nil values remove fields.
func (it *Item) Update(changes Data) error {
	return it.edit(func(d Data) {
		for k, x := range changes {
			if x == nil {
				delete(d, k)
			} else {
				d[k] = x
			}
		}
	}, func(s *Schema, cur Data) (*value.Item, error) {
		return value.NewItemUpdate(s, cur, changes)
	})
}

// Delete marks the item deleted.
func (it *Item) Delete() error {
	return it.edit(func(d Data) { d[schema.DeletedField] = true }, nil)
}

// edit sets the item to f applied to a copy of its current data. direct,
// when given, builds the same result from the current data without copying
// it, for items already at their schema's newest version.
func (it *Item) edit(f func(Data), direct func(*Schema, Data) (*value.Item, error)) error {
	// The read-modify-write must not interleave with another edit of the
	// same item, or one of two concurrent field changes would be lost.
	return it.r.Update(it.key, func(cur *value.Item) (*value.Item, error) {
		s := cur.Schema
		latest, ok := it.db.reg.Latest(s.NS)
		upgrade := ok && latest.Version > s.Version
		var nv *value.Item
		var err error
		if direct != nil && !upgrade {
			nv, err = direct(s, cur.Data)
		} else {
			d := maps.Clone(cur.Data)
			if upgrade {
				if d, s, err = it.db.reg.Upgrade(d, s, latest.Version); err != nil {
					return nil, err
				}
			}
			f(d)
			nv, err = value.NewItem(s, d)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.path, err)
		}
		return nv, nil
	})
}
