package cli

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

func TestTokenCreateListDelete(t *testing.T) {
	database := "sqlite:" + filepath.Join(t.TempDir(), "raci.db")
	ctx := t.Context()

	var stdout, stderr bytes.Buffer
	err := Token(ctx, []string{"create", "--database", database, "--name", "ci-acme",
		"--scope", "tenant:acme:write", "--scope", "tenant:globex:read"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, stderr.String())
	}
	secret := strings.TrimSpace(stdout.String())
	if secret == "" || strings.Contains(secret, "\n") {
		t.Fatalf("stdout = %q, want the secret alone", stdout.String())
	}
	if !strings.Contains(stderr.String(), "will not be shown again") || strings.Contains(stderr.String(), secret) {
		t.Errorf("stderr = %q: want a note that does not repeat the secret", stderr.String())
	}

	var list bytes.Buffer
	if err := Token(ctx, []string{"list", "--database", database}, &list, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list.String(), "ci-acme") || !strings.Contains(list.String(), "tenant:acme:write,tenant:globex:read") || strings.Contains(list.String(), secret) {
		t.Errorf("token list =\n%s", list.String())
	}

	// The secret works against a server on the same database, with its scopes.
	db, err := sqlite.Open(context.Background(), strings.TrimPrefix(database, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.Authenticate(ctx, secret)
	if err != nil || tok.Name != "ci-acme" || !tok.Can("acme", raci.AccessWrite) || tok.Can("globex", raci.AccessWrite) {
		t.Errorf("Authenticate = %+v, %v", tok, err)
	}
	srv := httptest.NewServer(server.New(db, server.Options{}))
	defer srv.Close()
	if status, _ := get(t, srv.URL+"/v1/tenants", secret); status != 200 {
		t.Errorf("/v1/tenants with the created token = %d", status)
	}
	srv.Close()
	db.Close()

	err = Token(ctx, []string{"create", "--database", database, "--name", "ci-acme", "--scope", "admin"}, io.Discard, io.Discard)
	if raci.ErrorCode(err) != raci.ECONFLICT {
		t.Errorf("creating ci-acme twice: %v, want ECONFLICT", err)
	}
	if err := Token(ctx, []string{"delete", "--database", database, "--name", "ci-acme"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err = Token(ctx, []string{"delete", "--database", database, "--name", "ci-acme"}, io.Discard, io.Discard)
	if raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("deleting ci-acme twice: %v, want ENOTFOUND", err)
	}
}

func TestTokenRejectsBadArguments(t *testing.T) {
	dir := t.TempDir()
	database := "sqlite:" + filepath.Join(dir, "raci.db")
	tests := []struct {
		args []string
		want string
	}{
		{nil, "create, list or delete"},
		{[]string{"rotate"}, "unknown subcommand"},
		{[]string{"create", "--database", database, "--scope", "admin"}, "--name is required"},
		{[]string{"create", "--database", database, "--name", "ci"}, "--scope is required"},
		{[]string{"create", "--database", database, "--name", "ci", "--scope", "tenant:acme:own"}, "is not valid"},
		{[]string{"create", "--database", database, "--name", "Bad Name", "--scope", "admin"}, "Bad Name"},
		{[]string{"create", "--database", "mysql://db/raci", "--name", "ci", "--scope", "admin"}, "sqlite:PATH"},
		{[]string{"create", "--database", database, "--name", "ci", "--scope", "admin", "extra"}, "unexpected argument"},
		{[]string{"delete", "--database", database}, "--name is required"},
	}
	for _, tt := range tests {
		err := Token(t.Context(), tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Token(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
		}
	}
	// A rejected token is refused before the database is touched.
	if matches, _ := filepath.Glob(filepath.Join(dir, "*")); len(matches) != 0 {
		t.Errorf("a rejected command created %v", matches)
	}
	if err := Token(t.Context(), []string{"create", "--help"}, io.Discard, io.Discard); err != nil {
		t.Errorf("token create --help = %v, want nil", err)
	}
}
