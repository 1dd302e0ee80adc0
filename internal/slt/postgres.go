package slt

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

var dbSeq atomic.Int64

// PostgresDatabases returns a DSNFunc for a real PostgreSQL: through the
// administrative connection adminDSN (a URL or keyword/value DSN whose user
// may create databases) it creates a new database per file with CREATE
// DATABASE, and the release function drops it (WITH (FORCE), PostgreSQL
// 13 or later).
func PostgresDatabases(adminDSN string) DSNFunc {
	return func(ctx context.Context, file string) (string, func(), error) {
		name := fmt.Sprintf("slt_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, dbSeq.Add(1))
		if err := adminExec(ctx, adminDSN, "CREATE DATABASE "+name); err != nil {
			return "", nil, err
		}
		dsn, err := withDatabase(adminDSN, name)
		if err != nil {
			_ = adminExec(context.Background(), adminDSN, "DROP DATABASE IF EXISTS "+name)
			return "", nil, err
		}
		release := func() {
			_ = adminExec(context.Background(), adminDSN, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
		return dsn, release, nil
	}
}

func adminExec(ctx context.Context, dsn, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql).ReadAll()
	return errString(err)
}

// withDatabase returns dsn with its database replaced by db.
func withDatabase(dsn, db string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		u.Path = "/" + db
		u.RawPath = ""
		return u.String(), nil
	}
	// Keyword/value: a later setting overrides an earlier one.
	return strings.TrimSpace(dsn) + " dbname=" + db, nil
}
