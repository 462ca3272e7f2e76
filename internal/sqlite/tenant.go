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

const tenantColumns = `name, display_name, customer, deployment_model, environments, labels, scheme,
	description, source_title, source_url, source_revision, version, created_at, updated_at`

const (
	qFindTenant   = `SELECT ` + tenantColumns + ` FROM tenants WHERE name = ?`
	qListTenants  = `SELECT ` + tenantColumns + ` FROM tenants WHERE name > ? ORDER BY name LIMIT ?`
	qTenantExists = `SELECT 1 FROM tenants WHERE name = ?`
	qInsertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateTenant = `UPDATE tenants SET display_name = ?, customer = ?, deployment_model = ?, environments = ?,
		labels = ?, scheme = ?, description = ?, source_title = ?, source_url = ?, source_revision = ?,
		version = ?, updated_at = ? WHERE name = ?`
	qDeleteTenant       = `DELETE FROM tenants WHERE name = ?`
	qCountTenantContent = `SELECT (SELECT count(*) FROM parties WHERE tenant = ?1), (SELECT count(*) FROM responsibilities WHERE tenant = ?1),
		(SELECT count(*) FROM checklists WHERE tenant = ?1)`
)

// ListTenants returns up to limit tenants whose names sort after after.
func (t *tx) ListTenants(ctx context.Context, after string, limit int) ([]*raci.Tenant, error) {
	tenants, err := store.Collect(ctx, t, scanTenant, qListTenants, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return tenants, nil
}

// FindTenant returns the tenant, or nil without an error when it does not exist.
func (t *tx) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	tenant, err := scanTenant(t.queryRow(ctx, qFindTenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return tenant, nil
}

// TenantExists tells a missing tenant from an empty one.
func (t *tx) TenantExists(ctx context.Context, name string) (bool, error) {
	var one int
	err := t.queryRow(ctx, qTenantExists, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return true, nil
}

// CountTenantContent counts the tenant's parties, rows and checklists.
func (t *tx) CountTenantContent(ctx context.Context, name string) (parties, rows, checklists int, err error) {
	err = t.queryRow(ctx, qCountTenantContent, name).Scan(&parties, &rows, &checklists)
	return parties, rows, checklists, err
}

// WriteTenant inserts or updates the tenant as it is given.
func (t *tx) WriteTenant(ctx context.Context, tenant *raci.Tenant, isNew bool) error {
	envs, err := json.Marshal(tenant.Environments)
	if err != nil {
		return fmt.Errorf("encode environments: %w", err)
	}
	labels, err := json.Marshal(tenant.Labels)
	if err != nil {
		return fmt.Errorf("encode labels: %w", err)
	}
	var src raci.Source
	if tenant.Source != nil {
		src = *tenant.Source
	}
	if isNew {
		return t.exec(ctx, qInsertTenant, tenant.Name, tenant.DisplayName, tenant.Customer, string(tenant.DeploymentModel),
			string(envs), string(labels), string(tenant.Scheme), tenant.Description, src.Title, src.URL, src.Revision,
			tenant.Version, tenant.CreatedAt.UnixNano(), tenant.UpdatedAt.UnixNano())
	}
	return t.exec(ctx, qUpdateTenant, tenant.DisplayName, tenant.Customer, string(tenant.DeploymentModel),
		string(envs), string(labels), string(tenant.Scheme), tenant.Description, src.Title, src.URL, src.Revision,
		tenant.Version, tenant.UpdatedAt.UnixNano(), tenant.Name)
}

// DeleteTenant deletes the tenant.
func (t *tx) DeleteTenant(ctx context.Context, name string) error {
	return t.exec(ctx, qDeleteTenant, name)
}

func scanTenant(s store.Scanner) (*raci.Tenant, error) {
	var (
		t                raci.Tenant
		model, scheme    string
		envs, labels     string
		created, updated int64
		src              raci.Source
	)
	if err := s.Scan(&t.Name, &t.DisplayName, &t.Customer, &model, &envs, &labels, &scheme,
		&t.Description, &src.Title, &src.URL, &src.Revision, &t.Version, &created, &updated); err != nil {
		return nil, err
	}
	t.DeploymentModel, t.Scheme = raci.DeploymentModel(model), raci.Scheme(scheme)
	t.CreatedAt, t.UpdatedAt = fromNanos(created), fromNanos(updated)
	t.Source = &src // Normalize makes a source that names nothing nil
	if err := json.Unmarshal([]byte(envs), &t.Environments); err != nil {
		return nil, fmt.Errorf("tenant %q: decode environments: %w", t.Name, err)
	}
	if err := json.Unmarshal([]byte(labels), &t.Labels); err != nil {
		return nil, fmt.Errorf("tenant %q: decode labels: %w", t.Name, err)
	}
	t.Normalize() // a JSON null or missing set still reads as [] and {}
	return &t, nil
}
