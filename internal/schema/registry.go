package schema

import (
	"fmt"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds the known schema versions. It is safe for concurrent use.
// Lookups are lock-free: writers publish a new immutable snapshot, since
// every item read consults the registry and registrations are rare.
type Registry struct {
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[snapshot]
	gen  atomic.Uint64
}

// Gen changes whenever a schema is registered, so that views computed from
// the registry (such as upgraded items) can be cached.
func (r *Registry) Gen() uint64 { return r.gen.Load() }

type snapshot struct {
	byNS   map[string][]*Schema // descending version
	byMark map[string]*Schema
}

// NewRegistry returns a registry holding the built-in schemas.
func NewRegistry() *Registry {
	r := &Registry{}
	r.snap.Store(&snapshot{byNS: map[string][]*Schema{}, byMark: map[string]*Schema{}})
	for _, s := range Builtin() {
		if err := r.Register(s); err != nil {
			panic(err)
		}
	}
	return r
}

// Builtin returns upstream's built-in schemas: sessions/1 and user-stats/1.
func Builtin() []Schema {
	return []Schema{
		{NS: "sessions", Version: 1, Fields: Fields{
			"id":         {Type: String, Required: true},
			"publicKey":  {Type: String, Required: true},
			"expiration": {Type: Date, Required: true},
			"owner":      {Type: String},
		}},
		{NS: "user-stats", Version: 1, Fields: Fields{
			"firstLoggedIn": {Type: Date},
			"lastLoggedIn":  {Type: Date},
		}},
	}
}

// Register adds s. Registering an existing (ns, version) again with the
// same fields replaces its functions (upgrade, defaults, validation) that
// are given; different fields under the same version are an error, since
// stored data would change meaning.
func (r *Registry) Register(s Schema) error {
	if err := s.check(); err != nil {
		return err
	}
	cp := s
	cp.Fields = maps.Clone(s.Fields)
	cp.superseded = 0
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.snap.Load()
	if prev, ok := old.byMark[cp.Marker()]; ok {
		if !sameFields(prev.Fields, cp.Fields) {
			return fmt.Errorf("%w: %s already registered with other fields", ErrSchema, cp.Marker())
		}
		if cp.Upgrade == nil {
			cp.Upgrade = prev.Upgrade
		}
		for name, f := range cp.Fields {
			pf := prev.Fields[name]
			if f.Default == nil {
				f.Default = pf.Default
			}
			if f.Validate == nil {
				f.Validate = pf.Validate
			}
			cp.Fields[name] = f
		}
	}
	next := &snapshot{byNS: maps.Clone(old.byNS), byMark: maps.Clone(old.byMark)}
	next.byMark[cp.Marker()] = &cp
	var list []*Schema
	for _, o := range old.byNS[cp.NS] {
		if o.Version != cp.Version {
			list = append(list, o)
		}
	}
	list = append(list, &cp)
	sort.Slice(list, func(i, j int) bool { return list[i].Version > list[j].Version })
	for _, o := range list[1:] {
		atomic.StoreUint32(&o.superseded, 1)
	}
	if prev, ok := old.byMark[cp.Marker()]; ok {
		// Items decoded with the replaced copy must see that it is no
		// longer the one to write with.
		atomic.StoreUint32(&prev.superseded, 1)
	}
	next.byNS[cp.NS] = list
	r.snap.Store(next)
	r.gen.Add(1)
	return nil
}

func sameFields(a, b Fields) bool {
	if len(a) != len(b) {
		return false
	}
	for k, fa := range a {
		fb, ok := b[k]
		if !ok || fa.Type != fb.Type || fa.Required != fb.Required {
			return false
		}
	}
	return true
}

// Get returns the schema of a marker such as "task/2". Version 0 means the
// latest version, as upstream decodes it.
func (r *Registry) Get(marker string) (*Schema, bool) {
	if s, ok := r.snap.Load().byMark[marker]; ok {
		return s, true
	}
	ns, v, err := ParseMarker(marker)
	if err != nil || v != 0 {
		return nil, false
	}
	return r.Latest(ns)
}

// Version returns ns at the given version.
func (r *Registry) Version(ns string, version int) (*Schema, bool) {
	for _, s := range r.snap.Load().byNS[ns] {
		if s.Version == version {
			return s, true
		}
	}
	return nil, false
}

// Latest returns the highest registered version of ns.
func (r *Registry) Latest(ns string) (*Schema, bool) {
	if l := r.snap.Load().byNS[ns]; len(l) > 0 {
		return l[0], true
	}
	return nil, false
}

// All returns every registered schema, by namespace then version.
func (r *Registry) All() []*Schema {
	var out []*Schema
	for _, l := range r.snap.Load().byNS {
		out = append(out, l...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].NS != out[j].NS {
			return out[i].NS < out[j].NS
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// Upgrade converts data of schema from to version target of the same
// namespace by running every intermediate version's upgrade function in
// order. A missing intermediate version is an error (upstream asserts).
// A target at or below from's version returns a copy of data unchanged, as
// upstream does.
func (r *Registry) Upgrade(data Data, from *Schema, target int) (Data, *Schema, error) {
	out := maps.Clone(data)
	if target <= from.Version {
		return out, from, nil
	}
	prev := from
	for v := from.Version + 1; v <= target; v++ {
		next, ok := r.Version(from.NS, v)
		if !ok {
			return nil, nil, fmt.Errorf("%w: cannot upgrade %s to version %d: version %d is not registered", ErrSchema, from.Marker(), target, v)
		}
		var err error
		if next.Upgrade != nil {
			out, err = next.Upgrade(out, prev)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: upgrade %s → %s: %w", ErrSchema, prev.Marker(), next.Marker(), err)
			}
		} else {
			for k := range out {
				if _, ok := next.Field(k); !ok {
					delete(out, k)
				}
			}
		}
		prev = next
	}
	return out, prev, nil
}

// DateDefault is a convenience Default for date fields: the time of the call.
func DateDefault(Data) any { return time.Now() }
