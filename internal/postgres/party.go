package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

const partyColumns = `tenant, name, display_name, kind, contacts, version, created_at, updated_at`

const (
	qFindParty     = `SELECT ` + partyColumns + ` FROM parties WHERE tenant = $1 AND name = $2`
	qListParties   = `SELECT ` + partyColumns + ` FROM parties WHERE tenant = $1 AND name > $2 ORDER BY name LIMIT $3`
	qPartyNames    = `SELECT name FROM parties WHERE tenant = $1`
	qInsertParty   = `INSERT INTO parties (` + partyColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	qUpdateParty   = `UPDATE parties SET display_name = $1, kind = $2, contacts = $3, version = $4, updated_at = $5 WHERE tenant = $6 AND name = $7`
	qDeleteParty   = `DELETE FROM parties WHERE tenant = $1 AND name = $2`
	qRowsAssigning = `SELECT DISTINCT responsibility FROM assignments WHERE tenant = $1 AND party = $2 ORDER BY responsibility`
)

// ListParties returns up to limit parties of the tenant whose names sort after
// after; a negative limit returns them all.
func (q conn) ListParties(ctx context.Context, tenant, after string, limit int) ([]*raci.Party, error) {
	parties, err := store.Collect(ctx, q, scanParty, qListParties, tenant, after, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("list parties of tenant %q: %w", tenant, err)
	}
	return parties, nil
}

// FindParty returns the party, or nil without an error when it does not exist.
func (q conn) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	p, err := scanParty(q.QueryRow(ctx, qFindParty, tenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find party %q: %w", tenant+"/"+name, err)
	}
	return p, nil
}

// PartyNames returns the names of the tenant's parties.
func (q conn) PartyNames(ctx context.Context, tenant string) ([]string, error) {
	names, err := store.Collect(ctx, q, store.ScanValue[string], qPartyNames, tenant)
	if err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	return names, nil
}

// RowsAssigning returns the keys of the rows that assign the party, in order.
func (q conn) RowsAssigning(ctx context.Context, tenant, party string) ([]string, error) {
	keys, err := store.Collect(ctx, q, store.ScanValue[string], qRowsAssigning, tenant, party)
	if err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	return keys, nil
}

// WriteParty inserts or updates the party as it is given.
func (q conn) WriteParty(ctx context.Context, p *raci.Party, isNew bool) error {
	contacts, err := json.Marshal(p.Contacts)
	if err != nil {
		return fmt.Errorf("encode contacts: %w", err)
	}
	if isNew {
		_, err = q.Exec(ctx, qInsertParty, p.Tenant, p.Name, p.DisplayName, string(p.Kind), contacts,
			p.Version, p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
	} else {
		_, err = q.Exec(ctx, qUpdateParty, p.DisplayName, string(p.Kind), contacts,
			p.Version, p.UpdatedAt.UnixNano(), p.Tenant, p.Name)
	}
	return err
}

// DeleteParty deletes the party.
func (q conn) DeleteParty(ctx context.Context, tenant, name string) error {
	_, err := q.Exec(ctx, qDeleteParty, tenant, name)
	return err
}

func scanParty(s store.Scanner) (*raci.Party, error) {
	var (
		p                raci.Party
		kind             string
		contacts         []byte
		created, updated int64
	)
	if err := s.Scan(&p.Tenant, &p.Name, &p.DisplayName, &kind, &contacts, &p.Version, &created, &updated); err != nil {
		return nil, err
	}
	p.Kind = raci.PartyKind(kind)
	p.CreatedAt, p.UpdatedAt = fromNanos(created), fromNanos(updated)
	if err := json.Unmarshal(contacts, &p.Contacts); err != nil {
		return nil, fmt.Errorf("party %q: decode contacts: %w", p.Tenant+"/"+p.Name, err)
	}
	p.Normalize()
	return &p, nil
}
