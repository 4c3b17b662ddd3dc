package repo

// PendingEdits counts keys whose latest edit is still waiting for the
// commit delay: visible to readers, not yet a commit.
func (r *Repo) PendingEdits() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.dirty)
}
