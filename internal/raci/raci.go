// Package raci is the domain of responsibility contracts: tenants, their parties, the
// rows of their matrices, checklists and readiness, the rules they follow, error
// codes, and the service interfaces. It does no I/O and imports only the standard
// library; stores and the HTTP client implement the interfaces declared here, and the
// server and the Terraform provider work against those interfaces only. How a matrix
// is written down (Markdown, CSV, JSON, OSCAL) and how HTTP names a version (ETags)
// belong to the packages at the edges: format, server and client.
package raci

import "context"

// Precondition makes a write conditional on what is stored, the way HTTP's If-Match
// and If-None-Match headers do.
type Precondition struct {
	// IfMatch, when not zero, requires the stored object to exist at this version.
	IfMatch int64
	// IfNoneMatch requires that no object exists yet: create, never replace.
	IfNoneMatch bool
}

// ListOptions pages through a list ordered by name or key.
type ListOptions struct {
	// After returns only objects whose name or key sorts after it; "" starts at the
	// beginning. Pass the previous page's Next.
	After string
	// Limit caps the page size; zero or more than MaxPageSize means MaxPageSize.
	Limit int
}

// Page size bounds for lists.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// PageLimit returns the effective page size for opts.
func (o ListOptions) PageLimit() int {
	if o.Limit <= 0 {
		return DefaultPageSize
	}
	if o.Limit > MaxPageSize {
		return MaxPageSize
	}
	return o.Limit
}

// Page is one page of a list. Next is "" on the last page.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// TenantService stores tenants.
type TenantService interface {
	// FindTenant returns the tenant with this name, or ENOTFOUND.
	FindTenant(ctx context.Context, name string) (*Tenant, error)

	// ListTenants returns a page of tenants ordered by name.
	ListTenants(ctx context.Context, opts ListOptions) (*Page[*Tenant], error)

	// PutTenant creates the tenant or replaces the one with its name, and returns what
	// is stored now, with its new version. created is true when it did not exist.
	// EINVALID when the tenant breaks a rule, or when a new scheme would make an
	// existing row invalid (each such row is a problem); EPRECONDITION when pre is not
	// met.
	PutTenant(ctx context.Context, t *Tenant, pre Precondition) (stored *Tenant, created bool, err error)

	// DeleteTenant deletes the tenant. ENOTFOUND if it does not exist; EPRECONDITION
	// when pre.IfMatch names another version; ECONFLICT while it still has parties,
	// responsibilities or checklists.
	DeleteTenant(ctx context.Context, name string, pre Precondition) error
}

// PartyService stores the parties of tenants.
type PartyService interface {
	// FindParty returns the party, or ENOTFOUND when the tenant or the party does not
	// exist.
	FindParty(ctx context.Context, tenant, name string) (*Party, error)

	// ListParties returns a page of the tenant's parties ordered by name; ENOTFOUND if
	// the tenant does not exist.
	ListParties(ctx context.Context, tenant string, opts ListOptions) (*Page[*Party], error)

	// PutParty creates or replaces the party and returns what is stored now.
	// ENOTFOUND when the tenant does not exist; EINVALID when the party breaks a rule;
	// EPRECONDITION when pre is not met.
	PutParty(ctx context.Context, p *Party, pre Precondition) (stored *Party, created bool, err error)

	// DeleteParty deletes the party. ENOTFOUND if it does not exist; EPRECONDITION
	// when pre.IfMatch names another version; ECONFLICT while a row still assigns it,
	// or a checklist item names it as owner or waiver approver.
	DeleteParty(ctx context.Context, tenant, name string, pre Precondition) error

	// RenameParty gives the party the name to, and rewrites every row that assigns
	// it and every checklist item that names it as owner or waiver approver, in one
	// transaction: each of those gets a new version and an "update" event, and the
	// party one "rename" event. It returns the party as stored now. ENOTFOUND when
	// the tenant or the party does not exist; EINVALID when to is not a valid name;
	// ECONFLICT when the tenant already has a party called to; EPRECONDITION when
	// pre.IfMatch names another version of the party.
	RenameParty(ctx context.Context, tenant, from, to string, pre Precondition) (*Party, error)
}

// ResponsibilityService stores the rows of tenants' matrices.
type ResponsibilityService interface {
	// FindResponsibility returns the row, or ENOTFOUND when the tenant or the row does
	// not exist.
	FindResponsibility(ctx context.Context, tenant, key string) (*Responsibility, error)

	// ListResponsibilities returns a page of the tenant's rows ordered by key;
	// ENOTFOUND if the tenant does not exist.
	ListResponsibilities(ctx context.Context, tenant string, opts ListOptions) (*Page[*Responsibility], error)

	// PutResponsibility creates or replaces the row and returns what is stored now.
	// ENOTFOUND when the tenant does not exist; EINVALID when the row breaks a rule of
	// the tenant's scheme or assigns a party the tenant does not have; EPRECONDITION
	// when pre is not met.
	PutResponsibility(ctx context.Context, r *Responsibility, pre Precondition) (stored *Responsibility, created bool, err error)

	// DeleteResponsibility deletes the row. ENOTFOUND if it does not exist;
	// EPRECONDITION when pre.IfMatch names another version.
	DeleteResponsibility(ctx context.Context, tenant, key string, pre Precondition) error
}

// Service is everything a RACI store offers. The SQLite and PostgreSQL stores and the
// HTTP client each implement it.
type Service interface {
	TenantService
	PartyService
	ResponsibilityService
	ChecklistService
	EventService
}

// CheckPrecondition tells whether a write may go ahead given what is stored: exists
// and version describe the stored object, what names it for people ("party
// \"acme/auth0\""). It returns an EPRECONDITION error or nil; stores call it inside
// the transaction that writes.
func CheckPrecondition(pre Precondition, what string, exists bool, version int64) error {
	switch {
	case pre.IfNoneMatch && exists:
		return Errorf(EPRECONDITION, "%s already exists: import it instead of creating it, or choose another name.", what)
	case pre.IfMatch != 0 && !exists:
		return Errorf(EPRECONDITION, "%s no longer exists: it was deleted since it was read.", what)
	case pre.IfMatch != 0 && pre.IfMatch != version:
		return Errorf(EPRECONDITION, "%s changed since it was read (version %d, now %d): read it again and retry.", what, pre.IfMatch, version)
	}
	return nil
}
