package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

const partyColumns = `tenant, name, display_name, kind, contacts, version, created_at, updated_at`

const (
	qFindParty     = `SELECT ` + partyColumns + ` FROM parties WHERE tenant = ? AND name = ?`
	qListParties   = `SELECT ` + partyColumns + ` FROM parties WHERE tenant = ? AND name > ? ORDER BY name LIMIT ?`
	qPartyNames    = `SELECT name FROM parties WHERE tenant = ?`
	qInsertParty   = `INSERT INTO parties (` + partyColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateParty   = `UPDATE parties SET display_name = ?, kind = ?, contacts = ?, version = ?, updated_at = ? WHERE tenant = ? AND name = ?`
	qDeleteParty   = `DELETE FROM parties WHERE tenant = ? AND name = ?`
	qRowsAssigning = `SELECT DISTINCT responsibility FROM assignments WHERE tenant = ? AND party = ? ORDER BY responsibility`
)

// ListParties returns up to limit parties of the tenant whose names sort after
// after; a negative limit returns them all.
func (t *tx) ListParties(ctx context.Context, tenant, after string, limit int) ([]*raci.Party, error) {
	parties, err := store.Collect(ctx, t, scanParty, qListParties, tenant, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list parties of tenant %q: %w", tenant, err)
	}
	return parties, nil
}

// FindParty returns the party, or nil without an error when it does not exist.
func (t *tx) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	p, err := scanParty(t.queryRow(ctx, qFindParty, tenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find party %q: %w", tenant+"/"+name, err)
	}
	return p, nil
}

// PartyNames returns the names of the tenant's parties.
func (t *tx) PartyNames(ctx context.Context, tenant string) ([]string, error) {
	names, err := store.Collect(ctx, t, store.ScanValue[string], qPartyNames, tenant)
	if err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	return names, nil
}

// RowsAssigning returns the keys of the rows that assign the party, in order.
func (t *tx) RowsAssigning(ctx context.Context, tenant, party string) ([]string, error) {
	keys, err := store.Collect(ctx, t, store.ScanValue[string], qRowsAssigning, tenant, party)
	if err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	return keys, nil
}

// WriteParty inserts or updates the party as it is given.
func (t *tx) WriteParty(ctx context.Context, p *raci.Party, isNew bool) error {
	contacts, err := json.Marshal(p.Contacts)
	if err != nil {
		return fmt.Errorf("encode contacts: %w", err)
	}
	if isNew {
		return t.exec(ctx, qInsertParty, p.Tenant, p.Name, p.DisplayName, string(p.Kind), string(contacts),
			p.Version, p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
	}
	return t.exec(ctx, qUpdateParty, p.DisplayName, string(p.Kind), string(contacts),
		p.Version, p.UpdatedAt.UnixNano(), p.Tenant, p.Name)
}

// DeleteParty deletes the party.
func (t *tx) DeleteParty(ctx context.Context, tenant, name string) error {
	return t.exec(ctx, qDeleteParty, tenant, name)
}

func scanParty(s store.Scanner) (*raci.Party, error) {
	var (
		p                raci.Party
		kind, contacts   string
		created, updated int64
	)
	if err := s.Scan(&p.Tenant, &p.Name, &p.DisplayName, &kind, &contacts, &p.Version, &created, &updated); err != nil {
		return nil, err
	}
	p.Kind = raci.PartyKind(kind)
	p.CreatedAt, p.UpdatedAt = fromNanos(created), fromNanos(updated)
	if err := json.Unmarshal([]byte(contacts), &p.Contacts); err != nil {
		return nil, fmt.Errorf("party %q: decode contacts: %w", p.Tenant+"/"+p.Name, err)
	}
	p.Normalize()
	return &p, nil
}
