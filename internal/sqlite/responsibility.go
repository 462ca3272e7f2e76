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

const (
	responsibilityColumns = `tenant, key, title, category, description, notes, accountability, optional, condition, position, version, created_at, updated_at`
	assignmentColumns     = `responsibility, party, roles, holder, condition`
)

const (
	qFindResponsibility = `SELECT ` + responsibilityColumns + ` FROM responsibilities WHERE tenant = ? AND key = ?`
	// A negative LIMIT is no limit: the same statement reads a page or a whole tenant.
	qListResponsibilities = `SELECT ` + responsibilityColumns + ` FROM responsibilities
		WHERE tenant = ? AND key > ? ORDER BY key LIMIT ?`
	qFindAssignments = `SELECT ` + assignmentColumns + ` FROM assignments
		WHERE tenant = ? AND responsibility = ? ORDER BY position`
	// The assignments of a page of rows: those whose row key lies in (after, last].
	qListAssignments = `SELECT ` + assignmentColumns + ` FROM assignments
		WHERE tenant = ? AND responsibility > ? AND responsibility <= ? ORDER BY responsibility, position`
	qInsertResponsibility = `INSERT INTO responsibilities (` + responsibilityColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateResponsibility = `UPDATE responsibilities SET title = ?, category = ?, description = ?, notes = ?,
		accountability = ?, optional = ?, condition = ?, position = ?, version = ?, updated_at = ? WHERE tenant = ? AND key = ?`
	qDeleteResponsibility = `DELETE FROM responsibilities WHERE tenant = ? AND key = ?`
	qDeleteAssignments    = `DELETE FROM assignments WHERE tenant = ? AND responsibility = ?`
	qInsertAssignment     = `INSERT INTO assignments (tenant, responsibility, position, party, roles, holder, condition)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
)

// WriteResponsibility inserts or updates the row as it is given, replacing its
// assignments.
func (t *tx) WriteResponsibility(ctx context.Context, r *raci.Responsibility, isNew bool) error {
	var err error
	if isNew {
		err = t.exec(ctx, qInsertResponsibility, r.Tenant, r.Key, r.Title, r.Category, r.Description, r.Notes,
			string(r.Accountability), r.Optional, r.When, r.Position, r.Version, r.CreatedAt.UnixNano(), r.UpdatedAt.UnixNano())
	} else if err = t.exec(ctx, qDeleteAssignments, r.Tenant, r.Key); err == nil {
		err = t.exec(ctx, qUpdateResponsibility, r.Title, r.Category, r.Description, r.Notes,
			string(r.Accountability), r.Optional, r.When, r.Position, r.Version, r.UpdatedAt.UnixNano(), r.Tenant, r.Key)
	}
	if err != nil {
		return err
	}
	for i, a := range r.Assignments {
		roles, err := json.Marshal(a.Roles)
		if err != nil {
			return fmt.Errorf("encode roles: %w", err)
		}
		if err := t.exec(ctx, qInsertAssignment, r.Tenant, r.Key, i, a.Party, string(roles), a.Holder, a.When); err != nil {
			return fmt.Errorf("assignment %d: %w", i, err)
		}
	}
	return nil
}

// DeleteResponsibility deletes the row; its assignments go with it (ON DELETE
// CASCADE).
func (t *tx) DeleteResponsibility(ctx context.Context, tenant, key string) error {
	return t.exec(ctx, qDeleteResponsibility, tenant, key)
}

// FindResponsibility returns the row with its assignments, or nil without an error
// when it does not exist.
func (t *tx) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	r, err := scanResponsibility(t.queryRow(ctx, qFindResponsibility, tenant, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		err = store.AddAssignments(ctx, t, []*raci.Responsibility{r}, scanAssignment, qFindAssignments, tenant, key)
	}
	if err != nil {
		return nil, fmt.Errorf("find responsibility %q: %w", tenant+"/"+key, err)
	}
	return r, nil
}

// ListResponsibilities returns up to limit rows of the tenant whose keys sort after
// after, with their assignments, in two queries whatever the number of rows; a
// negative limit returns them all.
func (t *tx) ListResponsibilities(ctx context.Context, tenant, after string, limit int) ([]*raci.Responsibility, error) {
	rows, err := store.Collect(ctx, t, scanResponsibility, qListResponsibilities, tenant, after, limit)
	if err == nil && len(rows) > 0 {
		err = store.AddAssignments(ctx, t, rows, scanAssignment, qListAssignments, tenant, after, rows[len(rows)-1].Key)
	}
	if err != nil {
		return nil, fmt.Errorf("list responsibilities of tenant %q: %w", tenant, err)
	}
	return rows, nil
}

func scanResponsibility(s store.Scanner) (*raci.Responsibility, error) {
	var (
		r                raci.Responsibility
		created, updated int64
	)
	if err := s.Scan(&r.Tenant, &r.Key, &r.Title, &r.Category, &r.Description, &r.Notes, &r.Accountability, &r.Optional, &r.When, &r.Position, &r.Version, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromNanos(created), fromNanos(updated)
	r.Assignments = []raci.Assignment{}
	return &r, nil
}

// scanAssignment returns the key of the row an assignment belongs to and the
// assignment.
func scanAssignment(s store.Scanner) (string, raci.Assignment, error) {
	var (
		key, roles string
		a          raci.Assignment
	)
	if err := s.Scan(&key, &a.Party, &roles, &a.Holder, &a.When); err != nil {
		return "", a, err
	}
	if err := json.Unmarshal([]byte(roles), &a.Roles); err != nil {
		return "", a, fmt.Errorf("row %q: decode roles: %w", key, err)
	}
	if a.Roles == nil {
		a.Roles = []raci.Role{}
	}
	return key, a, nil
}
