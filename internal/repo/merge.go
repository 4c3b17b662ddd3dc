package repo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/murmur"
	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// leaderWindowMS is upstream's merge-leader window: only sessions whose
// leaves are at most this far from now (either side) stand for election.
// When no leaf is that recent every peer considers itself the leader.
const leaderWindowMS = 5000

// filterTrustMS is how long ancestors filters may keep a leaf out of merges
// after the key's newest commit. A leaf they keep out is believed to have
// children this peer has not received; if none arrive in this time, the
// belief was one of the filters' false positives (rare, but upstream's test
// would then keep two leaves apart forever) or the children are lost, and
// merging the leaf is right either way. Merging a leaf that does have
// unseen children costs one more merge when they arrive, never data.
const filterTrustMS = 15_000

// staggerMS separates the turns of peers that may all merge a conflict
// nobody leads (see mergeIfNeededLocked).
const staggerMS = 500

// rendezvousHash is upstream's RendezvousHash score of session for key:
// murmur of `session/"key"`. The lowest score leads.
func rendezvousHash(session, key string) uint32 {
	return murmur.String(session+`/"`+key+`"`, murmur.RendezvousSeed)
}

// rendezvousLeader is upstream's RendezvousHash.peerForKey: the session
// with the lowest score, the first one on ties. Go and TypeScript peers
// must pick the same leader, or both merge the same conflict (extra merge
// commits) or both wait for the other.
func rendezvousLeader(sessions []string, key string) string {
	best, bestH := "", uint32(0)
	for i, s := range sessions {
		if h := rendezvousHash(s, key); i == 0 || h < bestH {
			best, bestH = s, h
		}
	}
	return best
}

// mergeTurnMS is when, counted from now, this peer's turn comes to merge
// leaves nobody leads: the sessions of the leaves go first, in rendezvous
// order, staggerMS apart; then peers whose session wrote none of them, each
// at a point of the next stagger step that its score picks, so that they
// rarely coincide either.
func mergeTurnMS(session string, leaves []*entry, key string) int64 {
	mine := rendezvousHash(session, key)
	seen := map[string]bool{}
	rank, outsider := 0, true
	for _, e := range leaves {
		s := e.commit().Session
		if seen[s] {
			continue
		}
		seen[s] = true
		if s == session {
			outsider = false
		} else if h := rendezvousHash(s, key); h < mine || (h == mine && s < session) {
			rank++
		}
	}
	if outsider {
		return int64(len(seen))*staggerMS + int64(mine%staggerMS)
	}
	return int64(rank) * staggerMS
}

// leaderOf elects the merge leader among the sessions of leaves (newest
// first) recent at now. It returns "" when no leaf is recent.
func leaderOf(leaves []*entry, key string, now int64) string {
	var sessions []string
	for _, e := range leaves {
		if d := now - e.ts; d <= leaderWindowMS && d >= -leaderWindowMS {
			sessions = append(sessions, e.commit().Session)
		}
	}
	if len(sessions) == 0 {
		return ""
	}
	return rendezvousLeader(sessions, key)
}

// highProbabilityLeafLocked is upstream's commitIsHighProbabilityLeaf: a
// commit without local children may still have children this peer has not
// received. Newer commits carry a filter of the key's commits that had
// children when they were made; if the newest few all list e, e is
// probably not a leaf even though it looks like one here, and merging it
// now would write a merge its unseen descendants make redundant. desc
// holds the key's commits, newest first.
func highProbabilityLeafLocked(e *entry, desc []*entry) bool {
	if e.children > 0 {
		return false
	}
	n := len(desc)
	graphSize := max(n, desc[n-1].commit().AC)
	// The filters' false-positive rate is 1/4, so 2·log4(N) agreeing
	// filters make a false "not a leaf" as unlikely as 1/N².
	agree := math.Log2(float64(graphSize))
	if float64(n) < agree {
		return true
	}
	// Upstream reads index ⌊agree⌋ even when it is past the end and
	// throws; stopping at the end treats the missing vote as agreement.
	for i := 0; float64(i) <= agree && i < n; i++ {
		f, err := desc[i].commit().Ancestors()
		if err != nil || !f.Has(e.ID()) {
			return true
		}
	}
	return false
}

// mergeIfNeededLocked merges the key's leaves into one commit when this
// peer is the merge leader (upstream's mergeIfNeeded). A peer that is not
// the leader waits for the leader's merge, and looks again once the
// election window has passed, in case the leader never merges.
//
// When no leaf is recent, upstream lets every peer merge at once, and each
// peer that does writes its own merge commit of the same leaves. Peers here
// take turns instead, in rendezvous order over the leaves' sessions, a
// staggerMS apart, so the first merge usually reaches the others before
// their turn comes; force marks such a turn. Nobody waits forever, and a
// TypeScript peer merging at once is merely the first.
func (r *Repo) mergeIfNeededLocked(key string, force bool) (*commit.Commit, error) {
	ks := r.keyLocked(key)
	if ks == nil || r.opts.ReadOnly || r.holdMerges {
		return nil, nil
	}
	leaves := r.leavesLocked(ks)
	if len(leaves) < 2 {
		return nil, nil
	}
	now := r.opts.Now().UnixMilli()
	leader := leaderOf(leaves, key, now)
	switch {
	case leader == r.opts.Session:
	case leader != "":
		due := now
		for _, e := range leaves {
			due = max(due, e.ts+leaderWindowMS+1)
		}
		r.deferMergeLocked(key, due, false, now)
		return nil, nil
	case force:
		leader = r.opts.Session
	default:
		leader = r.opts.Session
		if turn := mergeTurnMS(r.opts.Session, leaves, key); turn > 0 {
			r.deferMergeLocked(key, now+turn, true, now)
			return nil, nil
		}
	}
	desc := slices.Clone(ks.commits())
	sortDesc(desc)
	cands := leaves
	if now-desc[0].ts <= filterTrustMS {
		cands = nil
		for _, e := range leaves {
			// A leaf with children has only children without a value
			// (see leavesLocked): nothing the filters could vouch for.
			if e.children > 0 || highProbabilityLeafLocked(e, desc) {
				cands = append(cands, e)
			}
		}
		if len(cands) < len(leaves) {
			r.deferMergeLocked(key, desc[0].ts+filterTrustMS+1, false, now)
		}
	}
	// Leaves holding equal values need no merge with each other; upstream
	// keeps the newest of each group.
	var distinct []*entry
	var vals []*value.Item
	for _, e := range cands {
		it, err := r.itemLocked(e)
		if err != nil {
			continue
		}
		if !slices.ContainsFunc(vals, it.Equal) {
			vals = append(vals, it)
			distinct = append(distinct, e)
		}
	}
	if len(distinct) < 2 {
		return nil, nil
	}
	sortAsc(distinct)
	merged, lca, err := r.mergeRecordLocked(distinct)
	if err != nil || merged == nil {
		return nil, err
	}
	// Every candidate becomes a parent, equal ones too (upstream leaves
	// those out, so they stay leaves and cost a second merge later).
	sortAsc(cands)
	parents := make([]string, len(cands))
	for i, e := range cands {
		parents[i] = e.ID()
	}
	mb := ""
	if lca != nil {
		mb = lca.ID()
	}
	return r.writeCommitLocked(key, ks, merged, parents, mb, leader)
}

// sortAsc orders commits oldest first: by ts, then id (upstream's
// compareCommitsAsc), the order in which merge changes apply.
func sortAsc(es []*entry) {
	slices.SortFunc(es, func(a, b *entry) int {
		if c := cmp.Compare(a.ts, b.ts); c != 0 {
			return c
		}
		return cmp.Compare(a.ID(), b.ID())
	})
}

// mergeRecordLocked computes the merged value of commits (oldest first)
// and the merge base it used (upstream's createMergeRecord): every side is
// diffed against the base and the changes are applied oldest first, so
// scalars end last-writer-wins by commit time, sets as unions and maps key
// by key, identically on every peer that merges the same commits.
func (r *Repo) mergeRecordLocked(commits []*entry) (*value.Item, *entry, error) {
	// A connection's older leaves are superseded by its newest one.
	latest := map[string]*entry{}
	var order []string
	for _, e := range commits {
		prev, ok := latest[e.commit().ConnID]
		if !ok {
			order = append(order, e.commit().ConnID)
		}
		if !ok || prev.ts < e.ts {
			latest[e.commit().ConnID] = e
		}
	}
	var roots, rest []*entry
	for _, cid := range order {
		e := latest[cid]
		if _, err := r.itemLocked(e); err != nil {
			continue
		}
		if len(e.commit().Parents) == 0 {
			roots = append(roots, e)
		} else {
			rest = append(rest, e)
		}
	}
	sortAsc(roots)
	sortAsc(rest)
	var lca *entry
	var target *schema.Schema
	switch {
	case len(roots) > 0:
		it, _ := r.itemLocked(roots[0])
		target = it.Schema
	case len(rest) == 1:
		it, _ := r.itemLocked(rest[0])
		target = it.Schema
	case len(rest) == 0:
		return nil, nil, nil
	default:
		rest, lca, target = r.mergeBaseLocked(rest)
	}
	var base *value.Item
	if lca != nil {
		lcaItem, err := r.itemLocked(lca)
		if err != nil {
			return nil, nil, err
		}
		base = lcaItem.Clone()
	} else {
		base = emptyItem(target)
	}
	base, err := r.upgradeItem(base, target)
	if err != nil {
		return nil, nil, err
	}
	changes := value.Changes{}
	for _, e := range roots {
		it, _ := r.itemLocked(e)
		concatChanges(changes, value.Diff(nil, it))
	}
	for _, e := range rest {
		it, _ := r.itemLocked(e)
		up, err := r.upgradeItem(it, target)
		if err != nil {
			r.opts.Logger.Warn("merge: leaving out a commit that cannot be upgraded", "repo", r.opts.Path, "commit", e.ID(), "err", err)
			continue
		}
		concatChanges(changes, value.Diff(base, up))
	}
	// A change that does not fit the merged schema is skipped; the rest
	// still apply.
	_ = base.Patch(changes)
	return base, lca, nil
}

// concatChanges appends src's changes after dst's, field by field.
func concatChanges(dst, src value.Changes) {
	for f, list := range src {
		dst[f] = append(dst[f], list...)
	}
}

// mergeBaseLocked folds the lowest common ancestor over commits (oldest
// first, at least two) and returns the commits that share it, the base,
// and the newest schema version among them (upstream's findMergeBase). A
// commit with no common ancestor with the others (a disconnected history)
// still becomes a parent but adds no changes, as upstream does.
func (r *Repo) mergeBaseLocked(commits []*entry) ([]*entry, *entry, *schema.Schema) {
	var base *entry
	var target *schema.Schema
	var included []*entry
	for _, e := range commits {
		it, err := r.itemLocked(e)
		if err != nil {
			continue
		}
		if base == nil {
			base, target = e, it.Schema
			included = append(included, e)
			continue
		}
		if it.Schema.NS != target.NS {
			continue
		}
		lca := r.lcaLocked(base, e)
		if lca == nil {
			continue
		}
		base = lca
		included = append(included, e)
		if it.Schema.Version > target.Version {
			target = it.Schema
		}
	}
	return included, base, target
}

// lcaLocked returns the lowest common ancestor of a and b that has a value:
// both ancestries are walked one generation per round, and at the first
// round they meet the newest commit where they meet wins. A missing
// commit ends its branch rather than failing the merge, so a peer with a
// partial graph still merges.
//
// Unlike upstream, each commit counts as its own ancestor: upstream finds
// no base when the running base of a three-way merge is the item's root
// commit, and drops the third side's edits, and it picks a base older than
// necessary when one commit descends from the other through several
// generations, which can bring back set elements a side had removed.
func (r *Repo) lcaLocked(a, b *entry) *entry {
	if a == b {
		return a
	}
	if a.Key() != b.Key() {
		return nil
	}
	seenA := map[*entry]bool{a: true}
	seenB := map[*entry]bool{b: true}
	frontA, frontB := []*entry{a}, []*entry{b}
	for {
		var meet []*entry
		for e := range seenA {
			if seenB[e] {
				meet = append(meet, e)
			}
		}
		if len(meet) > 0 {
			sortDesc(meet)
			for _, e := range meet {
				if _, err := r.itemLocked(e); err == nil {
					return e
				}
			}
		}
		frontA = r.expandLocked(frontA, seenA)
		frontB = r.expandLocked(frontB, seenB)
		if len(frontA) == 0 && len(frontB) == 0 {
			return nil
		}
	}
}

// expandLocked returns the present parents of front not seen before, and
// marks them seen.
func (r *Repo) expandLocked(front []*entry, seen map[*entry]bool) []*entry {
	var next []*entry
	for _, e := range front {
		for _, p := range e.commit().Parents {
			pe, ok := r.entryLocked(p)
			if ok && !seen[pe] {
				seen[pe] = true
				next = append(next, pe)
			}
		}
	}
	return next
}

// emptyItem is upstream's null item brought to schema s: no fields at all,
// not even defaults, so that a diff from it lists every field a side has.
func emptyItem(s *schema.Schema) *value.Item {
	return &value.Item{Schema: s, Data: schema.Data{}}
}

// upgradeItem returns it at schema target's version, or it unchanged when
// it already is (or is newer: upstream never downgrades).
func (r *Repo) upgradeItem(it *value.Item, target *schema.Schema) (*value.Item, error) {
	if it.Schema == target || it.Schema.NS != target.NS || it.Schema.Version >= target.Version {
		return it, nil
	}
	data, s, err := r.opts.Registry.Upgrade(it.Data, it.Schema, target.Version)
	if err != nil {
		return nil, err
	}
	up := &value.Item{Schema: s, Data: data}
	if err := up.Normalize(); err != nil {
		return nil, fmt.Errorf("upgrade %s to %s: %w", it.Schema.Marker(), s.Marker(), err)
	}
	return up, nil
}

// deferredMerge is a key's postponed merge: when to look again, and
// whether that look is this peer's turn to merge regardless of rank.
type deferredMerge struct {
	due   int64
	force bool
}

// deferMergeLocked arranges to look at key's leaves again at due (ms).
// The earlier of two deferrals wins.
func (r *Repo) deferMergeLocked(key string, due int64, force bool, now int64) {
	if r.deferred == nil {
		r.deferred = map[string]deferredMerge{}
	}
	if old, ok := r.deferred[key]; ok && old.due <= due {
		return
	}
	r.deferred[key] = deferredMerge{due, force}
	r.armMergeTimerLocked(now)
}

// armMergeTimerLocked schedules runDeferredMerges for the earliest deferred
// key.
func (r *Repo) armMergeTimerLocked(now int64) {
	if len(r.deferred) == 0 || r.closed {
		return
	}
	first := int64(math.MaxInt64)
	for _, d := range r.deferred {
		first = min(first, d.due)
	}
	if r.mergeStop != nil {
		if first >= r.mergeDue {
			return
		}
		r.mergeStop()
	}
	r.mergeDue = first
	r.mergeStop = r.opts.AfterFunc(time.Duration(max(first-now, 0))*time.Millisecond, r.runDeferredMerges)
}

// runDeferredMerges looks again at the keys whose time has come.
func (r *Repo) runDeferredMerges() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mergeStop = nil
	if r.closed {
		return
	}
	now := r.opts.Now().UnixMilli()
	var due []string
	for key, d := range r.deferred {
		if d.due <= now {
			due = append(due, key)
		}
	}
	slices.Sort(due) // map order must not decide the order of commits
	for _, key := range due {
		force := r.deferred[key].force
		delete(r.deferred, key)
		if _, err := r.mergeIfNeededLocked(key, force); err != nil {
			r.opts.Logger.Error("merging", "repo", r.opts.Path, "key", key, "err", err)
		}
		if ks := r.keyLocked(key); ks != nil {
			r.rebaseLocked(ks)
		}
		r.valueChanged(key)
	}
	r.armMergeTimerLocked(now)
}

// settleLocked brings key to rest after its graph changed: merge its leaves
// if this peer leads, then rebase a pending local edit onto the new head.
func (r *Repo) settleLocked(key string) error {
	_, err := r.mergeIfNeededLocked(key, false)
	if ks := r.keyLocked(key); ks != nil {
		r.rebaseLocked(ks)
	}
	return err
}

// rebaseLocked moves a pending local edit onto the key's current head when
// commits that arrived have moved the head (upstream's rebase): the changes
// from the edit's base to the new head apply first and the local changes
// last, so local values win for scalars and nothing either side did to
// sets and maps is lost.
func (r *Repo) rebaseLocked(ks *keyState) {
	if ks.pending() == nil {
		return
	}
	head := r.headLocked(ks)
	if head == nil || head == ks.pendingBase() {
		return
	}
	headItem, err := r.itemLocked(head)
	if err != nil {
		return
	}
	local, from := ks.pending(), ks.pendingBase()
	ks.setPending(local, head)
	if headItem.Equal(local) {
		return
	}
	var base *value.Item
	if b := from; b != nil {
		if bi, err := r.itemLocked(b); err == nil {
			base = bi.Clone()
		}
	}
	if base == nil {
		base = emptyItem(headItem.Schema)
	}
	if base, err = r.upgradeItem(base, headItem.Schema); err != nil {
		return
	}
	if base, err = r.upgradeItem(base, local.Schema); err != nil {
		return
	}
	changes := value.Diff(base, headItem)
	concatChanges(changes, value.Diff(base, local))
	_ = base.Patch(changes)
	ks.setPending(base, head)
	r.gen.Add(1)
}

// MergeValue returns the value a merge of the given commits (all of one
// key) has and the id of the merge base it used ("" for none), computed as
// a merge commit's value is. It lets tests and tools check a merge commit
// against its parents.
func (r *Repo) MergeValue(ids []string) (*value.Item, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var es []*entry
	for _, id := range ids {
		e, ok := r.entryLocked(id)
		if !ok {
			return nil, "", fmt.Errorf("%w: commit %s", ErrNotFound, id)
		}
		if len(es) > 0 && e.Key() != es[0].Key() {
			return nil, "", fmt.Errorf("merge of commits of different keys %q and %q", es[0].Key(), e.Key())
		}
		es = append(es, e)
	}
	sortAsc(es)
	v, lca, err := r.mergeRecordLocked(es)
	if err != nil {
		return nil, "", err
	}
	if v == nil {
		return nil, "", fmt.Errorf("%w: none of the commits has a value", ErrNoValue)
	}
	mb := ""
	if lca != nil {
		mb = lca.ID()
	}
	return v, mb, nil
}
