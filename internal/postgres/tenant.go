package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const tenantColumns = `name, display_name, customer, deployment_model, environments, labels, scheme, version, created_at, updated_at`

const (
	qFindTenant   = `SELECT ` + tenantColumns + ` FROM tenants WHERE name = $1`
	qListTenants  = `SELECT ` + tenantColumns + ` FROM tenants WHERE name > $1 ORDER BY name LIMIT $2`
	qTenantExists = `SELECT EXISTS (SELECT 1 FROM tenants WHERE name = $1)`
	qInsertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	qUpdateTenant = `UPDATE tenants SET display_name = $1, customer = $2, deployment_model = $3, environments = $4,
		labels = $5, scheme = $6, version = $7, updated_at = $8 WHERE name = $9`
	qDeleteTenant       = `DELETE FROM tenants WHERE name = $1`
	qCountTenantContent = `SELECT (SELECT count(*) FROM parties WHERE tenant = $1), (SELECT count(*) FROM responsibilities WHERE tenant = $1),
		(SELECT count(*) FROM checklists WHERE tenant = $1)`
)

// FindTenant returns the tenant with this name, or ENOTFOUND.
func (db *DB) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	t, err := findTenant(ctx, db.pool, name)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, raci.TenantNotFound(name)
	}
	return t, nil
}

// ListTenants returns a page of tenants ordered by name.
func (db *DB) ListTenants(ctx context.Context, opts raci.ListOptions) (*raci.Page[*raci.Tenant], error) {
	limit := opts.PageLimit()
	page := &raci.Page[*raci.Tenant]{Items: []*raci.Tenant{}}
	// One more than the page holds tells whether another page follows.
	rows, err := db.pool.Query(ctx, qListTenants, opts.After, limit+1)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, fmt.Errorf("list tenants: %w", err)
		}
		page.Items = append(page.Items, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].Name
	}
	return page, nil
}

// PutTenant creates or replaces the tenant. A change of scheme is refused while a
// row of the tenant would break the new scheme's rules.
func (db *DB) PutTenant(ctx context.Context, in *raci.Tenant, pre raci.Precondition) (*raci.Tenant, bool, error) {
	t := in.Clone()
	// The object's own rules need nothing stored: check them before taking the
	// tenant's lock.
	t.Normalize()
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	envs, labels, err := encodeTenantSets(t)
	if err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("tenant %q", t.Name)
	created := false
	err = db.update(ctx, t.Name, func(tx pgx.Tx) error {
		old, err := findTenant(ctx, tx, t.Name)
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
		if old != nil && old.Scheme != t.Scheme {
			if err := checkRowsFitScheme(ctx, tx, old, t.Scheme); err != nil {
				return err
			}
		}

		now := db.now()
		t.UpdatedAt = now
		created = old == nil
		if created {
			t.Version, t.CreatedAt = 1, now
			_, err = tx.Exec(ctx, qInsertTenant, t.Name, t.DisplayName, t.Customer, string(t.DeploymentModel),
				envs, labels, string(t.Scheme), t.Version, t.CreatedAt.UnixNano(), t.UpdatedAt.UnixNano())
		} else {
			t.Version, t.CreatedAt = old.Version+1, old.CreatedAt
			_, err = tx.Exec(ctx, qUpdateTenant, t.DisplayName, t.Customer, string(t.DeploymentModel),
				envs, labels, string(t.Scheme), t.Version, t.UpdatedAt.UnixNano(), t.Name)
		}
		if err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		stored, err := findTenant(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		return appendEvent(ctx, db, tx, t.Name, raci.TenantObject(), old, stored)
	})
	if err != nil {
		return nil, false, err
	}
	return t, created, nil
}

// DeleteTenant deletes the tenant once it has no parties, responsibilities or
// checklists.
func (db *DB) DeleteTenant(ctx context.Context, name string, pre raci.Precondition) error {
	what := fmt.Sprintf("tenant %q", name)
	return db.update(ctx, name, func(tx pgx.Tx) error {
		t, err := findTenant(ctx, tx, name)
		if err != nil {
			return err
		}
		if t == nil {
			return raci.TenantNotFound(name)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, t.Version); err != nil {
			return err
		}
		var parties, rows, checklists int
		if err := tx.QueryRow(ctx, qCountTenantContent, name).Scan(&parties, &rows, &checklists); err != nil {
			return fmt.Errorf("delete %s: count content: %w", what, err)
		}
		if parties > 0 || rows > 0 || checklists > 0 {
			return raci.TenantInUse(name, parties, rows, checklists)
		}
		if _, err := tx.Exec(ctx, qDeleteTenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, db, tx, name, raci.TenantObject(), t, nil)
	})
}

// findTenant returns the tenant, or nil without an error when it does not exist.
func findTenant(ctx context.Context, q querier, name string) (*raci.Tenant, error) {
	t, err := scanTenant(q.QueryRow(ctx, qFindTenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return t, nil
}

// tenantExists answers for reads that only need to tell a missing tenant from an
// empty one.
func tenantExists(ctx context.Context, q querier, name string) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, qTenantExists, name).Scan(&ok); err != nil {
		return false, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return ok, nil
}

func scanTenant(s scanner) (*raci.Tenant, error) {
	var (
		t                raci.Tenant
		model, scheme    string
		envs, labels     []byte
		created, updated int64
	)
	if err := s.Scan(&t.Name, &t.DisplayName, &t.Customer, &model, &envs, &labels, &scheme, &t.Version, &created, &updated); err != nil {
		return nil, err
	}
	t.DeploymentModel, t.Scheme = raci.DeploymentModel(model), raci.Scheme(scheme)
	t.CreatedAt, t.UpdatedAt = fromNanos(created), fromNanos(updated)
	if err := json.Unmarshal(envs, &t.Environments); err != nil {
		return nil, fmt.Errorf("tenant %q: decode environments: %w", t.Name, err)
	}
	if err := json.Unmarshal(labels, &t.Labels); err != nil {
		return nil, fmt.Errorf("tenant %q: decode labels: %w", t.Name, err)
	}
	t.Normalize() // a JSON null still reads as [] and {}
	return &t, nil
}

// encodeTenantSets returns the jsonb column values of the tenant's sets.
func encodeTenantSets(t *raci.Tenant) (envs, labels []byte, err error) {
	envs, err = json.Marshal(t.Environments)
	if err != nil {
		return nil, nil, fmt.Errorf("encode environments of tenant %q: %w", t.Name, err)
	}
	labels, err = json.Marshal(t.Labels)
	if err != nil {
		return nil, nil, fmt.Errorf("encode labels of tenant %q: %w", t.Name, err)
	}
	return envs, labels, nil
}

// checkRowsFitScheme returns an EINVALID error naming every row of the tenant that
// the scheme would make invalid, or nil.
func checkRowsFitScheme(ctx context.Context, q querier, old *raci.Tenant, scheme raci.Scheme) error {
	rows, err := listResponsibilities(ctx, q, old.Name, "", -1)
	if err != nil {
		return err
	}
	var ps []raci.Problem
	for _, r := range rows {
		for _, p := range raci.ErrorProblems(r.Validate(scheme)) {
			ps = append(ps, raci.Problem{
				Field: "scheme",
				Detail: fmt.Sprintf("Changing the scheme from %s to %s would break row %q: %s Change the row first, or keep the scheme %s.",
					old.Scheme, scheme, r.Key, p.Detail, old.Scheme),
			})
		}
	}
	if len(ps) > 0 {
		return raci.Invalid(ps...)
	}
	return nil
}
