package syncproto

// The decoders walk their input with object and array, which check the
// syntax around each member or element and leave its value to a callback:
// the decoder cuts out what it keeps (commits, paths, numbers) and checks
// everything else with validator.value, so the input is read once.

// object walks the object that opens at b[i], checking its syntax, and
// calls fn with each member's raw key (between its quotes) and the index
// where its value starts. fn returns the index just past the value, which
// it must have checked (v.value does), or an error, which ends the walk.
// object returns the index just past the object.
func (v *validator) object(i int, fn func(key []byte, j int) (int, error)) (int, error) {
	if v.depth++; v.depth > maxDepth {
		v.fail(i)
		return -1, v.syntaxErr()
	}
	defer func() { v.depth-- }()
	b := v.b
	if i = skipWS(b, i+1); v.at(i) == '}' {
		return i + 1, nil
	}
	for {
		if v.at(i) != '"' {
			v.fail(i)
			return -1, v.syntaxErr()
		}
		end := v.str(i)
		if end < 0 {
			return -1, v.syntaxErr()
		}
		key := b[i+1 : end-1]
		if i = skipWS(b, end); v.at(i) != ':' {
			v.fail(i)
			return -1, v.syntaxErr()
		}
		end, err := fn(key, skipWS(b, i+1))
		if err != nil {
			return -1, err
		}
		switch i = skipWS(b, end); v.at(i) {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return i + 1, nil
		default:
			v.fail(i)
			return -1, v.syntaxErr()
		}
	}
}

// array walks the array that opens at b[i] as object walks an object,
// calling fn with each element's position in the array and start.
func (v *validator) array(i int, fn func(n, j int) (int, error)) (int, error) {
	if v.depth++; v.depth > maxDepth {
		v.fail(i)
		return -1, v.syntaxErr()
	}
	defer func() { v.depth-- }()
	b := v.b
	if i = skipWS(b, i+1); v.at(i) == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		end, err := fn(n, i)
		if err != nil {
			return -1, err
		}
		switch i = skipWS(b, end); v.at(i) {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return i + 1, nil
		default:
			v.fail(i)
			return -1, v.syntaxErr()
		}
	}
}
