package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "raci.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// TestTokenSecretIsKeptOnlyAsItsHash looks into the file: the secret is nowhere in
// it, only its SHA-256.
func TestTokenSecretIsKeptOnlyAsItsHash(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	_, secret, err := db.CreateToken(ctx, &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}})
	if err != nil {
		t.Fatal(err)
	}

	// "raci_" and 32 random bytes in unpadded base64url.
	if !regexp.MustCompile(`^raci_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Fatalf("secret %q is not \"raci_\" and 43 base64url characters", secret)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, "raci_")); err != nil || len(raw) != 32 {
		t.Errorf("secret carries %d random bytes (%v), want 32", len(raw), err)
	}

	var hash, scopes string
	if err := db.read.QueryRowContext(ctx, `SELECT secret_sha256, scopes FROM tokens WHERE name = 'ci'`).Scan(&hash, &scopes); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(secret))
	if hash != hex.EncodeToString(sum[:]) {
		t.Errorf("stored hash %q is not the SHA-256 of the secret in hex", hash)
	}
	if strings.Contains(scopes, secret) {
		t.Errorf("the scopes column holds the secret")
	}

	// Nor is it in any file of the database, the write-ahead log included.
	files, err := filepath.Glob(path + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("database files: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(secret)) || bytes.Contains(data, []byte(strings.TrimPrefix(secret, "raci_"))) {
			t.Errorf("%s holds the secret", filepath.Base(f))
		}
	}
}

func TestTokenSecretsDiffer(t *testing.T) {
	db, _ := openTemp(t)
	seen := map[string]bool{}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		_, secret, err := db.CreateToken(context.Background(), &raci.Token{Name: name, Scopes: []raci.Scope{raci.AdminScope}})
		if err != nil {
			t.Fatal(err)
		}
		if seen[secret] {
			t.Fatalf("secret %q given twice", secret)
		}
		seen[secret] = true
	}
}

// TestAuthenticateSaysTheSameWhateverIsWrong: a caller cannot tell a revoked token
// from a made-up one, and the message says what to check.
func TestAuthenticateSaysTheSameWhateverIsWrong(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	_, secret, err := db.CreateToken(ctx, &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteToken(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{secret, "", "raci_made-up", "not even a token"} {
		_, err := db.Authenticate(ctx, wrong)
		if raci.ErrorCode(err) != raci.EUNAUTHORIZED || raci.ErrorMessage(err) != "The token is not valid: check RACI_TOKEN." {
			t.Errorf("Authenticate(%q) = %q %q, want %s and the generic message", wrong, raci.ErrorCode(err), raci.ErrorMessage(err), raci.EUNAUTHORIZED)
		}
	}
}

func TestCreateTokenDoesNotChangeCallersToken(t *testing.T) {
	db, _ := openTemp(t)
	in := &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}}
	stored, _, err := db.CreateToken(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	stored.Scopes[0] = "tenant:acme:read"
	if in.Scopes[0] != raci.AdminScope || !in.CreatedAt.IsZero() {
		t.Errorf("CreateToken shares or changes the caller's token: %+v", in)
	}
}
