// Package pushproto owns the frames of the realtime channel between peers
// (a WebSocket): a hello that authenticates the peer with a request
// signature, the server's welcome, and frames of commits for one
// repository, sent both ways as soon as commits exist. Upstream GoatDB has
// no such channel; its peers only poll /batch-sync, which still runs
// alongside to heal anything a push missed.
package pushproto

import (
	"encoding/json"
	"errors"
	"fmt"

	"goatdb/internal/jsjson"
)

// Frame types.
const (
	TypeHello   = "hello"
	TypeWelcome = "welcome"
	TypeCommits = "c"
)

// ErrMalformed is returned, wrapped, for a frame that is not one of ours.
var ErrMalformed = errors.New("pushproto: malformed frame")

// Hello is the first frame a peer sends: its request signature (the
// x-goat-sig header value of a sync request), which a browser cannot send
// as a header on a WebSocket.
type Hello struct {
	Type string `json:"t"`
	Sig  string `json:"sig"`
}

// AppendHello appends a hello frame.
func AppendHello(dst []byte, sig string) []byte {
	dst = append(dst, `{"t":"hello","sig":`...)
	dst = jsjson.AppendString(dst, sig)
	return append(dst, '}')
}

// AppendWelcome appends the server's answer to a valid hello.
func AppendWelcome(dst []byte, session string) []byte {
	dst = append(dst, `{"t":"welcome","session":`...)
	dst = jsjson.AppendString(dst, session)
	return append(dst, '}')
}

// AppendCommits appends a frame carrying commits (raw JSON objects, kept
// byte for byte so their signatures verify) of the repository at path.
func AppendCommits(dst []byte, path string, commits [][]byte) []byte {
	dst = append(dst, `{"t":"c","path":`...)
	dst = jsjson.AppendString(dst, path)
	dst = append(dst, `,"c":[`...)
	for i, c := range commits {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, c...)
	}
	return append(dst, "]}"...)
}

// Commits is a decoded commits frame.
type Commits struct {
	Path    string
	Commits [][]byte
}

// DecodeCommits decodes a commits frame. The commits are not parsed here;
// whoever admits them parses and verifies each.
func DecodeCommits(b []byte) (*Commits, error) {
	var f struct {
		Type string            `json:"t"`
		Path *string           `json:"path"`
		C    []json.RawMessage `json:"c"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if f.Type != TypeCommits || f.Path == nil {
		return nil, fmt.Errorf("%w: want a commits frame with a path", ErrMalformed)
	}
	out := &Commits{Path: *f.Path, Commits: make([][]byte, len(f.C))}
	for i, c := range f.C {
		if len(c) == 0 || c[0] != '{' {
			return nil, fmt.Errorf("%w: commit %d is not an object", ErrMalformed, i)
		}
		out.Commits[i] = c
	}
	return out, nil
}

// TypeOf returns a frame's type without decoding the rest.
func TypeOf(b []byte) string {
	var f struct {
		Type string `json:"t"`
	}
	if json.Unmarshal(b, &f) != nil {
		return ""
	}
	return f.Type
}
