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

const tenantColumns = `name, display_name, customer, deployment_model, environments, labels, scheme,
	description, source_title, source_url, source_revision, version, created_at, updated_at`

const (
	qFindTenant   = `SELECT ` + tenantColumns + ` FROM tenants WHERE name = $1`
	qListTenants  = `SELECT ` + tenantColumns + ` FROM tenants WHERE name > $1 ORDER BY name LIMIT $2`
	qTenantExists = `SELECT EXISTS (SELECT 1 FROM tenants WHERE name = $1)`
	qInsertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	qUpdateTenant = `UPDATE tenants SET display_name = $1, customer = $2, deployment_model = $3, environments = $4,
		labels = $5, scheme = $6, description = $7, source_title = $8, source_url = $9, source_revision = $10,
		version = $11, updated_at = $12 WHERE name = $13`
	qDeleteTenant       = `DELETE FROM tenants WHERE name = $1`
	qCountTenantContent = `SELECT (SELECT count(*) FROM parties WHERE tenant = $1), (SELECT count(*) FROM responsibilities WHERE tenant = $1),
		(SELECT count(*) FROM checklists WHERE tenant = $1)`
)

// ListTenants returns up to limit tenants whose names sort after after.
func (q conn) ListTenants(ctx context.Context, after string, limit int) ([]*raci.Tenant, error) {
	tenants, err := store.Collect(ctx, q, scanTenant, qListTenants, after, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return tenants, nil
}

// FindTenant returns the tenant, or nil without an error when it does not exist.
func (q conn) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	t, err := scanTenant(q.QueryRow(ctx, qFindTenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return t, nil
}

// TenantExists tells a missing tenant from an empty one.
func (q conn) TenantExists(ctx context.Context, name string) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, qTenantExists, name).Scan(&ok); err != nil {
		return false, fmt.Errorf("find tenant %q: %w", name, err)
	}
	return ok, nil
}

func scanTenant(s store.Scanner) (*raci.Tenant, error) {
	var (
		t                raci.Tenant
		model, scheme    string
		envs, labels     []byte
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
	if err := json.Unmarshal(envs, &t.Environments); err != nil {
		return nil, fmt.Errorf("tenant %q: decode environments: %w", t.Name, err)
	}
	if err := json.Unmarshal(labels, &t.Labels); err != nil {
		return nil, fmt.Errorf("tenant %q: decode labels: %w", t.Name, err)
	}
	t.Normalize() // a JSON null still reads as [] and {}
	return &t, nil
}

// WriteTenant inserts or updates the tenant as it is given.
func (q conn) WriteTenant(ctx context.Context, t *raci.Tenant, isNew bool) error {
	envs, err := json.Marshal(t.Environments)
	if err != nil {
		return fmt.Errorf("encode environments: %w", err)
	}
	labels, err := json.Marshal(t.Labels)
	if err != nil {
		return fmt.Errorf("encode labels: %w", err)
	}
	var src raci.Source
	if t.Source != nil {
		src = *t.Source
	}
	if isNew {
		_, err = q.Exec(ctx, qInsertTenant, t.Name, t.DisplayName, t.Customer, string(t.DeploymentModel),
			envs, labels, string(t.Scheme), t.Description, src.Title, src.URL, src.Revision,
			t.Version, t.CreatedAt.UnixNano(), t.UpdatedAt.UnixNano())
	} else {
		_, err = q.Exec(ctx, qUpdateTenant, t.DisplayName, t.Customer, string(t.DeploymentModel),
			envs, labels, string(t.Scheme), t.Description, src.Title, src.URL, src.Revision,
			t.Version, t.UpdatedAt.UnixNano(), t.Name)
	}
	return err
}

// DeleteTenant deletes the tenant.
func (q conn) DeleteTenant(ctx context.Context, name string) error {
	_, err := q.Exec(ctx, qDeleteTenant, name)
	return err
}

// CountTenantContent counts the tenant's parties, rows and checklists.
func (q conn) CountTenantContent(ctx context.Context, name string) (parties, rows, checklists int, err error) {
	err = q.QueryRow(ctx, qCountTenantContent, name).Scan(&parties, &rows, &checklists)
	return parties, rows, checklists, err
}
