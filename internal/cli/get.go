package cli

import (
	"context"
	"encoding/json"
	"errors"

	"goatdb"
	"goatdb/internal/value"
)

func runGet(e env, args []string) error {
	fs := newFlags(e, "get")
	df := addDBFlags(fs, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one PATH, got %d arguments", fs.NArg())
	}
	db, err := df.open(context.Background(), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := itemJSON(db, fs.Arg(0))
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(append(out, '\n'))
	return err
}

// itemJSON renders an item as {"path","schema","deleted","fields"} with
// tagged values. An item of an unknown schema is shown with its raw stored
// record instead of fields.
func itemJSON(db *goatdb.DB, path string) ([]byte, error) {
	it, err := db.Item(path)
	if errors.Is(err, goatdb.ErrUnknownSchema) {
		raw, rerr := db.Raw(path)
		if rerr != nil {
			return nil, err
		}
		var rec struct {
			S string `json:"s"`
		}
		json.Unmarshal(raw, &rec)
		return json.Marshal(struct {
			Path   string          `json:"path"`
			Schema string          `json:"schema"`
			Known  bool            `json:"known"`
			Raw    json.RawMessage `json:"raw"`
		}{path, rec.S, false, raw})
	}
	if err != nil {
		return nil, err
	}
	s, err := it.Schema()
	if err != nil {
		return nil, err
	}
	data, err := it.Data()
	if err != nil {
		return nil, err
	}
	buf := []byte(`{"path":`)
	buf, _ = appendJSON(buf, it.Path())
	buf = append(buf, `,"schema":`...)
	buf, _ = appendJSON(buf, s.Marker())
	buf = append(buf, `,"deleted":`...)
	buf, _ = appendJSON(buf, it.Deleted())
	buf = append(buf, `,"fields":`...)
	buf = value.AppendTagged(buf, s, data)
	return append(buf, '}'), nil
}

func appendJSON(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}
