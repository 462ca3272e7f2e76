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

const (
	responsibilityColumns = `tenant, key, title, category, description, notes, accountability, optional, condition, position, version, created_at, updated_at`
	assignmentColumns     = `responsibility, party, roles, holder, condition`
)

const (
	qFindResponsibility = `SELECT ` + responsibilityColumns + ` FROM responsibilities WHERE tenant = $1 AND key = $2`
	// A NULL LIMIT is no limit: the same statement reads a page or a whole tenant.
	qListResponsibilities = `SELECT ` + responsibilityColumns + ` FROM responsibilities
		WHERE tenant = $1 AND key > $2 ORDER BY key LIMIT $3`
	qFindAssignments = `SELECT ` + assignmentColumns + ` FROM assignments
		WHERE tenant = $1 AND responsibility = $2 ORDER BY position`
	// The assignments of a page of rows: those whose row key lies in (after, last].
	qListAssignments = `SELECT ` + assignmentColumns + ` FROM assignments
		WHERE tenant = $1 AND responsibility > $2 AND responsibility <= $3 ORDER BY responsibility, position`
	qInsertResponsibility = `INSERT INTO responsibilities (` + responsibilityColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	qUpdateResponsibility = `UPDATE responsibilities SET title = $1, category = $2, description = $3, notes = $4,
		accountability = $5, optional = $6, condition = $7, position = $8, version = $9, updated_at = $10 WHERE tenant = $11 AND key = $12`
	qDeleteResponsibility = `DELETE FROM responsibilities WHERE tenant = $1 AND key = $2`
	qDeleteAssignments    = `DELETE FROM assignments WHERE tenant = $1 AND responsibility = $2`
	qInsertAssignment     = `INSERT INTO assignments (tenant, responsibility, position, party, roles, holder, condition)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
)

// WriteResponsibility inserts or updates the row as it is given, replacing its
// assignments, which go in one batch.
func (q conn) WriteResponsibility(ctx context.Context, r *raci.Responsibility, isNew bool) error {
	var err error
	if isNew {
		_, err = q.Exec(ctx, qInsertResponsibility, r.Tenant, r.Key, r.Title, r.Category, r.Description, r.Notes,
			string(r.Accountability), r.Optional, r.When, r.Position, r.Version, r.CreatedAt.UnixNano(), r.UpdatedAt.UnixNano())
	} else if _, err = q.Exec(ctx, qDeleteAssignments, r.Tenant, r.Key); err == nil {
		_, err = q.Exec(ctx, qUpdateResponsibility, r.Title, r.Category, r.Description, r.Notes,
			string(r.Accountability), r.Optional, r.When, r.Position, r.Version, r.UpdatedAt.UnixNano(), r.Tenant, r.Key)
	}
	if err != nil || len(r.Assignments) == 0 {
		return err
	}
	batch := &pgx.Batch{}
	for i, a := range r.Assignments {
		roles, err := json.Marshal(a.Roles)
		if err != nil {
			return fmt.Errorf("encode roles of assignment %d: %w", i, err)
		}
		batch.Queue(qInsertAssignment, r.Tenant, r.Key, i, a.Party, roles, a.Holder, a.When)
	}
	if err := q.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("assignments: %w", err)
	}
	return nil
}

// DeleteResponsibility deletes the row; its assignments go with it (ON DELETE
// CASCADE).
func (q conn) DeleteResponsibility(ctx context.Context, tenant, key string) error {
	_, err := q.Exec(ctx, qDeleteResponsibility, tenant, key)
	return err
}

// FindResponsibility returns the row with its assignments, or nil without an error
// when it does not exist.
func (q conn) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	r, err := scanResponsibility(q.QueryRow(ctx, qFindResponsibility, tenant, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		err = store.AddAssignments(ctx, q, []*raci.Responsibility{r}, scanAssignment, qFindAssignments, tenant, key)
	}
	if err != nil {
		return nil, fmt.Errorf("find responsibility %q: %w", tenant+"/"+key, err)
	}
	return r, nil
}

// ListResponsibilities returns up to limit rows of the tenant whose keys sort after
// after, with their assignments, in two queries whatever the number of rows; a
// negative limit returns them all.
func (q conn) ListResponsibilities(ctx context.Context, tenant, after string, limit int) ([]*raci.Responsibility, error) {
	rows, err := store.Collect(ctx, q, scanResponsibility, qListResponsibilities, tenant, after, limitArg(limit))
	if err == nil && len(rows) > 0 {
		err = store.AddAssignments(ctx, q, rows, scanAssignment, qListAssignments, tenant, after, rows[len(rows)-1].Key)
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
		key   string
		roles []byte
		a     raci.Assignment
	)
	if err := s.Scan(&key, &a.Party, &roles, &a.Holder, &a.When); err != nil {
		return "", a, err
	}
	if err := json.Unmarshal(roles, &a.Roles); err != nil {
		return "", a, fmt.Errorf("row %q: decode roles: %w", key, err)
	}
	if a.Roles == nil {
		a.Roles = []raci.Role{}
	}
	return key, a, nil
}
