package provider

import (
	"sync"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// planRegistry is what this provider instance has learnt about the plan it is
// making or applying, so that one resource's checks can see what another resource
// of the same plan is about to do: a tenant's new scheme, a party being created or
// renamed. Terraform plans the resources of a configuration in dependency order
// within one provider process, and starts a fresh process for each operation; so a
// row that refers to its tenant and parties by attribute (tenant =
// raci_tenant.x.name, party = raci_party.y.name) is planned after them, and finds
// here what their ModifyPlan recorded.
//
// It is only ever used to relax a check that would otherwise refuse or warn about
// a plan that would apply: a letter the tenant's planned scheme has, a party this
// plan creates, a rename that moves nobody's duties. Nothing is written because of
// it, and the server checks every write again in the transaction that makes it, so
// a wrong entry can cost at most a warning that should have been an error, never a
// wrong write. Resources with no dependency between them may be planned in any
// order, even at once: a row that names its tenant or party by a literal string may
// be planned before the resource that changes them, and then the registry does not
// know yet; the checks warn then rather than refuse.
//
// During apply it also keeps, per object, the version a rename applied in this
// process moved it to, so that a row or checklist the rename rewrote can still be
// written with the version it was planned against (see rewrittenVersion).
type planRegistry struct {
	mu      sync.Mutex
	schemes map[string]raci.Scheme
	created map[tenantName]bool
	renames map[tenantName]string // old name -> new name
	// rewrites maps an object a rename rewrote ("responsibility/backing-up") to
	// the version it had before the rename and the one the rename gave it.
	rewrites map[tenantName]versionStep
	// warned holds the review warnings given in this process, to give each once.
	warned map[string]bool
	// rows holds the rows planned so far: the planned row, nil when the plan
	// deletes it.
	rows map[tenantName]*raci.Responsibility
}

type tenantName struct{ tenant, name string }

type versionStep struct{ from, to int64 }

func newPlanRegistry() *planRegistry {
	return &planRegistry{
		schemes:  map[string]raci.Scheme{},
		created:  map[tenantName]bool{},
		renames:  map[tenantName]string{},
		rewrites: map[tenantName]versionStep{},
		warned:   map[string]bool{},
		rows:     map[tenantName]*raci.Responsibility{},
	}
}

// plansOf returns the registry of the provider instance svc belongs to, or nil
// when svc was not handed over by the provider's Configure (unit tests); every
// method of a nil registry knows nothing and records nothing.
func plansOf(svc raci.Service) *planRegistry {
	if c, ok := svc.(*snapshotCache); ok {
		return c.plans
	}
	return nil
}

// planScheme records the scheme the plan gives the tenant.
func (p *planRegistry) planScheme(tenant string, scheme raci.Scheme) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.schemes[tenant] = scheme
}

// plannedScheme returns the scheme the plan gives the tenant, if it is known.
func (p *planRegistry) plannedScheme(tenant string) (raci.Scheme, bool) {
	if p == nil {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.schemes[tenant]
	return s, ok
}

// planParty records that the plan creates the party.
func (p *planRegistry) planParty(tenant, name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created[tenantName{tenant, name}] = true
}

// planRename records that the plan renames the party from to to.
func (p *planRegistry) planRename(tenant, from, to string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.renames[tenantName{tenant, from}] = to
}

// partyPlanned reports whether the plan creates a party by this name, or renames
// one to it.
func (p *planRegistry) partyPlanned(tenant, name string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.created[tenantName{tenant, name}] {
		return true
	}
	for from, to := range p.renames {
		if from.tenant == tenant && to == name {
			return true
		}
	}
	return false
}

// renamedTo returns the party's new name when the plan renames it.
func (p *planRegistry) renamedTo(tenant, name string) (string, bool) {
	if p == nil {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	to, ok := p.renames[tenantName{tenant, name}]
	return to, ok
}

// renamesIn returns the tenant's planned renames, old name to new.
func (p *planRegistry) renamesIn(tenant string) map[string]string {
	out := map[string]string{}
	if p == nil {
		return out
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for from, to := range p.renames {
		if from.tenant == tenant {
			out[from.name] = to
		}
	}
	return out
}

// recordRewrite records that a rename applied by this process moved the object
// from one version to the next.
func (p *planRegistry) recordRewrite(tenant, object string, from, to int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rewrites[tenantName{tenant, object}] = versionStep{from, to}
}

// rewrittenVersion returns the version a rename applied by this process gave the
// object, when the object was at version known before it: then the only change
// since Terraform last saw it is the rename, which the plan already shows. Any
// other change (a version that does not match) is not excused.
func (p *planRegistry) rewrittenVersion(tenant, object string, known int64) (int64, bool) {
	if p == nil {
		return 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	step, ok := p.rewrites[tenantName{tenant, object}]
	if !ok || step.from != known {
		return 0, false
	}
	return step.to, true
}

// firstWarning reports whether the warning (its summary and detail) is given for the
// first time in this process, and records it. A nil registry knows nothing: every
// warning is the first.
func (p *planRegistry) firstWarning(key string) bool {
	if p == nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.warned[key] {
		return false
	}
	p.warned[key] = true
	return true
}

// planRow records what the plan does to a row: planned is the row as planned, nil
// when the plan deletes it.
func (p *planRegistry) planRow(tenant, key string, planned *raci.Responsibility) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows[tenantName{tenant, key}] = planned
}

// plannedRowsOver returns the tenant's rows as this plan leaves them, as far as it
// was planned so far: stored are the rows the server holds; a row planned in this
// process replaces its stored version, or removes it when the plan deletes it, and
// rows the plan creates are added. A nil registry returns stored.
func (p *planRegistry) plannedRowsOver(tenant string, stored []*raci.Responsibility) []*raci.Responsibility {
	if p == nil {
		return stored
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*raci.Responsibility, 0, len(stored))
	seen := map[string]bool{}
	for _, r := range stored {
		seen[r.Key] = true
		planned, ok := p.rows[tenantName{tenant, r.Key}]
		switch {
		case !ok:
			out = append(out, r)
		case planned != nil:
			out = append(out, planned)
		}
	}
	for k, planned := range p.rows {
		if k.tenant == tenant && !seen[k.name] && planned != nil {
			out = append(out, planned)
		}
	}
	return out
}
