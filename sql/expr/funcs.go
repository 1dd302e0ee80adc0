package expr

import (
	"runtime"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// VersionString is what version() returns; the server sets it.
var VersionString = "PostgreSQL 16.6 (stela) on " + runtime.GOARCH + "-" + runtime.GOOS + ", compiled by " + runtime.Version()

func fn(args []*types.T, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) *overload {
	return &overload{args: args, result: result, strict: true, fn: f}
}

// sessionFn is fn for a function that reads the session: restricted.
func sessionFn(args []*types.T, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) *overload {
	return readsSession(fn(args, result, f))
}

// readsSession marks o restricted: it reads the session.
func readsSession(o *overload) *overload {
	o.restricted = true
	return o
}

func volatileFn(args []*types.T, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) *overload {
	return &overload{args: args, result: result, strict: true, fn: f, volatile: true}
}

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	addFunc("version", fn(nil, types.Text, func(*Context, []types.Datum) (types.Datum, error) { return VersionString, nil }))
	addFunc("current_database", sessionFn(nil, types.Name, func(c *Context, _ []types.Datum) (types.Datum, error) { return c.Session.Database(), nil }))
	addFunc("current_catalog", sessionFn(nil, types.Name, func(c *Context, _ []types.Datum) (types.Datum, error) { return c.Session.Database(), nil }))
	addFunc("current_user", sessionFn(nil, types.Name, func(c *Context, _ []types.Datum) (types.Datum, error) { return c.Session.User(), nil }))
	addFunc("session_user", sessionFn(nil, types.Name, func(c *Context, _ []types.Datum) (types.Datum, error) { return c.Session.SessionUser(), nil }))
	addFunc("pg_backend_pid", sessionFn(nil, types.Int4, func(c *Context, _ []types.Datum) (types.Datum, error) {
		return int64(c.Session.BackendPID()), nil
	}))
	now := func(c *Context, _ []types.Datum) (types.Datum, error) {
		return types.TimestampTZFromTime(c.TxTime), nil
	}
	addFunc("now", fn(nil, types.TimestampTZType, now))
	addFunc("transaction_timestamp", fn(nil, types.TimestampTZType, now))
	addFunc("statement_timestamp", fn(nil, types.TimestampTZType, func(c *Context, _ []types.Datum) (types.Datum, error) {
		return types.TimestampTZFromTime(c.StatementTime), nil
	}))
	addFunc("clock_timestamp", volatileFn(nil, types.TimestampTZType, func(*Context, []types.Datum) (types.Datum, error) {
		return types.TimestampTZFromTime(time.Now()), nil
	}))
	addFunc("pg_sleep", volatileFn(t(types.Float8), types.Void, pgSleep))
	addFunc("current_setting", sessionFn(t(types.Text), types.Text, func(c *Context, a []types.Datum) (types.Datum, error) {
		return c.Session.Setting(a[0].(string))
	}))
	addFunc("current_setting", &overload{args: t(types.Text, types.Bool), result: types.Text, restricted: true, fn: func(c *Context, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		v, err := c.Session.Setting(a[0].(string))
		if err != nil && a[1] != nil && a[1].(bool) {
			return nil, nil // missing_ok
		}
		return v, err
	}})
	addFunc("set_config", &overload{args: t(types.Text, types.Text, types.Bool), result: types.Text, volatile: true, restricted: true,
		fn: func(c *Context, a []types.Datum) (types.Datum, error) {
			if a[0] == nil {
				return nil, pgerror.New(pgcode.NullValueNotAllowed, "SET requires parameter name")
			}
			val, _ := a[1].(string)
			local, _ := a[2].(bool)
			if err := c.Session.SetSetting(a[0].(string), val, local); err != nil {
				return nil, err
			}
			return c.Session.Setting(a[0].(string))
		}})
}

// pgSleep sleeps, waking up when the statement is canceled.
func pgSleep(c *Context, a []types.Datum) (types.Datum, error) {
	secs := a[0].(float64)
	if secs > 0 {
		t := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.Ctx.Done():
			return nil, c.Ctx.Err()
		}
	}
	return types.VoidValue{}, nil
}
