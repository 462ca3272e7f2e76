package postgres

import (
	"context"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Snapshot returns the tenant with all its parties, rows and checklists, read in one
// repeatable-read transaction, so one moment, and six queries however large the
// tenant is.
func (db *DB) Snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	var s *raci.Snapshot
	err := db.view(ctx, func(tx conn) error {
		t, err := tx.FindTenant(ctx, tenant)
		if err != nil {
			return err
		}
		if t == nil {
			return raci.TenantNotFound(tenant)
		}
		parties, err := tx.ListParties(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		rows, err := tx.ListResponsibilities(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		checklists, err := tx.ListChecklists(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		s = &raci.Snapshot{Tenant: t, Parties: parties, Responsibilities: rows, Checklists: checklists}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
