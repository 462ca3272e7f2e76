package sqlite

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.TokenService = (*DB)(nil)

const (
	qInsertToken       = `INSERT INTO tokens (name, secret_sha256, scopes, created_at) VALUES (?, ?, ?, ?)`
	qTokenExists       = `SELECT 1 FROM tokens WHERE name = ?`
	qListTokens        = `SELECT name, scopes, created_at FROM tokens ORDER BY name`
	qDeleteToken       = `DELETE FROM tokens WHERE name = ?`
	qFindTokenBySecret = `SELECT name, scopes, created_at, secret_sha256 FROM tokens WHERE secret_sha256 = ?`
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
	err = db.update(ctx, func(tx *tx) error {
		ok, err := tokenExists(ctx, tx, tok.Name)
		if err != nil {
			return err
		}
		if ok {
			return store.TokenTaken(tok.Name)
		}
		if err := tx.exec(ctx, qInsertToken, tok.Name, hash, string(scopes), tok.CreatedAt.UnixNano()); err != nil {
			// The error names the token, never the secret or its hash.
			return fmt.Errorf("create token %q: %w", tok.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

// ListTokens returns every token ordered by name, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]*raci.Token, error) {
	var tokens []*raci.Token
	err := db.view(ctx, func(tx *tx) error {
		var err error
		tokens, err = store.Collect(ctx, tx, scanToken, qListTokens)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return tokens, nil
}

// DeleteToken revokes the token: its secret stops working at once, and the web
// sessions signed in with it end in the same transaction.
func (db *DB) DeleteToken(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *tx) error {
		ok, err := tokenExists(ctx, tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return store.TokenNotFound(name)
		}
		if err := tx.exec(ctx, qDeleteToken, name); err != nil {
			return fmt.Errorf("delete token %q: %w", name, err)
		}
		if err := tx.exec(ctx, qDeleteTokenSessions, name); err != nil {
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
		tok    *raci.Token
		stored string // the hash the index found
	)
	err := db.view(ctx, func(tx *tx) error {
		var (
			t       raci.Token
			scopes  string
			created int64
		)
		err := tx.queryRow(ctx, qFindTokenBySecret, hash).Scan(&t.Name, &scopes, &created, &stored)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("authenticate: %w", err)
		}
		tok, err = decodeToken(t, scopes, created)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The index found the row by its hash; comparing the hashes again in constant
	// time keeps the decision itself free of timing differences.
	if tok == nil || subtle.ConstantTimeCompare([]byte(stored), []byte(hash)) != 1 {
		return nil, raci.Errorf(raci.EUNAUTHORIZED, raci.TokenInvalidMessage)
	}
	return tok, nil
}

// CountTokens returns how many tokens exist.
func (db *DB) CountTokens(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, func(tx *tx) error {
		if err := tx.queryRow(ctx, qCountTokens).Scan(&n); err != nil {
			return fmt.Errorf("count tokens: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func tokenExists(ctx context.Context, tx *tx, name string) (bool, error) {
	var one int
	err := tx.queryRow(ctx, qTokenExists, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find token %q: %w", name, err)
	}
	return true, nil
}

func scanToken(s store.Scanner) (*raci.Token, error) {
	var (
		t       raci.Token
		scopes  string
		created int64
	)
	if err := s.Scan(&t.Name, &scopes, &created); err != nil {
		return nil, err
	}
	return decodeToken(t, scopes, created)
}

// decodeToken completes t from its scopes and creation time as stored.
func decodeToken(t raci.Token, scopes string, created int64) (*raci.Token, error) {
	t.CreatedAt = fromNanos(created)
	return store.DecodeToken(t, []byte(scopes))
}
