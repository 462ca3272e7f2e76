package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const tenantColumns = `name, display_name, customer, deployment_model, environments, labels, scheme, version, created_at, updated_at`

const (
	qFindTenant   = `SELECT ` + tenantColumns + ` FROM tenants WHERE name = ?`
	qListTenants  = `SELECT ` + tenantColumns + ` FROM tenants WHERE name > ? ORDER BY name LIMIT ?`
	qTenantExists = `SELECT 1 FROM tenants WHERE name = ?`
	qInsertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateTenant = `UPDATE tenants SET display_name = ?, customer = ?, deployment_model = ?, environments = ?,
		labels = ?, scheme = ?, version = ?, updated_at = ? WHERE name = ?`
	qDeleteTenant       = `DELETE FROM tenants WHERE name = ?`
	qCountTenantContent = `SELECT (SELECT count(*) FROM parties WHERE tenant = ?1), (SELECT count(*) FROM responsibilities WHERE tenant = ?1),
		(SELECT count(*) FROM checklists WHERE tenant = ?1)`
)

// FindTenant returns the tenant with this name, or ENOTFOUND.
func (db *DB) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	var t *raci.Tenant
	err := db.view(ctx, func(tx *tx) error {
		var err error
		t, err = findTenant(ctx, tx, name)
		return err
	})
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
	err := db.view(ctx, func(tx *tx) error {
		// One more than the page holds tells whether another page follows.
		rows, err := tx.query(ctx, qListTenants, opts.After, limit+1)
		if err != nil {
			return fmt.Errorf("list tenants: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTenant(rows)
			if err != nil {
				return fmt.Errorf("list tenants: %w", err)
			}
			page.Items = append(page.Items, t)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list tenants: %w", err)
		}
		return nil
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

// PutTenant creates or replaces the tenant. A change of scheme is refused while a
// row of the tenant would break the new scheme's rules.
func (db *DB) PutTenant(ctx context.Context, in *raci.Tenant, pre raci.Precondition) (*raci.Tenant, bool, error) {
	t := in.Clone()
	// The object's own rules need nothing stored: check them before taking the
	// write lock.
	t.Normalize()
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("tenant %q", t.Name)
	created := false
	err := db.update(ctx, func(tx *tx) error {
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

		envs, labels, err := encodeTenantSets(t)
		if err != nil {
			return err
		}
		now := db.now()
		t.UpdatedAt = now
		if old == nil {
			created = true
			t.Version, t.CreatedAt = 1, now
			err = tx.exec(ctx, qInsertTenant, t.Name, t.DisplayName, t.Customer, string(t.DeploymentModel),
				envs, labels, string(t.Scheme), t.Version, t.CreatedAt.UnixNano(), t.UpdatedAt.UnixNano())
		} else {
			t.Version, t.CreatedAt = old.Version+1, old.CreatedAt
			err = tx.exec(ctx, qUpdateTenant, t.DisplayName, t.Customer, string(t.DeploymentModel),
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
	return db.update(ctx, func(tx *tx) error {
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
		if err := tx.queryRow(ctx, qCountTenantContent, name).Scan(&parties, &rows, &checklists); err != nil {
			return fmt.Errorf("delete %s: count content: %w", what, err)
		}
		if parties > 0 || rows > 0 || checklists > 0 {
			return raci.TenantInUse(name, parties, rows, checklists)
		}
		if err := tx.exec(ctx, qDeleteTenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, db, tx, name, raci.TenantObject(), t, nil)
	})
}

// findTenant returns the tenant, or nil without an error when it does not exist.
func findTenant(ctx context.Context, tx *tx, name string) (*raci.Tenant, error) {
	t, err := scanTenant(tx.queryRow(ctx, qFindTenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return t, nil
}

// tenantExists answers for reads that only need to tell a missing tenant from an
// empty one.
func tenantExists(ctx context.Context, tx *tx, name string) (bool, error) {
	var one int
	err := tx.queryRow(ctx, qTenantExists, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return true, nil
}

func scanTenant(s scanner) (*raci.Tenant, error) {
	var (
		t                raci.Tenant
		model, scheme    string
		envs, labels     string
		created, updated int64
	)
	if err := s.Scan(&t.Name, &t.DisplayName, &t.Customer, &model, &envs, &labels, &scheme, &t.Version, &created, &updated); err != nil {
		return nil, err
	}
	t.DeploymentModel, t.Scheme = raci.DeploymentModel(model), raci.Scheme(scheme)
	t.CreatedAt, t.UpdatedAt = fromNanos(created), fromNanos(updated)
	if err := json.Unmarshal([]byte(envs), &t.Environments); err != nil {
		return nil, fmt.Errorf("tenant %q: decode environments: %w", t.Name, err)
	}
	if err := json.Unmarshal([]byte(labels), &t.Labels); err != nil {
		return nil, fmt.Errorf("tenant %q: decode labels: %w", t.Name, err)
	}
	t.Normalize() // a JSON null or missing set still reads as [] and {}
	return &t, nil
}

func encodeTenantSets(t *raci.Tenant) (envs, labels string, err error) {
	e, err := json.Marshal(t.Environments)
	if err != nil {
		return "", "", fmt.Errorf("encode environments of tenant %q: %w", t.Name, err)
	}
	l, err := json.Marshal(t.Labels)
	if err != nil {
		return "", "", fmt.Errorf("encode labels of tenant %q: %w", t.Name, err)
	}
	return string(e), string(l), nil
}

// checkRowsFitScheme returns an EINVALID error naming every row of the tenant that
// the scheme would make invalid, or nil.
func checkRowsFitScheme(ctx context.Context, tx *tx, old *raci.Tenant, scheme raci.Scheme) error {
	rows, err := listResponsibilities(ctx, tx, old.Name, "", -1)
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
