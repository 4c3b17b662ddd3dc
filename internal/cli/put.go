package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"goatdb"
	"goatdb/internal/value"
)

func runPut(e env, args []string) error {
	fs := newFlags(e, "put")
	df := addDBFlags(fs, "")
	typ := fs.String("type", "", "schema of a new item: NS or NS/VERSION")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want PATH and a JSON object, got %d arguments", fs.NArg())
	}
	path, doc := fs.Arg(0), []byte(fs.Arg(1))
	fields, deleted, schemaName, err := splitPutDoc(doc)
	if err != nil {
		return usagef("%v", err)
	}
	if schemaName != "" {
		*typ = schemaName
	}
	ctx := context.Background()
	db, err := df.open(ctx, nil)
	if err != nil {
		return err
	}
	id, err := put(db, path, *typ, fields, deleted)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

// splitPutDoc accepts either plain fields or the form "get" prints
// ({"path","schema","deleted","fields"}), so output can be fed back in.
func splitPutDoc(doc []byte) (fields map[string]json.RawMessage, deleted *bool, schemaName string, err error) {
	if err := json.Unmarshal(doc, &fields); err != nil || fields == nil {
		return nil, nil, "", fmt.Errorf("the item must be a JSON object: %v", err)
	}
	raw, ok := fields["fields"]
	if !ok {
		return fields, nil, "", nil
	}
	for k := range fields {
		switch k {
		case "path", "schema", "deleted", "fields":
		default:
			return fields, nil, "", nil // a field that happens to be called "fields"
		}
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inner); err != nil {
		return nil, nil, "", fmt.Errorf("\"fields\" must be an object: %v", err)
	}
	if s, ok := fields["schema"]; ok {
		json.Unmarshal(s, &schemaName)
	}
	if d, ok := fields["deleted"]; ok {
		var b bool
		if err := json.Unmarshal(d, &b); err != nil {
			return nil, nil, "", fmt.Errorf("\"deleted\" must be a boolean")
		}
		deleted = &b
	}
	return inner, deleted, schemaName, nil
}

func put(db *goatdb.DB, path, typ string, fields map[string]json.RawMessage, deleted *bool) (string, error) {
	it, err := db.Item(path)
	switch {
	case errors.Is(err, goatdb.ErrNotFound):
		s, err := pickSchema(db, typ)
		if err != nil {
			return "", err
		}
		data, _, err := decodeFields(s, fields)
		if err != nil {
			return "", err
		}
		if deleted != nil && *deleted {
			data["isDeleted"] = true
		}
		if it, err = db.Set(path, s, data); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	default:
		s, err := it.Schema()
		if err != nil {
			return "", err
		}
		data, removed, err := decodeFields(s, fields)
		if err != nil {
			return "", err
		}
		for _, k := range removed {
			data[k] = nil
		}
		if deleted != nil {
			if *deleted {
				data["isDeleted"] = true
			} else {
				data["isDeleted"] = nil
			}
		}
		if err := it.Update(data); err != nil {
			return "", err
		}
	}
	return it.Head(), nil
}

// decodeFields decodes tagged field values; JSON nulls name fields to
// remove.
func decodeFields(s *goatdb.Schema, fields map[string]json.RawMessage) (goatdb.Data, []string, error) {
	var removed []string
	keep := map[string]json.RawMessage{}
	for k, v := range fields {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			removed = append(removed, k)
			continue
		}
		keep[k] = v
	}
	b, _ := json.Marshal(keep)
	data, err := value.FromTagged(s, b)
	if err != nil {
		return nil, nil, err
	}
	if data == nil {
		data = goatdb.Data{}
	}
	return data, removed, nil
}

// pickSchema chooses the schema of a new item: the one named, or the only
// application schema the directory knows.
func pickSchema(db *goatdb.DB, typ string) (*goatdb.Schema, error) {
	reg := db.Registry()
	if typ != "" {
		ns, ver, hasVer := strings.Cut(typ, "/")
		if hasVer {
			v, err := strconv.Atoi(ver)
			if err != nil {
				return nil, usagef("--type %q: bad version", typ)
			}
			if s, ok := reg.Version(ns, v); ok {
				return s, nil
			}
		} else if s, ok := reg.Latest(ns); ok {
			return s, nil
		}
		return nil, fmt.Errorf("%w: schema %q is not registered (give it with --schema FILE)", goatdb.ErrSchema, typ)
	}
	var found *goatdb.Schema
	for _, s := range reg.All() {
		if s.NS == "sessions" || s.NS == "user-stats" {
			continue
		}
		if found != nil && found.NS != s.NS {
			return nil, usagef("several schemas are registered: choose one with --type NS")
		}
		if found == nil || s.Version > found.Version {
			found = s
		}
	}
	if found == nil {
		return nil, usagef("no schema is registered: give one with --schema FILE")
	}
	return found, nil
}
