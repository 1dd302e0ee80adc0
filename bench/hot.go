package bench

import (
	"context"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
)

// maxRetries bounds update-hot's retries of one operation: past it the
// operation counts as failed with its last error. Against stela with 8
// connections on 2 keys, one operation in a few thousand needs 60-80
// tries (optimistic conflicts let a writer lose many times in a row; 20
// runs of TestUpdateHotCountsRetries showed a longest streak of 82), so
// 100 made that test fail about once in 200 runs.
const maxRetries = 1000

// hotWorker updates one of a few keys (Rows, default 10) in autocommit,
// so that connections collide. A server that rejects a conflicting
// commit with 40001 (stela; PostgreSQL at REPEATABLE READ or above) gets
// the statement again, as an application must; the failures and the
// operations that needed them are counted apart from errors. PostgreSQL
// at its default READ COMMITTED makes the UPDATEs wait instead.
type hotWorker struct {
	c      *pgx.Conn
	stmt   string // the UPDATE (env.prepare)
	simple bool
	rnd    *rand.Rand
	keys   int64
}

func (w *hotWorker) conn() *pgx.Conn { return w.c }

func (w *hotWorker) op(ctx context.Context, s *stats) (int64, error) {
	id := 1 + w.rnd.Int64N(w.keys)
	for try := 0; ; try++ {
		sql, args := statement(w.simple, w.stmt, id)
		tag, err := w.c.Exec(ctx, sql, args...)
		if err == nil {
			if try > 0 {
				s.retriedOps++
			}
			return tag.RowsAffected(), nil
		}
		if !isSerializationFailure(err) || try == maxRetries || ctx.Err() != nil {
			return 0, err
		}
		s.serializationFailures++
	}
}

var updateHotWorkload = &workload{
	defaultRows: 10,
	minRows:     1,
	setup:       setupRead,
	newWorker: func(ctx context.Context, e *env, id int) (worker, error) {
		c, err := e.connect(ctx)
		if err != nil {
			return nil, err
		}
		stmt, err := e.prepare(ctx, c, "upd", "UPDATE "+e.cfg.Table+" SET k = k + 1 WHERE id = $1")
		if err != nil {
			c.Close(ctx)
			return nil, err
		}
		return &hotWorker{c: c, stmt: stmt, simple: e.cfg.Simple, rnd: newRand(id), keys: e.cfg.Rows}, nil
	},
}
