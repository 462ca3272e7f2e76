package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.SessionService = (*DB)(nil)

const (
	sessionColumns = `s.id, s.token_name, s.scopes, s.created_at, s.expires_at, s.flash, s.person`
	// liveSession holds for a session that has not expired (the first parameter is
	// now) and whose token still exists (the second is the bootstrap credential's
	// name, which has no row): a token deleted while a session was being created
	// leaves a row that is never found.
	liveSession = `s.expires_at > ? AND (s.person <> '' OR s.token_name = ? OR EXISTS (SELECT 1 FROM tokens t WHERE t.name = s.token_name))`

	qDeleteExpiredSessions = `DELETE FROM sessions WHERE expires_at <= ?`
	qDeleteSessionBySecret = `DELETE FROM sessions WHERE secret_sha256 = ?`
	qInsertSession         = `INSERT INTO sessions (id, secret_sha256, token_name, scopes, created_at, expires_at)
		SELECT ?, ?, ?, ?, ?, ? WHERE ? = ? OR EXISTS (SELECT 1 FROM tokens WHERE name = ?)`
	qInsertPersonSession = `INSERT INTO sessions (id, secret_sha256, token_name, scopes, created_at, expires_at, person)
		VALUES (?, ?, '', '[]', ?, ?, ?)`
	qFindSession         = `SELECT ` + sessionColumns + ` FROM sessions s WHERE s.secret_sha256 = ? AND ` + liveSession
	qListSessions        = `SELECT ` + sessionColumns + ` FROM sessions s WHERE ` + liveSession + ` ORDER BY s.created_at, s.id`
	qDeleteSession       = `DELETE FROM sessions WHERE id = ?`
	qDeleteTokenSessions = `DELETE FROM sessions WHERE token_name = ?`
	qSetSessionFlash     = `UPDATE sessions SET flash = ? WHERE id = ?`
	qSessionFlash        = `SELECT flash FROM sessions WHERE id = ?`
)

// CreateSession starts a session of tok, ending the one whose secret replaces is and
// every expired one in the same transaction.
func (db *DB) CreateSession(ctx context.Context, tok *raci.Token, ttl time.Duration, replaces string) (*raci.Session, string, error) {
	now := db.Now()
	s, secret, hash, scopes, err := store.NewSession(tok, ttl, now)
	if err != nil {
		return nil, "", err
	}
	err = db.update(ctx, func(tx *tx) error {
		if err := tx.exec(ctx, qDeleteExpiredSessions, now.UnixNano()); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		if replaces != "" {
			if err := tx.exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(replaces)); err != nil {
				return fmt.Errorf("end the replaced session: %w", err)
			}
		}
		res, err := tx.tx.ExecContext(ctx, qInsertSession, s.ID, hash, s.Token, string(scopes),
			s.CreatedAt.UnixNano(), s.ExpiresAt.UnixNano(), s.Token, raci.BootstrapTokenName, s.Token)
		if err != nil {
			return fmt.Errorf("create a session of token %q: %w", s.Token, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
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
	err = db.update(ctx, func(tx *tx) error {
		if err := tx.exec(ctx, qDeleteExpiredSessions, now.UnixNano()); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		if replaces != "" {
			if err := tx.exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(replaces)); err != nil {
				return fmt.Errorf("end the replaced session: %w", err)
			}
		}
		if err := tx.exec(ctx, qInsertPersonSession, s.ID, hash, s.CreatedAt.UnixNano(), s.ExpiresAt.UnixNano(), string(person)); err != nil {
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
	hash := raci.HashSessionSecret(secret)
	var s *raci.Session
	err := db.view(ctx, func(tx *tx) error {
		var err error
		s, err = scanSession(tx.queryRow(ctx, qFindSession, hash, db.Now().UnixNano(), raci.BootstrapTokenName))
		if errors.Is(err, sql.ErrNoRows) {
			s = nil
			return nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if s == nil {
		return nil, store.SessionInvalid()
	}
	return s, nil
}

// EndSession ends the session whose secret this is.
func (db *DB) EndSession(ctx context.Context, secret string) error {
	return db.update(ctx, func(tx *tx) error {
		if err := tx.exec(ctx, qDeleteSessionBySecret, raci.HashSessionSecret(secret)); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return nil
	})
}

// ListSessions returns the live sessions, oldest first.
func (db *DB) ListSessions(ctx context.Context) ([]*raci.Session, error) {
	var sessions []*raci.Session
	err := db.view(ctx, func(tx *tx) error {
		var err error
		sessions, err = store.Collect(ctx, tx, scanSession, qListSessions, db.Now().UnixNano(), raci.BootstrapTokenName)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return sessions, nil
}

// DeleteSession ends the session with this ID.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.update(ctx, func(tx *tx) error {
		res, err := tx.tx.ExecContext(ctx, qDeleteSession, id)
		if err != nil {
			return fmt.Errorf("delete session %q: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return raci.SessionNotFound(id)
		}
		return nil
	})
}

// SetSessionFlash keeps msg for the session's next page.
func (db *DB) SetSessionFlash(ctx context.Context, id, msg string) error {
	return db.update(ctx, func(tx *tx) error {
		if err := tx.exec(ctx, qSetSessionFlash, msg, id); err != nil {
			return fmt.Errorf("set the message of session %q: %w", id, err)
		}
		return nil
	})
}

// TakeSessionFlash returns the session's message and forgets it.
func (db *DB) TakeSessionFlash(ctx context.Context, id string) (string, error) {
	var msg string
	err := db.update(ctx, func(tx *tx) error {
		err := tx.queryRow(ctx, qSessionFlash, id).Scan(&msg)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && msg == "") {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the message of session %q: %w", id, err)
		}
		if err := tx.exec(ctx, qSetSessionFlash, "", id); err != nil {
			return fmt.Errorf("clear the message of session %q: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return msg, nil
}

// scanSession reads the columns of sessionColumns.
func scanSession(sc store.Scanner) (*raci.Session, error) {
	var (
		s                raci.Session
		scopes           string
		created, expires int64
	)
	var person string
	if err := sc.Scan(&s.ID, &s.Token, &scopes, &created, &expires, &s.Flash, &person); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt = fromNanos(created), fromNanos(expires)
	out, err := store.DecodeSession(s, []byte(scopes))
	if err != nil {
		return nil, err
	}
	return out, store.DecodePerson(out, []byte(person))
}
