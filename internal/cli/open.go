package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"goatdb"
)

// schemaStore is where a data directory remembers the schemas it was given,
// so later commands need not repeat --schema.
const schemaStore = "schemas.json"

type dbFlags struct {
	dir     string
	schemas multiFlag
}

func addDBFlags(fs *flag.FlagSet, defaultDir string) *dbFlags {
	f := &dbFlags{}
	fs.StringVar(&f.dir, "dir", defaultDir, "data directory")
	fs.Var(&f.schemas, "schema", "JSON schema file (repeatable); remembered by the data directory")
	return f
}

// open opens the data directory with its remembered schemas plus any given
// with --schema, which it then remembers.
func (f *dbFlags) open(ctx context.Context, opts *goatdb.Options) (*goatdb.DB, error) {
	if f.dir == "" {
		return nil, usagef("--dir is required")
	}
	if opts == nil {
		opts = &goatdb.Options{}
	}
	if opts.CommitDelay == 0 {
		opts.CommitDelay = -1 // a command's edits are committed at once
	}
	stored, err := readSchemaStore(f.dir)
	if err != nil {
		return nil, err
	}
	var added []json.RawMessage
	for _, path := range f.schemas {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read schema file: %w", err)
		}
		if _, err := goatdb.ParseSchemas(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		added = append(added, list...)
	}
	db, err := goatdb.Open(ctx, f.dir, opts)
	if err != nil {
		return nil, err
	}
	all := mergeSchemaLists(stored, added)
	if len(all) > 0 {
		b, _ := json.Marshal(all)
		list, err := goatdb.ParseSchemas(b)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", filepath.Join(f.dir, schemaStore), err)
		}
		for _, s := range list {
			if err := db.Registry().Register(s); err != nil {
				db.Close()
				return nil, err
			}
		}
	}
	if len(added) > 0 {
		if err := writeFileAtomic(filepath.Join(f.dir, schemaStore), mustJSON(all)); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func readSchemaStore(dir string) ([]json.RawMessage, error) {
	b, err := os.ReadFile(filepath.Join(dir, schemaStore))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, schemaStore), err)
	}
	return list, nil
}

// mergeSchemaLists keeps one entry per ns/version, later lists winning.
func mergeSchemaLists(lists ...[]json.RawMessage) []json.RawMessage {
	var out []json.RawMessage
	index := map[string]int{}
	for _, l := range lists {
		for _, raw := range l {
			var id struct {
				NS      string  `json:"ns"`
				Version float64 `json:"version"`
			}
			json.Unmarshal(raw, &id)
			k := id.NS + "/" + strconv.FormatFloat(id.Version, 'f', -1, 64)
			if i, ok := index[k]; ok {
				out[i] = raw
				continue
			}
			index[k] = len(out)
			out = append(out, raw)
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// writeFileAtomic replaces path with data so that a crash leaves either the
// old or the new content: temp file, fsync, rename, fsync of the directory.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
