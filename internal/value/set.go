package value

// Sets are slices of primitives (string, float64, bool) kept in insertion
// order. Membership is Go's == on those types, which for finite numbers is
// the SameValueZero relation JavaScript's Set uses. Small sets are scanned;
// large ones get a map, so that hostile input cannot make decoding
// quadratic.

const setScanMax = 32

// setOf indexes s for membership tests; nil means "scan".
func setOf(s []any) map[any]struct{} {
	if len(s) <= setScanMax {
		return nil
	}
	m := make(map[any]struct{}, len(s))
	for _, e := range s {
		if isPrim(e) {
			m[e] = struct{}{}
		}
	}
	return m
}

func isPrim(e any) bool {
	switch e.(type) {
	case string, float64, bool:
		return true
	}
	return false
}

func setContains(s []any, idx map[any]struct{}, e any) bool {
	if idx != nil {
		if !isPrim(e) {
			return false
		}
		_, ok := idx[e]
		return ok
	}
	return setHas(s, e)
}

// dedupe returns the distinct elements of in, first occurrence first.
func dedupe(in []any) []any {
	out := make([]any, 0, len(in))
	var idx map[any]struct{}
	if len(in) > setScanMax {
		idx = make(map[any]struct{}, len(in))
	}
	for _, e := range in {
		if idx != nil {
			if _, dup := idx[e]; dup {
				continue
			}
			idx[e] = struct{}{}
		} else if setHas(out, e) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// setSubtract returns the elements of a not in b, in a's order.
func setSubtract(a, b []any) []any {
	idx := setOf(b)
	var out []any
	for _, e := range a {
		if !setContains(b, idx, e) {
			out = append(out, e)
		}
	}
	return out
}

// setUnion returns a followed by the elements of b not in a.
func setUnion(a, b []any) []any {
	out := append(make([]any, 0, len(a)+len(b)), a...)
	idx := setOf(a)
	for _, e := range b {
		if setContains(out, idx, e) {
			continue
		}
		if idx != nil {
			idx[e] = struct{}{}
		}
		out = append(out, e)
	}
	return out
}

// setsEqual compares sets regardless of order.
func setsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	idx := setOf(b)
	for _, x := range a {
		if !setContains(b, idx, x) {
			return false
		}
	}
	return true
}

func setHas(s []any, e any) bool {
	for _, x := range s {
		if primEqual(x, e) {
			return true
		}
	}
	return false
}

// primEqual is == on set elements, safe for any dynamic types.
func primEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}

// hasDuplicates is len(dedupe(s)) != len(s) without building the copy.
func hasDuplicates(s []any) bool {
	if len(s) > setScanMax {
		idx := make(map[any]struct{}, len(s))
		for _, e := range s {
			if _, dup := idx[e]; dup {
				return true
			}
			idx[e] = struct{}{}
		}
		return false
	}
	for i := 1; i < len(s); i++ {
		if setHas(s[:i], s[i]) {
			return true
		}
	}
	return false
}
