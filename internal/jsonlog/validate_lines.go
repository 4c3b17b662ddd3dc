package jsonlog

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
)

// minChunk is the least work worth handing to another goroutine.
const minChunk = 1 << 20

// badLines returns the start offsets, in order, of the lines of buf
// (including an unterminated last one) that are neither blank nor a JSON
// object. Validation is most of the CPU time of opening a log, and lines
// are independent, so large buffers are split at line boundaries and
// checked on all available cores.
func badLines(buf []byte) []int { return badLinesAt(buf, 0) }

// badLinesAt is badLines for a buf that starts at offset base of the file
// and at the start of a line.
func badLinesAt(buf []byte, base int) []int {
	workers := min(runtime.GOMAXPROCS(0), len(buf)/minChunk+1)
	if workers <= 1 {
		return checkLines(buf, base)
	}
	cuts := make([]int, 0, workers+1)
	cuts = append(cuts, 0)
	for k := 1; k < workers; k++ {
		at := max(k*len(buf)/workers, cuts[len(cuts)-1])
		if nl := bytes.IndexByte(buf[at:], '\n'); nl >= 0 {
			cuts = append(cuts, at+nl+1)
		}
	}
	cuts = append(cuts, len(buf))
	found := make([][]int, len(cuts)-1)
	var wg sync.WaitGroup
	for k := range found {
		wg.Go(func() { found[k] = checkLines(buf[cuts[k]:cuts[k+1]], base+cuts[k]) })
	}
	wg.Wait()
	return slices.Concat(found...)
}

// checkLines is badLines for one chunk that starts at offset base of the
// file and at the start of a line.
func checkLines(buf []byte, base int) []int {
	var bad []int
	for start := 0; start < len(buf); {
		end := bytes.IndexByte(buf[start:], '\n')
		if end < 0 {
			end = len(buf)
		} else {
			end += start
		}
		if from, to := trimSpace(buf, start, end); from < to && !isObject(buf[from:to]) {
			bad = append(bad, base+start)
		}
		start = end + 1
	}
	return bad
}

// badTail is badLines for a caller that validates lines itself: only an
// unterminated last line is checked, since whether it is a complete object
// decides between keeping it and cutting a torn write. buf starts at
// offset base of the file.
func badTail(buf []byte, base int) []int {
	nl := bytes.LastIndexByte(buf, '\n')
	start := nl + 1
	if from, to := trimSpace(buf, start, len(buf)); from < to && !isObject(buf[from:to]) {
		return []int{base + start}
	}
	return nil
}

// IsObject reports whether line is exactly one JSON object, possibly
// surrounded by whitespace: what the log accepts as a record.
func IsObject(line []byte) bool {
	from, to := trimSpace(line, 0, len(line))
	return from < to && isObject(line[from:to])
}
