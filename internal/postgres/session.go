package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.SessionService = (*DB)(nil)

const (
	sessionColumns = `s.id, s.token_name, s.scopes, s.created_at, s.expires_at, s.flash, s.person`
	// liveSession holds for a session that has not expired ($2 is now) and whose
	// token still exists ($3 is the bootstrap credential's name, which has no row):
	// a token deleted while a session was being created leaves a row that is never
	// found.
	liveSession = `s.expires_at > $2 AND (s.person <> '' OR s.token_name = $3 OR EXISTS (SELECT 1 FROM tokens t WHERE t.name = s.token_name))`

	qDeleteExpiredSessions = `DELETE FROM sessions WHERE expires_at <= $1`
	qDeleteSessionBySecret = `DELETE FROM sessions WHERE secret_sha256 = $1`
	qInsertSession         = `INSERT INTO sessions (id, secret_sha256, token_name, scopes, created_at, expires_at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE $3 = $7 OR EXISTS (SELECT 1 FROM tokens WHERE name = $3)`
	qInsertPersonSession = `INSERT INTO sessions (id, secret_sha256, token_name, scopes, created_at, expires_at, person)
		VALUES ($1, $2, '', '[]'::jsonb, $3, $4, $5)`
	qFindSession         = `SELECT ` + sessionColumns + ` FROM sessions s WHERE s.secret_sha256 = $1 AND ` + liveSession
	qListSessions        = `SELECT ` + sessionColumns + ` FROM sessions s WHERE $1::int = 0 AND ` + liveSession + ` ORDER BY s.created_at, s.id`
	qDeleteSession       = `DELETE FROM sessions WHERE id = $1`
	qDeleteTokenSessions = `DELETE FROM sessions WHERE token_name = $1`
	qSetSessionFlash     = `UPDATE sessions SET flash = $2 WHERE id = $1`
	// The subquery reads the message before the update clears it: RETURNING would
	// give the new value.
	qTakeSessionFlash = `UPDATE sessions s SET flash = '' FROM (SELECT id, flash FROM sessions WHERE id = $1 FOR UPDATE) old
		WHERE s.id = old.id AND old.flash <> '' RETURNING old.flash`
)

// CreateSession starts a session of tok, ending the one whose secret replaces is and
// every expired one in the same transaction.
func (db *DB) CreateSession(ctx context.Context, tok *raci.Token, ttl time.Duration, replaces string) (*raci.Session, string, error) {
	now := db.Now()
	s, secret, hash, scopes, err := store.NewSession(tok, ttl, now)
	if err != nil {
		return nil, "", err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, qDeleteExpiredSessions, now.UnixNano()); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		if replaces != "" {
			if _, err := tx.Exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(replaces)); err != nil {
				return fmt.Errorf("end the replaced session: %w", err)
			}
		}
		tag, err := tx.Exec(ctx, qInsertSession, s.ID, hash, s.Token, scopes,
			s.CreatedAt.UnixNano(), s.ExpiresAt.UnixNano(), raci.BootstrapTokenName)
		if err != nil {
			return fmt.Errorf("create a session of token %q: %w", s.Token, err)
		}
		if tag.RowsAffected() != 1 {
			// The token was revoked since it was checked.
			return raci.Errorf(raci.EUNAUTHORIZED, raci.TokenInvalidMessage)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return s, secret, nil
}

// CreatePersonSession starts a session of a person, ending the one whose secret
// replaces is and every expired one in the same transaction.
func (db *DB) CreatePersonSession(ctx context.Context, p raci.Person, ttl time.Duration, replaces string) (*raci.Session, string, error) {
	now := db.Now()
	s, secret, hash, person, err := store.NewPersonSession(p, ttl, now)
	if err != nil {
		return nil, "", err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, qDeleteExpiredSessions, now.UnixNano()); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		if replaces != "" {
			if _, err := tx.Exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(replaces)); err != nil {
				return fmt.Errorf("end the replaced session: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, qInsertPersonSession, s.ID, hash, s.CreatedAt.UnixNano(), s.ExpiresAt.UnixNano(), string(person)); err != nil {
			return fmt.Errorf("create a session of a person: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return s, secret, nil
}

// FindSession returns the live session whose secret this is.
func (db *DB) FindSession(ctx context.Context, secret string) (*raci.Session, error) {
	if secret == "" {
		return nil, store.SessionInvalid()
	}
	s, err := scanSession(db.pool.QueryRow(ctx, qFindSession, raci.HashSessionSecret(secret), db.Now().UnixNano(), raci.BootstrapTokenName))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.SessionInvalid()
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return s, nil
}

// EndSession ends the session whose secret this is.
func (db *DB) EndSession(ctx context.Context, secret string) error {
	if _, err := db.pool.Exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(secret)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// ListSessions returns the live sessions, oldest first.
func (db *DB) ListSessions(ctx context.Context) ([]*raci.Session, error) {
	sessions, err := store.Collect(ctx, db.conn(), scanSession, qListSessions, 0, db.Now().UnixNano(), raci.BootstrapTokenName)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return sessions, nil
}

// DeleteSession ends the session with this ID.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, qDeleteSession, id)
	if err != nil {
		return fmt.Errorf("delete session %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return raci.SessionNotFound(id)
	}
	return nil
}

// SetSessionFlash keeps msg for the session's next page.
func (db *DB) SetSessionFlash(ctx context.Context, id, msg string) error {
	if _, err := db.pool.Exec(ctx, qSetSessionFlash, id, msg); err != nil {
		return fmt.Errorf("set the message of session %q: %w", id, err)
	}
	return nil
}

// TakeSessionFlash returns the session's message and forgets it.
func (db *DB) TakeSessionFlash(ctx context.Context, id string) (string, error) {
	var msg string
	err := db.pool.QueryRow(ctx, qTakeSessionFlash, id).Scan(&msg)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("take the message of session %q: %w", id, err)
	}
	return msg, nil
}

// scanSession reads the columns of sessionColumns.
func scanSession(sc store.Scanner) (*raci.Session, error) {
	var (
		s                raci.Session
		scopes           []byte
		created, expires int64
	)
	var person string
	if err := sc.Scan(&s.ID, &s.Token, &scopes, &created, &expires, &s.Flash, &person); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt = fromNanos(created), fromNanos(expires)
	out, err := store.DecodeSession(s, scopes)
	if err != nil {
		return nil, err
	}
	return out, store.DecodePerson(out, []byte(person))
}
