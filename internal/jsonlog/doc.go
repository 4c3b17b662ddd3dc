// Package jsonlog owns the repository log file: tolerant reading, batched
// durable appends, recovery of torn tails.
//
// A log is a text file with one compact JSON object per line, as GoatDB
// stores a repository's commits (goatdb-internals §7.3). Files written by
// upstream GoatDB look like "\n{A}\n\n{B}\n"; this package writes "{A}\n{B}\n"
// and reads both.
//
// Reading never gives up on a file: blank lines are skipped, an interior
// line that is not a JSON object is logged and skipped, and an unterminated
// last line that is not a complete object, which is what an interrupted
// append leaves, is cut off at its first byte so the next append starts on a
// clean line. An unterminated last line that is a complete object is kept:
// no prefix of a line can itself be a complete object, so it cannot be a torn
// write, and the next append writes the missing '\n' first.
//
// Writing goes through one goroutine per Log, which gathers whatever lines
// were appended while it was busy into a single write, and fsyncs only when
// a caller asks for durability with Flush. Concurrent Flush calls share one
// fsync.
//
// The package does not look inside the objects; deduplicating them, for
// example by commit id, is the caller's business.
//
// A file must be opened by at most one Log at a time; nothing enforces this.
package jsonlog
