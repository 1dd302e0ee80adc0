package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// stela_grants() and stela_grants_at(system_tx): the grant records of the
// system log (catalog/grants.go), now or as of an earlier system tx, with
// the level immudb would name, the privilege letters, who made the
// latest change and in which system tx, when. With stela_system_state()
// and stela_system_tx(n) (prooffuncs.go) they make the history of rights
// readable and provable over SQL:
//
//	SELECT * FROM stela_grants_at(12) WHERE user_name = 'bob';
//
// A superuser sees every record; another user sees their own and those
// of the databases they administer (CREATE on the database), as of now.

var grantCols = []column{
	{name: "user_name", typ: types.Text},
	{name: "database_name", typ: types.Text},
	{name: "level", typ: types.Text},
	{name: "database_privileges", typ: types.Text},
	{name: "table_privileges", typ: types.Text},
	{name: "grantor", typ: types.Text},
	{name: "tx", typ: types.Int8},
	{name: "changed_at", typ: types.TimestampTZType},
}

func init() {
	catalogSetFuncs["stela_grants"] = &catalogSetFunc{
		cols: grantCols,
		rows: func(x *execCtx, _ []types.Datum) ([][]types.Datum, error) { return grantRows(x, 0) },
	}
	catalogSetFuncs["stela_grants_at"] = &catalogSetFunc{
		args:   []*types.T{types.Int8},
		cols:   grantCols,
		strict: true,
		rows: func(x *execCtx, args []types.Datum) ([][]types.Datum, error) {
			st := x.sess.engine.sys.Store()
			tx, err := checkTxID(st, args[0].(int64), "system transaction")
			if err != nil {
				return nil, err
			}
			return grantRows(x, tx)
		},
	}
}

// grantRows lists the grants the session may see as of system tx tx (0:
// the latest).
func grantRows(x *execCtx, tx uint64) ([][]types.Datum, error) {
	s := x.sess
	grants, err := s.engine.sys.Grants(tx)
	if err != nil {
		return nil, err
	}
	admin := map[string]bool{} // databases the session's user administers, now
	var rows [][]types.Datum
	for _, g := range grants {
		if !s.currentSuperuser() && g.User != s.currentUser() && g.User != catalog.Public {
			may, seen := admin[g.Database]
			if !seen {
				r, err := s.engine.rightsOf(s.currentUser(), g.Database)
				if err != nil {
					return nil, err
				}
				may = r.hasDatabase("C")
				admin[g.Database] = may
			}
			if !may {
				continue
			}
		}
		rows = append(rows, []types.Datum{
			granteeName(g.User), g.Database, g.Level(), catalog.PrivilegeList(g.DB, catalog.DatabasePrivs), catalog.PrivilegeList(g.Tables, catalog.TablePrivs),
			g.Grantor, int64(g.Tx), types.TimestampTZFromUnixMicros(g.Time),
		})
	}
	return rows, nil
}

// errSystemTxPrivilege refuses the system log's entries to a
// non-superuser: they hold users' password verifiers.
func errSystemTxPrivilege() error {
	return pgerror.New(pgcode.InsufficientPrivilege, "permission denied for function stela_system_tx").
		WithHint("Only a superuser may read the system log's entries; stela_grants_at() shows the rights as of any system tx.")
}
