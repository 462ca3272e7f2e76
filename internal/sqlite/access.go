package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.AccessService = (*DB)(nil)

const (
	accessColumns        = `a.tenant, a.name, a.scope, a.groups, a.emails, a.created_at, a.updated_at`
	qFindAccess          = `SELECT ` + accessColumns + ` FROM access a WHERE a.tenant = ? AND a.name = ?`
	qListAccess          = `SELECT ` + accessColumns + ` FROM access a WHERE a.tenant = ? ORDER BY a.name`
	qInsertAccess        = `INSERT INTO access (tenant, name, scope, groups, emails, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qUpdateAccess        = `UPDATE access SET scope = ?, groups = ?, emails = ?, updated_at = ? WHERE tenant = ? AND name = ?`
	qDeleteAccess        = `DELETE FROM access WHERE tenant = ? AND name = ?`
	qDeleteAccessMembers = `DELETE FROM access_members WHERE tenant = ? AND access = ?`
	qInsertAccessMember  = `INSERT INTO access_members (tenant, access, kind, value) VALUES (?, ?, ?, ?)`
	qAccessFor           = `SELECT ` + accessColumns + ` FROM access a WHERE EXISTS (SELECT 1 FROM access_members m
		WHERE m.tenant = a.tenant AND m.access = a.name AND
		((m.kind = 'email' AND m.value = ? AND ? <> '') OR (m.kind = 'group' AND m.value IN (SELECT value FROM json_each(?)))))
		ORDER BY a.tenant, a.name`
)

// PutAccess creates or replaces the grant and its members in one transaction.
func (db *DB) PutAccess(ctx context.Context, in *raci.Access) (*raci.Access, bool, error) {
	var (
		out     *raci.Access
		created bool
	)
	err := db.update(ctx, func(tx *tx) error {
		ok, err := tx.TenantExists(ctx, in.Tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(in.Tenant)
		}
		old, err := findAccess(ctx, tx, in.Tenant, in.Name)
		if err != nil {
			return err
		}
		a, err := store.PrepareAccess(in, old, db.Now())
		if err != nil {
			return err
		}
		groups, emails, err := store.EncodeAccessSets(a)
		if err != nil {
			return err
		}
		if old == nil {
			err = tx.exec(ctx, qInsertAccess, a.Tenant, a.Name, a.Scope, string(groups), string(emails), a.CreatedAt.UnixNano(), a.UpdatedAt.UnixNano())
		} else {
			err = tx.exec(ctx, qUpdateAccess, a.Scope, string(groups), string(emails), a.UpdatedAt.UnixNano(), a.Tenant, a.Name)
		}
		if err != nil {
			return fmt.Errorf("write access %q: %w", a.Tenant+"/"+a.Name, err)
		}
		if err := tx.exec(ctx, qDeleteAccessMembers, a.Tenant, a.Name); err != nil {
			return fmt.Errorf("replace members of access %q: %w", a.Tenant+"/"+a.Name, err)
		}
		for _, m := range store.AccessMembers(a) {
			if err := tx.exec(ctx, qInsertAccessMember, a.Tenant, a.Name, m.Kind, m.Value); err != nil {
				return fmt.Errorf("write members of access %q: %w", a.Tenant+"/"+a.Name, err)
			}
		}
		out, created = a, old == nil
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// FindAccess returns the grant.
func (db *DB) FindAccess(ctx context.Context, tenant, name string) (*raci.Access, error) {
	var a *raci.Access
	err := db.view(ctx, func(tx *tx) error {
		var err error
		if a, err = findAccess(ctx, tx, tenant, name); err != nil {
			return err
		}
		if a == nil {
			return accessMissing(ctx, tx, tenant, name)
		}
		return nil
	})
	return a, err
}

// ListAccess returns the tenant's grants by name.
func (db *DB) ListAccess(ctx context.Context, tenant string) ([]*raci.Access, error) {
	var list []*raci.Access
	err := db.view(ctx, func(tx *tx) error {
		ok, err := tx.TenantExists(ctx, tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(tenant)
		}
		list, err = store.Collect(ctx, tx, scanAccess, qListAccess, tenant)
		if err != nil {
			return fmt.Errorf("list access of tenant %q: %w", tenant, err)
		}
		return nil
	})
	return list, err
}

// DeleteAccess removes the grant; its members go with it.
func (db *DB) DeleteAccess(ctx context.Context, tenant, name string) error {
	return db.update(ctx, func(tx *tx) error {
		res, err := tx.tx.ExecContext(ctx, qDeleteAccess, tenant, name)
		if err != nil {
			return fmt.Errorf("delete access %q: %w", tenant+"/"+name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return accessMissing(ctx, tx, tenant, name)
		}
		return nil
	})
}

// AccessFor returns the grants naming the person's email or one of their groups.
func (db *DB) AccessFor(ctx context.Context, p raci.Person) ([]*raci.Access, error) {
	groups, email, err := store.PersonQuery(p)
	if err != nil {
		return nil, err
	}
	var list []*raci.Access
	err = db.view(ctx, func(tx *tx) error {
		var err error
		list, err = store.Collect(ctx, tx, scanAccess, qAccessFor, email, email, string(groups))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find the access of a person: %w", err)
	}
	return list, nil
}

// accessMissing is the error for a grant that is not there: the tenant's absence
// when the tenant is missing too, so that a missing tenant answers alike on every
// route.
func accessMissing(ctx context.Context, tx *tx, tenant, name string) error {
	ok, err := tx.TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.AccessNotFound(tenant, name)
}

func findAccess(ctx context.Context, tx *tx, tenant, name string) (*raci.Access, error) {
	a, err := scanAccess(tx.queryRow(ctx, qFindAccess, tenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find access %q: %w", tenant+"/"+name, err)
	}
	return a, nil
}

func scanAccess(sc store.Scanner) (*raci.Access, error) {
	var (
		a                raci.Access
		groups, emails   string
		created, updated int64
	)
	if err := sc.Scan(&a.Tenant, &a.Name, &a.Scope, &groups, &emails, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	return store.DecodeAccess(&a, []byte(groups), []byte(emails))
}
