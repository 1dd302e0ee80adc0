package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/types"
)

// The advisory lock functions of PostgreSQL 15 (advisory_locks.go), each
// with a bigint key or two integer keys:
//
//	pg_advisory_lock[_shared]            wait, hold for the session
//	pg_advisory_xact_lock[_shared]       wait, hold for the transaction
//	pg_try_advisory_lock[_shared]        no wait: true when taken
//	pg_try_advisory_xact_lock[_shared]   no wait: true when taken
//	pg_advisory_unlock[_shared]          one session hold less: true if any
//	pg_advisory_unlock_all()             every session hold of the session

// advisoryCall is how a function of the family takes its lock.
type advisoryCall struct {
	name   string
	shared bool
	xact   bool
	try    bool
}

func init() {
	for _, shared := range []bool{false, true} {
		sfx := ""
		if shared {
			sfx = "_shared"
		}
		for _, c := range []advisoryCall{
			{name: "pg_advisory_lock" + sfx, shared: shared},
			{name: "pg_advisory_xact_lock" + sfx, shared: shared, xact: true},
			{name: "pg_try_advisory_lock" + sfx, shared: shared, try: true},
			{name: "pg_try_advisory_xact_lock" + sfx, shared: shared, xact: true, try: true},
		} {
			c := c
			result := types.Void
			if c.try {
				result = types.Bool
			}
			expr.AddVolatileFunc(c.name, []*types.T{types.Int8}, result, func(ec *expr.Context, a []types.Datum) (types.Datum, error) {
				return c.lock(ec, advisoryTag{key: a[0].(int64)})
			})
			expr.AddVolatileFunc(c.name, []*types.T{types.Int4, types.Int4}, result, func(ec *expr.Context, a []types.Datum) (types.Datum, error) {
				return c.lock(ec, pairTag(a[0].(int64), a[1].(int64)))
			})
		}
		shared := shared
		name := "pg_advisory_unlock" + sfx
		expr.AddVolatileFunc(name, []*types.T{types.Int8}, types.Bool, func(ec *expr.Context, a []types.Datum) (types.Datum, error) {
			return advisoryUnlock(ec, advisoryTag{key: a[0].(int64)}, shared)
		})
		expr.AddVolatileFunc(name, []*types.T{types.Int4, types.Int4}, types.Bool, func(ec *expr.Context, a []types.Datum) (types.Datum, error) {
			return advisoryUnlock(ec, pairTag(a[0].(int64), a[1].(int64)), shared)
		})
	}
	expr.AddVolatileFunc("pg_advisory_unlock_all", nil, types.Void, func(ec *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(ec)
		if err != nil {
			return nil, err
		}
		x.sess.engine.advisory.release(x.sess, false, true)
		return types.VoidValue{}, nil
	})
}

// pairTag names the lock of two integer keys.
func pairTag(k1, k2 int64) advisoryTag {
	return advisoryTag{key: k1<<32 | int64(uint32(k2)), pair: true}
}

func (c advisoryCall) lock(ec *expr.Context, tag advisoryTag) (types.Datum, error) {
	x, err := execOf(ec)
	if err != nil {
		return nil, err
	}
	s := x.sess
	tag.db = s.db
	ok, err := s.engine.advisory.acquire(x.ctx, s, tag, c.shared, c.xact, len(s.txn.savepoints), !c.try, s.lockTimeout())
	if err != nil {
		return nil, err
	}
	if c.try {
		return ok, nil
	}
	return types.VoidValue{}, nil
}

func advisoryUnlock(ec *expr.Context, tag advisoryTag, shared bool) (types.Datum, error) {
	x, err := execOf(ec)
	if err != nil {
		return nil, err
	}
	s := x.sess
	tag.db = s.db
	if s.engine.advisory.unlock(s, tag, shared) {
		return true, nil
	}
	mode := "ExclusiveLock"
	if shared {
		mode = "ShareLock"
	}
	s.notice("WARNING", pgcode.Warning, "you don't own a lock of type "+mode)
	return false, nil
}
