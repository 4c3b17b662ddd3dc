package cli

import (
	"regexp"

	"goatdb/internal/bench"
)

// runBench compares goatdb with SQLite on upstream's benchmark workload
// and prints a markdown table (or JSON with --json).
func runBench(e env, args []string) error {
	fs := newFlags(e, "bench")
	items := fs.Int("items", 100000, "items in the dataset of the 100k rows")
	samples := fs.Int("samples", 0, "samples per row (default: a number per row, fewer for big rows)")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a markdown table")
	rows := fs.String("rows", "", "run only the rows whose name matches this regular expression")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("bench takes no arguments, got %d", fs.NArg())
	}
	if *items <= 0 || *samples < 0 {
		return usagef("--items must be positive and --samples not negative")
	}
	cfg := bench.Config{Items: *items, Samples: *samples}
	if *rows != "" {
		re, err := regexp.Compile(*rows)
		if err != nil {
			return usagef("--rows: %v", err)
		}
		cfg.Rows = re
	}
	// Progress is a line redrawn in place, useless in a file or pipe.
	if isTerminal(e.stderr) {
		cfg.Progress = e.stderr
	}
	res, err := bench.Run(e.ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return bench.WriteJSON(e.stdout, res)
	}
	return bench.WriteMarkdown(e.stdout, res, *items)
}
