package syncproto

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every decoding error: the input is not a sync
// message or batch, or is one this package refuses. An HTTP server answers
// it with 400, as upstream does for a body it cannot use.
var ErrMalformed = errors.New("syncproto: malformed input")

// ErrTooLarge is wrapped, together with ErrMalformed, by decoding errors
// caused by a Limits bound rather than by bad syntax or types; a server may
// answer it with 413 instead.
var ErrTooLarge = errors.New("syncproto: over limit")

// limitError is a decoding error caused by a Limits bound; it matches
// ErrTooLarge.
type limitError struct{ msg string }

func (e *limitError) Error() string        { return e.msg }
func (e *limitError) Is(target error) bool { return target == ErrTooLarge }

func overLimit(format string, args ...any) error {
	return &limitError{fmt.Sprintf(format, args...)}
}

// malformed wraps err, which says what is wrong where, in ErrMalformed.
func malformed(err error) error {
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}
