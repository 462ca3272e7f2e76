package raci_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// pagedService serves a tenant whose parties and rows come two to a page; it has
// no Snapshot method, so ReadSnapshot must page through the lists.
type pagedService struct {
	raci.Service // nil: calling anything not overridden panics
	parties      []string
	rows         []string
	next         func(after string) string // overrides Next, to simulate a broken store
}

func (s *pagedService) FindTenant(_ context.Context, name string) (*raci.Tenant, error) {
	if name != "acme" {
		return nil, raci.Errorf(raci.ENOTFOUND, "Tenant %q does not exist.", name)
	}
	return &raci.Tenant{Name: "acme"}, nil
}

// ListChecklists serves a tenant with no checklists.
func (s *pagedService) ListChecklists(context.Context, string, raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
	return &raci.Page[*raci.Checklist]{Items: []*raci.Checklist{}}, nil
}

func page(names []string, opts raci.ListOptions, next func(string) string) (items []string, nextName string) {
	for _, n := range names {
		if n > opts.After && len(items) < 2 {
			items = append(items, n)
		}
	}
	if len(items) == 2 && items[1] != names[len(names)-1] {
		nextName = items[1]
	}
	if next != nil {
		nextName = next(opts.After)
	}
	return items, nextName
}

func (s *pagedService) ListParties(_ context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	names, next := page(s.parties, opts, s.next)
	p := &raci.Page[*raci.Party]{Next: next}
	for _, n := range names {
		p.Items = append(p.Items, &raci.Party{Tenant: tenant, Name: n})
	}
	return p, nil
}

func (s *pagedService) ListResponsibilities(_ context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Responsibility], error) {
	keys, next := page(s.rows, opts, nil)
	p := &raci.Page[*raci.Responsibility]{Next: next}
	for _, k := range keys {
		p.Items = append(p.Items, &raci.Responsibility{Tenant: tenant, Key: k})
	}
	return p, nil
}

func TestReadSnapshotPagesThroughLists(t *testing.T) {
	svc := &pagedService{parties: []string{"a", "b", "c", "d", "e"}, rows: []string{"k1", "k2"}}
	snap, err := raci.ReadSnapshot(t.Context(), svc, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range snap.Parties {
		got = append(got, p.Name)
	}
	if fmt.Sprint(got) != "[a b c d e]" || len(snap.Responsibilities) != 2 || snap.Tenant.Name != "acme" {
		t.Errorf("snapshot parties %v, %d rows, tenant %+v", got, len(snap.Responsibilities), snap.Tenant)
	}

	empty := &pagedService{}
	snap, err = raci.ReadSnapshot(t.Context(), empty, "acme")
	if err != nil || snap.Parties == nil || snap.Responsibilities == nil {
		t.Errorf("empty tenant: %+v, %v; want empty, non-nil lists", snap, err)
	}

	if _, err := raci.ReadSnapshot(t.Context(), svc, "globex"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("missing tenant: %v, want ENOTFOUND", err)
	}
}

func TestReadSnapshotStopsOnAStuckList(t *testing.T) {
	svc := &pagedService{parties: []string{"a", "b", "c"}, next: func(string) string { return "a" }}
	if _, err := raci.ReadSnapshot(t.Context(), svc, "acme"); raci.ErrorCode(err) != raci.EINTERNAL {
		t.Errorf("err = %v, want EINTERNAL instead of looping", err)
	}
}

type snapshotter struct {
	raci.Service
	calls int
}

func (s *snapshotter) Snapshot(_ context.Context, tenant string) (*raci.Snapshot, error) {
	s.calls++
	return &raci.Snapshot{Tenant: &raci.Tenant{Name: tenant}}, nil
}

func TestReadSnapshotPrefersSnapshotService(t *testing.T) {
	svc := &snapshotter{}
	if _, err := raci.ReadSnapshot(t.Context(), svc, "acme"); err != nil || svc.calls != 1 {
		t.Errorf("err %v, %d Snapshot calls; want the store's own Snapshot used", err, svc.calls)
	}
}
