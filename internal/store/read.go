package store

import (
	"context"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// PartyMissing returns the ENOTFOUND error for a party that does not exist, saying
// whether its tenant is missing too.
func PartyMissing(ctx context.Context, r Reader, tenant, name string) error {
	return missing(ctx, r, tenant, raci.PartyNotFound(tenant, name))
}

// ResponsibilityMissing returns the ENOTFOUND error for a row that does not exist,
// saying whether its tenant is missing too.
func ResponsibilityMissing(ctx context.Context, r Reader, tenant, key string) error {
	return missing(ctx, r, tenant, raci.ResponsibilityNotFound(tenant, key))
}

// ChecklistMissing returns the ENOTFOUND error for a checklist that does not exist,
// saying whether its tenant is missing too.
func ChecklistMissing(ctx context.Context, r Reader, tenant, key string) error {
	return missing(ctx, r, tenant, raci.ChecklistNotFound(tenant, key))
}

func missing(ctx context.Context, r Reader, tenant string, notFound error) error {
	ok, err := r.TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return notFound
}
