package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.AccessService = (*DB)(nil)

const (
	accessColumns = `a.tenant, a.name, a.scope, a.groups, a.emails, a.created_at, a.updated_at`
	// FOR SHARE holds the tenant while its grant is written: a tenant deleted at
	// the same time waits, then takes the grant with it.
	qLockTenant = `SELECT 1 FROM tenants WHERE name = $1 FOR SHARE`
	qFindAccess = `SELECT ` + accessColumns + ` FROM access a WHERE a.tenant = $1 AND a.name = $2`
	qListAccess = `SELECT ` + accessColumns + ` FROM access a WHERE a.tenant = $1 ORDER BY a.name`
	// ON CONFLICT makes two servers creating one grant at once give one row.
	qUpsertAccess = `INSERT INTO access (tenant, name, scope, groups, emails, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (tenant, name) DO UPDATE SET scope = EXCLUDED.scope, groups = EXCLUDED.groups,
			emails = EXCLUDED.emails, updated_at = EXCLUDED.updated_at
		RETURNING created_at, (xmax = 0)`
	qDeleteAccess        = `DELETE FROM access WHERE tenant = $1 AND name = $2`
	qDeleteAccessMembers = `DELETE FROM access_members WHERE tenant = $1 AND access = $2`
	qInsertAccessMember  = `INSERT INTO access_members (tenant, access, kind, value) VALUES ($1, $2, $3, $4)`
	qAccessFor           = `SELECT ` + accessColumns + ` FROM access a WHERE EXISTS (SELECT 1 FROM access_members m
		WHERE m.tenant = a.tenant AND m.access = a.name AND
		((m.kind = 'email' AND m.value = $1 AND $1 <> '') OR (m.kind = 'group' AND m.value = ANY($2::text[]))))
		ORDER BY a.tenant, a.name`
)

// PutAccess creates or replaces the grant and its members in one transaction.
func (db *DB) PutAccess(ctx context.Context, in *raci.Access) (*raci.Access, bool, error) {
	var (
		out     *raci.Access
		created bool
	)
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, qLockTenant, in.Tenant).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return raci.TenantNotFound(in.Tenant)
		}
		if err != nil {
			return fmt.Errorf("find tenant %q: %w", in.Tenant, err)
		}
		a, err := store.PrepareAccess(in, nil, db.Now())
		if err != nil {
			return err
		}
		groups, emails, err := store.EncodeAccessSets(a)
		if err != nil {
			return err
		}
		var createdAt int64
		if err := tx.QueryRow(ctx, qUpsertAccess, a.Tenant, a.Name, a.Scope, groups, emails, a.UpdatedAt.UnixNano()).Scan(&createdAt, &created); err != nil {
			return fmt.Errorf("write access %q: %w", a.Tenant+"/"+a.Name, err)
		}
		a.CreatedAt = fromNanos(createdAt)
		if _, err := tx.Exec(ctx, qDeleteAccessMembers, a.Tenant, a.Name); err != nil {
			return fmt.Errorf("replace members of access %q: %w", a.Tenant+"/"+a.Name, err)
		}
		for _, m := range store.AccessMembers(a) {
			if _, err := tx.Exec(ctx, qInsertAccessMember, a.Tenant, a.Name, m.Kind, m.Value); err != nil {
				return fmt.Errorf("write members of access %q: %w", a.Tenant+"/"+a.Name, err)
			}
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// FindAccess returns the grant.
func (db *DB) FindAccess(ctx context.Context, tenant, name string) (*raci.Access, error) {
	a, err := scanAccess(db.pool.QueryRow(ctx, qFindAccess, tenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, db.accessMissing(ctx, tenant, name)
	}
	if err != nil {
		return nil, fmt.Errorf("find access %q: %w", tenant+"/"+name, err)
	}
	return a, nil
}

// ListAccess returns the tenant's grants by name.
func (db *DB) ListAccess(ctx context.Context, tenant string) ([]*raci.Access, error) {
	ok, err := db.conn().TenantExists(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, raci.TenantNotFound(tenant)
	}
	list, err := store.Collect(ctx, db.conn(), scanAccess, qListAccess, tenant)
	if err != nil {
		return nil, fmt.Errorf("list access of tenant %q: %w", tenant, err)
	}
	return list, nil
}

// DeleteAccess removes the grant; its members go with it.
func (db *DB) DeleteAccess(ctx context.Context, tenant, name string) error {
	tag, err := db.pool.Exec(ctx, qDeleteAccess, tenant, name)
	if err != nil {
		return fmt.Errorf("delete access %q: %w", tenant+"/"+name, err)
	}
	if tag.RowsAffected() == 0 {
		return db.accessMissing(ctx, tenant, name)
	}
	return nil
}

// AccessFor returns the grants naming the person's email or one of their groups.
func (db *DB) AccessFor(ctx context.Context, p raci.Person) ([]*raci.Access, error) {
	groups := p.Groups
	if groups == nil {
		groups = []string{}
	}
	list, err := store.Collect(ctx, db.conn(), scanAccess, qAccessFor, raci.NormalizeEmail(p.Email), groups)
	if err != nil {
		return nil, fmt.Errorf("find the access of a person: %w", err)
	}
	return list, nil
}

// accessMissing is the error for a grant that is not there: the tenant's absence
// when the tenant is missing too, so that a missing tenant answers alike on every
// route.
func (db *DB) accessMissing(ctx context.Context, tenant, name string) error {
	ok, err := db.conn().TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.AccessNotFound(tenant, name)
}

func scanAccess(sc store.Scanner) (*raci.Access, error) {
	var (
		a                raci.Access
		groups, emails   []byte
		created, updated int64
	)
	if err := sc.Scan(&a.Tenant, &a.Name, &a.Scope, &groups, &emails, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	return store.DecodeAccess(&a, groups, emails)
}
