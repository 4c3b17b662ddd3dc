// Package goatdb is an embedded database that works like git for live
// application data. Data lives in repositories (/type/repo), each a set of
// items (/type/repo/item) that follow versioned schemas. Every change to an
// item is a commit in that item's own commit graph, kept in an append-only
// .jsonl log per repository in the same format upstream GoatDB
// (TypeScript) writes, so data directories move between the two.
//
// Reads and writes are local and synchronous: a Set is visible at once and
// becomes a commit shortly after (Options.CommitDelay); Flush makes every
// write durable.
package goatdb
