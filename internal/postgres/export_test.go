package postgres

import (
	"context"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
)

// MigrateFS applies the migrations in fsys to the database at url, as Open applies
// the embedded ones.
func MigrateFS(ctx context.Context, url string, fsys fs.FS) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrate(ctx, pool, fsys)
}
