package cli

import (
	"context"
	"fmt"

	"goatdb"
)

func runCheck(e env, args []string) error {
	fs := newFlags(e, "check")
	df := addDBFlags(fs, "")
	verify := fs.Bool("verify-signatures", false, "also verify every commit's signature against the sessions in /sys/sessions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	// Checking must not repair: a torn tail is reported, not cut.
	db, err := df.open(context.Background(), &goatdb.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	reports, err := db.Check(context.Background())
	if err != nil {
		return err
	}
	damaged := 0
	for _, r := range reports {
		status := "ok"
		if r.Damaged() {
			status = "DAMAGED"
			damaged++
		}
		fmt.Fprintf(e.stdout, "%s\t%s\tlines=%d commits=%d keys=%d unparsable=%d malformed=%d torn_bytes=%d duplicates=%d conflicts=%d corrupted_deltas=%d unreadable=%d\n",
			status, r.Path, r.Lines, r.Commits, r.Keys, r.Unparsable, r.Malformed, r.TornBytes, r.Duplicates, r.Conflicts, len(r.Corrupted), len(r.Unreadable))
		for _, p := range r.Problems {
			fmt.Fprintf(e.stdout, "  problem: %s\n", p)
		}
		for _, id := range r.Corrupted {
			fmt.Fprintf(e.stdout, "  warning: commit %s fails its own checksum (reads as the newest intact commit)\n", id)
		}
	}
	fmt.Fprintf(e.stdout, "%d repositories, %d damaged\n", len(reports), damaged)
	failed := 0
	if *verify {
		sigs, err := db.VerifySignatures(context.Background())
		if err != nil {
			return err
		}
		var commits, verified, unsigned int
		for _, r := range sigs {
			fmt.Fprintf(e.stdout, "signatures\t%s\tcommits=%d verified=%d unsigned=%d failed=%d\n",
				r.Path, r.Commits, r.Verified, r.Unsigned, r.Failed)
			for _, f := range r.Failures {
				fmt.Fprintf(e.stdout, "  failed: %s\n", f)
			}
			commits += r.Commits
			verified += r.Verified
			unsigned += r.Unsigned
			failed += r.Failed
		}
		fmt.Fprintf(e.stdout, "signatures: %d commits, %d verified, %d unsigned, %d failed\n", commits, verified, unsigned, failed)
	}
	switch {
	case damaged > 0 && failed > 0:
		return fmt.Errorf("%d damaged repositories, %d commits fail their signatures", damaged, failed)
	case damaged > 0:
		return fmt.Errorf("%d damaged repositories", damaged)
	case failed > 0:
		return fmt.Errorf("%d commits fail their signatures", failed)
	}
	return nil
}
