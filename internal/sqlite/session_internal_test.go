package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The sessions table holds a hash of each secret, never the secret; and creating a
// session deletes the rows of expired ones.
func TestSessionRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tok, _, err := db.CreateToken(ctx, &raci.Token{Name: "alice", Scopes: []raci.Scope{raci.AdminScope}})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	_, secret, err := db.CreateSession(ctx, tok, time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	rows := func() []string {
		t.Helper()
		r, err := db.read.QueryContext(ctx, `SELECT id || ' ' || secret_sha256 || ' ' || token_name || ' ' || scopes || ' ' || flash FROM sessions`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []string
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	got := rows()
	if len(got) != 1 || strings.Contains(got[0], secret) || !strings.Contains(got[0], raci.HashSessionSecret(secret)) {
		t.Fatalf("sessions rows = %q, want one holding the secret's hash and never the secret %q", got, secret)
	}

	clock = clock.Add(2 * time.Hour)
	if _, _, err := db.CreateSession(ctx, tok, time.Hour, ""); err != nil {
		t.Fatal(err)
	}
	if got := rows(); len(got) != 1 || strings.Contains(got[0], raci.HashSessionSecret(secret)) {
		t.Errorf("sessions rows after the first expired = %q, want only the new one", got)
	}
}
