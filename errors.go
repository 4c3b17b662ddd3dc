package goatdb

import (
	"errors"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// Errors returned by the database. They are wrapped with detail; test for
// them with errors.Is.
var (
	// ErrInvalidPath: a path does not follow /type/repo/item, uses
	// characters other than a-z, 0-9, '_' and '-', or has empty, "." or
	// ".." components.
	ErrInvalidPath = itempath.ErrInvalidPath
	// ErrNotFound: no item exists at the path.
	ErrNotFound = repo.ErrNotFound
	// ErrClosed: the database or repository was closed.
	ErrClosed = errors.New("goatdb: closed")
	// ErrSchema: a schema is invalid, unknown or conflicting, or data does
	// not follow its schema.
	ErrSchema = schema.ErrSchema
	// ErrUnknownSchema: an item's schema is not registered here. Such items
	// are still listed, relayed and readable as raw JSON (DB.Raw).
	ErrUnknownSchema = value.ErrUnknownSchema
	// ErrType: a field value has the wrong type for its schema.
	ErrType = value.ErrType
	// ErrCorrupt: stored data is damaged and no intact version is readable.
	ErrCorrupt = repo.ErrNoValue
	// ErrReadOnly: the database was opened read-only.
	ErrReadOnly = repo.ErrReadOnly
)
