package sqlite

import "time"

// SetCommitWait changes how long the store's writes wait after their commit, and so
// how long its revisions may be used; set it before the first write.
func (db *DB) SetCommitWait(d time.Duration) { db.commitWait = d }
