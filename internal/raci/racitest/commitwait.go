package racitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// CommitWaitStore is a store that holds its writes back after their commit.
type CommitWaitStore interface {
	raci.Service
	raci.CommitWaiter
}

// RunCommitWait checks a store's commit wait the way two replicas rely on it.
// reader is the API server over one store: it answers reads from a revision for the
// commit wait after that revision's query was sent. writer is another store on the
// same database, whose writes the reader never hears of. Both must have the same
// commit wait, long enough that a write returns well within it were it not for the
// wait. Every write the writer acknowledges must show in the reader's next answer,
// though the reader sent its last revision query just before the write.
func RunCommitWait(t *testing.T, writer CommitWaitStore, reader http.Handler, token string) {
	wait := writer.CommitWait()
	setupTenant(t, writer, "acme", raci.RACI)
	mustPutRow(t, writer, standardRow("acme", "backups"))

	title := func() string {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/v1/tenants/acme/responsibilities/backups", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		reader.ServeHTTP(rec, req)
		var got raci.Responsibility
		if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != http.StatusOK || err != nil {
			t.Fatalf("GET on the reader: %d %s", rec.Code, rec.Body)
		}
		return got.Title
	}
	for i := range 3 {
		before := title()
		r := standardRow("acme", "backups")
		r.Title = fmt.Sprintf("Backups, take %d", i)
		began := time.Now()
		mustPutRow(t, writer, r)
		if took := time.Since(began); took < wait {
			t.Fatalf("a write returned %s after it began, before the commit wait of %s", took, wait)
		}
		if got := title(); got != r.Title {
			t.Errorf("take %d: the reader answered %q after the writer acknowledged %q (it had answered %q)", i, got, r.Title, before)
		}
	}
}
