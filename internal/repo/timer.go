package repo

import "time"

// timeAfterFunc is a seam for tests that need to run pending commits
// deterministically.
var timeAfterFunc = func(d time.Duration, f func()) *time.Timer { return time.AfterFunc(d, f) }
