// Package syncproto owns upstream GoatDB's sync messages: their exact JSON
// form, the /batch-sync framing around them, and the rules for building one
// (filter accuracy, which commits to send). It does no I/O and knows nothing
// of repositories; callers hand it ids and raw commit JSON.
//
// # Protocol
//
// Two peers each send the other a bloom filter of the commit ids they hold
// and the commits the other's last filter says it lacks. Filters are rebuilt
// with fresh random seeds every message, so a commit hidden by a false
// positive in one round is found in a later one; the protocol needs no state
// beyond the peer's last filter and size.
//
// A message is {"ver","f","s","c","ad"} (see Message). A /batch-sync request
// body is a JSON array of {"path","msg"}; the response is an array of
// {"path","res"} (see Entry). Encoding writes the bytes upstream's
// JSON.stringify writes for the same values, so a Go peer and a TypeScript
// peer produce identical bodies.
//
// # Paging
//
// Upstream sends every missing commit in one message. Build can stop at a
// byte budget instead; see Build for the contract that keeps paging
// complete.
//
// # Hostile input
//
// Decoders take a Limits and never panic. Every failure wraps ErrMalformed;
// a failure because a limit was exceeded also wraps ErrTooLarge.
package syncproto
