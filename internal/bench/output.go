package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteJSON prints the results as one JSON array.
func WriteJSON(w io.Writer, res []Result) error {
	if res == nil {
		res = []Result{}
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteMarkdown prints one table row per benchmark row, systems as
// columns, with goatdb's ratios against durable SQLite, and a legend.
func WriteMarkdown(w io.Writer, res []Result, items int) error {
	var b strings.Builder
	b.WriteString("| row |")
	for _, s := range systems {
		b.WriteString(" " + s.name + " |")
	}
	b.WriteString(" default/sqlite-full | trusted/sqlite-full |\n|---|")
	b.WriteString(strings.Repeat("---:|", len(systems)+2) + "\n")
	cells := map[string]map[string]Result{}
	var order []string
	for _, r := range res {
		if cells[r.Row] == nil {
			cells[r.Row] = map[string]Result{}
			order = append(order, r.Row)
		}
		cells[r.Row][r.System] = r
	}
	for _, row := range order {
		b.WriteString("| " + row + " |")
		for _, s := range systems {
			b.WriteString(" " + cell(cells[row], s.name) + " |")
		}
		full, ok := cells[row]["sqlite-full"]
		for _, g := range []string{"goatdb-default", "goatdb-trusted"} {
			r, ok2 := cells[row][g]
			if ok && ok2 && full.MedianNS > 0 {
				fmt.Fprintf(&b, " %.2f× |", float64(r.MedianNS)/float64(full.MedianNS))
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nCells are median (p95) over the samples; the 100k rows use %d items. "+
		"goatdb-default signs every commit and goatdb-default/-trusted Flush after every write, as sqlite-full fsyncs; "+
		"goatdb-fast is trusted and never flushes (commits are written in the background), the nearest match to sqlite-off, "+
		"as goatdb has no option to disable fsync. The sync row shows p50 (p95), p99; the memory row is the RSS and live Go heap of a fresh process that opened the 100k repository; the initial sync row uses a tenth of the 100k items.\n", items)
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(row map[string]Result, sys string) string {
	r, ok := row[sys]
	switch {
	case !ok:
		return "–"
	case r.RSSBytes > 0:
		return fmt.Sprintf("%.1f MiB RSS, %.1f MiB heap", float64(r.RSSBytes)/(1<<20), float64(r.HeapBytes)/(1<<20))
	case r.P99NS > 0:
		return fmt.Sprintf("%s (%s), p99 %s", dur(r.MedianNS), dur(r.P95NS), dur(r.P99NS))
	}
	return fmt.Sprintf("%s (%s)", dur(r.MedianNS), dur(r.P95NS))
}

// dur picks µs below a millisecond, ms below ten seconds, else s, with
// three significant digits.
func dur(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Millisecond:
		return sig(float64(ns)/1e3) + " µs"
	case d < 10*time.Second:
		return sig(float64(ns)/1e6) + " ms"
	}
	return sig(d.Seconds()) + " s"
}

func sig(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}
