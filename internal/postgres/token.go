package postgres

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.TokenService = (*DB)(nil)

const (
	// ON CONFLICT makes "exists already" and "insert" one atomic statement, so two
	// servers creating the same name at once give one token and one ECONFLICT.
	qInsertToken = `INSERT INTO tokens (name, secret_sha256, scopes, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO NOTHING`
	qListTokens        = `SELECT name, scopes, created_at FROM tokens ORDER BY name`
	qDeleteToken       = `DELETE FROM tokens WHERE name = $1`
	qFindTokenBySecret = `SELECT name, scopes, created_at, secret_sha256 FROM tokens WHERE secret_sha256 = $1`
	qCountTokens       = `SELECT count(*) FROM tokens`
)

// CreateToken stores a new token with a fresh random secret, of which only the hash
// is kept, and returns the secret: the one time it is shown.
func (db *DB) CreateToken(ctx context.Context, in *raci.Token) (*raci.Token, string, error) {
	tok, secret, hash, err := store.NewToken(in, db.Now())
	if err != nil {
		return nil, "", err
	}
	scopes, err := json.Marshal(tok.Scopes)
	if err != nil {
		return nil, "", fmt.Errorf("encode scopes of token %q: %w", tok.Name, err)
	}
	tag, err := db.pool.Exec(ctx, qInsertToken, tok.Name, hash, scopes, tok.CreatedAt.UnixNano())
	if err != nil {
		// The error names the token, never the secret or its hash.
		return nil, "", fmt.Errorf("create token %q: %w", tok.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, "", store.TokenTaken(tok.Name)
	}
	return tok, secret, nil
}

// ListTokens returns every token ordered by name, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]*raci.Token, error) {
	tokens, err := store.Collect(ctx, db.conn(), scanToken, qListTokens)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return tokens, nil
}

// DeleteToken revokes the token: its secret stops working at once, on every server,
// and the web sessions signed in with it end in the same transaction.
func (db *DB) DeleteToken(ctx context.Context, name string) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, qDeleteToken, name)
		if err != nil {
			return fmt.Errorf("delete token %q: %w", name, err)
		}
		if tag.RowsAffected() == 0 {
			return store.TokenNotFound(name)
		}
		if _, err := tx.Exec(ctx, qDeleteTokenSessions, name); err != nil {
			return fmt.Errorf("end the sessions of token %q: %w", name, err)
		}
		return nil
	})
}

// Authenticate returns the token whose secret this is. Every way of failing gets the
// same EUNAUTHORIZED error, so that a caller learns nothing about which tokens exist.
func (db *DB) Authenticate(ctx context.Context, secret string) (*raci.Token, error) {
	hash := raci.HashTokenSecret(secret)
	var (
		t       raci.Token
		scopes  []byte
		created int64
		stored  string // the hash the index found
	)
	err := db.pool.QueryRow(ctx, qFindTokenBySecret, hash).Scan(&t.Name, &scopes, &created, &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, raci.Errorf(raci.EUNAUTHORIZED, raci.TokenInvalidMessage)
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	// The index found the row by its hash; comparing the hashes again in constant
	// time keeps the decision itself free of timing differences.
	if subtle.ConstantTimeCompare([]byte(stored), []byte(hash)) != 1 {
		return nil, raci.Errorf(raci.EUNAUTHORIZED, raci.TokenInvalidMessage)
	}
	return decodeToken(t, scopes, created)
}

// CountTokens returns how many tokens exist.
func (db *DB) CountTokens(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, qCountTokens).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}

func scanToken(s store.Scanner) (*raci.Token, error) {
	var (
		t       raci.Token
		scopes  []byte
		created int64
	)
	if err := s.Scan(&t.Name, &scopes, &created); err != nil {
		return nil, err
	}
	return decodeToken(t, scopes, created)
}

// decodeToken completes t from its scopes and creation time as stored.
func decodeToken(t raci.Token, scopes []byte, created int64) (*raci.Token, error) {
	t.CreatedAt = fromNanos(created)
	return store.DecodeToken(t, scopes)
}
