package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
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

// FindParty returns the party, or ENOTFOUND when the tenant or the party does not
// exist.
func (db *DB) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	p, err := findParty(ctx, db.pool, tenant, name)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, partyMissing(ctx, db.pool, tenant, name)
	}
	return p, nil
}

// ListParties returns a page of the tenant's parties ordered by name.
func (db *DB) ListParties(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	limit := opts.PageLimit()
	page := &raci.Page[*raci.Party]{Items: []*raci.Party{}}
	err := db.view(ctx, func(tx pgx.Tx) error {
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
	// tenant's lock.
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
	err = db.update(ctx, p.Tenant, func(tx pgx.Tx) error {
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
		created = old == nil
		if created {
			p.Version, p.CreatedAt = 1, now
			_, err = tx.Exec(ctx, qInsertParty, p.Tenant, p.Name, p.DisplayName, string(p.Kind), contacts,
				p.Version, p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
		} else {
			p.Version, p.CreatedAt = old.Version+1, old.CreatedAt
			_, err = tx.Exec(ctx, qUpdateParty, p.DisplayName, string(p.Kind), contacts,
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
	return db.update(ctx, tenant, func(tx pgx.Tx) error {
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
		if _, err := tx.Exec(ctx, qDeleteParty, tenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, db, tx, tenant, raci.PartyObject(name), p, nil)
	})
}

// listParties returns up to limit parties of the tenant whose names sort after
// after; a negative limit returns them all.
func listParties(ctx context.Context, q querier, tenant, after string, limit int) ([]*raci.Party, error) {
	rows, err := q.Query(ctx, qListParties, tenant, after, limitArg(limit))
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
func findParty(ctx context.Context, q querier, tenant, name string) (*raci.Party, error) {
	p, err := scanParty(q.QueryRow(ctx, qFindParty, tenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find party %q: %w", tenant+"/"+name, err)
	}
	return p, nil
}

// partyMissing returns the ENOTFOUND error for a party that does not exist, saying
// whether its tenant is missing too.
func partyMissing(ctx context.Context, q querier, tenant, name string) error {
	ok, err := tenantExists(ctx, q, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.PartyNotFound(tenant, name)
}

// partyNames returns the set of the tenant's party names.
func partyNames(ctx context.Context, q querier, tenant string) (map[string]bool, error) {
	rows, err := q.Query(ctx, qPartyNames, tenant)
	if err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list party names of tenant %q: %w", tenant, err)
	}
	names := make(map[string]bool, len(list))
	for _, n := range list {
		names[n] = true
	}
	return names, nil
}

// rowsAssigning returns the keys of the rows that assign the party, in order.
func rowsAssigning(ctx context.Context, q querier, tenant, party string) ([]string, error) {
	rows, err := q.Query(ctx, qRowsAssigning, tenant, party)
	if err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find rows assigning party %q: %w", tenant+"/"+party, err)
	}
	return keys, nil
}

func scanParty(s scanner) (*raci.Party, error) {
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
