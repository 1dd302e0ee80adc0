package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_db_role_setting: the setting defaults of ALTER DATABASE ... SET and
// ALTER ROLE ... SET, 0 for "all" roles or databases. Like PostgreSQL's,
// it is readable by every user (psql's \drds reads it).

func init() {
	addVtable("pg_db_role_setting", 2964, 'r', `setdatabase oid, setrole oid, setconfig text[]`,
		func(c *vctx) ([][]types.Datum, error) {
			rs, err := c.x.sess.engine.sys.RoleSettings()
			if err != nil {
				return nil, err
			}
			out := make([][]types.Datum, 0, len(rs))
			for _, r := range rs {
				var db, role uint32
				if r.Database != "" {
					db = databaseOID(r.Database)
				}
				if r.Role != "" {
					role = roleOID(r.Role)
				}
				out = append(out, []types.Datum{dOid(db), dOid(role), textArray(r.Config)})
			}
			return out, nil
		})
}

// textArray is a text[] of items.
func textArray(items []string) types.Datum {
	elems := make([]types.Datum, len(items))
	for i, it := range items {
		elems[i] = it
	}
	return types.NewArray(elems)
}

// roleConfigs are pg_roles.rolconfig (and pg_user.useconfig) by role:
// the role's defaults in every database, NULL when it has none.
func roleConfigs(sys *catalog.System) (map[string]types.Datum, error) {
	rs, err := sys.RoleSettings()
	if err != nil {
		return nil, err
	}
	out := map[string]types.Datum{}
	for _, r := range rs {
		if r.Role != "" && r.Database == "" {
			out[r.Role] = textArray(r.Config)
		}
	}
	return out, nil
}
