package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
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

// FindParty returns the party, or ENOTFOUND when the tenant or the party does not
// exist.
func (db *DB) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	var p *raci.Party
	err := db.view(ctx, func(tx *tx) error {
		var err error
		p, err = findParty(ctx, tx, tenant, name)
		if err != nil || p != nil {
			return err
		}
		return partyMissing(ctx, tx, tenant, name)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ListParties returns a page of the tenant's parties ordered by name.
func (db *DB) ListParties(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	limit := opts.PageLimit()
	page := &raci.Page[*raci.Party]{Items: []*raci.Party{}}
	err := db.view(ctx, func(tx *tx) error {
		ok, err := tenantExists(ctx, tx, tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(tenant)
		}
		// One more than the page holds tells whether another page follows.
		page.Items, err = listParties(ctx, tx, tenant, opts.After, limit+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].Name
	}
	return page, nil
}

// PutParty creates or replaces the party.
func (db *DB) PutParty(ctx context.Context, in *raci.Party, pre raci.Precondition) (*raci.Party, bool, error) {
	p := *in
	p.Contacts = slices.Clone(in.Contacts)
	// The object's own rules need nothing stored: check them before taking the
	// write lock.
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, false, err
	}
	contacts, err := json.Marshal(p.Contacts)
	if err != nil {
		return nil, false, fmt.Errorf("encode contacts of party %q: %w", p.Name, err)
	}
	what := fmt.Sprintf("party %q", p.Tenant+"/"+p.Name)
	created := false
	err = db.update(ctx, func(tx *tx) error {
		ok, err := tenantExists(ctx, tx, p.Tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(p.Tenant)
		}
		old, err := findParty(ctx, tx, p.Tenant, p.Name)
		if err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		now := db.now()
		p.UpdatedAt = now
		if old == nil {
			created = true
			p.Version, p.CreatedAt = 1, now
			err = tx.exec(ctx, qInsertParty, p.Tenant, p.Name, p.DisplayName, string(p.Kind), string(contacts),
				p.Version, p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
		} else {
			p.Version, p.CreatedAt = old.Version+1, old.CreatedAt
			err = tx.exec(ctx, qUpdateParty, p.DisplayName, string(p.Kind), string(contacts),
				p.Version, p.UpdatedAt.UnixNano(), p.Tenant, p.Name)
		}
		if err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		stored, err := findParty(ctx, tx, p.Tenant, p.Name)
		if err != nil {
			return err
		}
		return appendEvent(ctx, db, tx, p.Tenant, raci.PartyObject(p.Name), old, stored)
	})
	if err != nil {
		return nil, false, err
	}
	return &p, created, nil
}

// DeleteParty deletes the party once no row assigns it and no checklist item names
// it as owner or waiver approver.
func (db *DB) DeleteParty(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	what := fmt.Sprintf("party %q", tenant+"/"+name)
	return db.update(ctx, func(tx *tx) error {
		p, err := findParty(ctx, tx, tenant, name)
		if err != nil {
			return err
		}
		if p == nil {
			return partyMissing(ctx, tx, tenant, name)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, p.Version); err != nil {
			return err
		}
		keys, err := rowsAssigning(ctx, tx, tenant, name)
		if err != nil {
			return err
		}
		owned, approved, err := checklistItemsNaming(ctx, tx, tenant, name)
		if err != nil {
			return err
		}
		if len(keys) > 0 || len(owned) > 0 || len(approved) > 0 {
			return raci.PartyInUse(tenant, name, keys, owned, approved)
		}
		if err := tx.exec(ctx, qDeleteParty, tenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, db, tx, tenant, raci.PartyObject(name), p, nil)
	})
}

// listParties returns up to limit parties of the tenant whose names sort after
// after; a negative limit returns them all.
func listParties(ctx context.Context, tx *tx, tenant, after string, limit int) ([]*raci.Party, error) {
	rows, err := tx.query(ctx, qListParties, tenant, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list parties of tenant %q: %w", tenant, err)
	}
	defer rows.Close()
	parties := []*raci.Party{}
	for rows.Next() {
		p, err := scanParty(rows)
		if err != nil {
			return nil, fmt.Errorf("list parties of tenant %q: %w", tenant, err)
		}
		parties = append(parties, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list parties of tenant %q: %w", tenant, err)
	}
	return parties, nil
}

// findParty returns the party, or nil without an error when it does not exist.
func findParty(ctx context.Context, tx *tx, tenant, name string) (*raci.Party, error) {
	p, err := scanParty(tx.queryRow(ctx, qFindParty, tenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find party %q: %w", tenant+"/"+name, err)
	}
	return p, nil
}

// partyMissing returns the ENOTFOUND error for a party that does not exist, saying
// whether its tenant is missing too.
func partyMissing(ctx context.Context, tx *tx, tenant, name string) error {
	ok, err := tenantExists(ctx, tx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.PartyNotFound(tenant, name)
}

// partyNames returns the set of the tenant's party names.
func partyNames(ctx context.Context, tx *tx, tenant string) (map[string]bool, error) {
	rows, err := tx.query(ctx, qPartyNames, tenant)
	if err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
		}
		names[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	return names, nil
}

// rowsAssigning returns the keys of the rows that assign the party, in order.
func rowsAssigning(ctx context.Context, tx *tx, tenant, party string) ([]string, error) {
	rows, err := tx.query(ctx, qRowsAssigning, tenant, party)
	if err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	return keys, nil
}

func scanParty(s scanner) (*raci.Party, error) {
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
