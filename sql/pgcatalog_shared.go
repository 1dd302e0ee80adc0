package sql

import (
	"sort"

	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/types"
)

// pg_database, pg_roles, pg_user, pg_settings,
// pg_description, pg_shdescription and pg_stat_activity:
// the server-wide relations, from the system catalog and the session.

func init() {
	addVtable("pg_database", 1262, 'r', `oid oid, datname name, datdba oid, encoding integer,
		datlocprovider "char", datistemplate boolean, datallowconn boolean, datconnlimit integer,
		datfrozenxid xid, datminmxid xid, dattablespace oid, datcollate text, datctype text,
		daticulocale text, datcollversion text, datacl aclitem[]`, pgDatabaseRows)
	addVtable("pg_roles", 12000, 'v', `rolname name, rolsuper boolean, rolinherit boolean,
		rolcreaterole boolean, rolcreatedb boolean, rolcanlogin boolean, rolreplication boolean,
		rolconnlimit integer, rolpassword text, rolvaliduntil timestamp with time zone,
		rolbypassrls boolean, rolconfig text[], oid oid`, pgRolesRows)
	addVtable("pg_user", 12014, 'v', `usename name, usesysid oid, usecreatedb boolean, usesuper boolean,
		userepl boolean, usebypassrls boolean, passwd text, valuntil timestamp with time zone,
		useconfig text[]`, pgUserRows)
	addVtable("pg_settings", 12104, 'v', `name text, setting text, unit text, category text, short_desc text,
		extra_desc text, context text, vartype text, source text, min_val text, max_val text,
		enumvals text[], boot_val text, reset_val text, sourcefile text, sourceline integer,
		pending_restart boolean`, pgSettingsRows)
	// The comments COMMENT ON gave the catalog's objects, the
	// extensions' and the languages', then the built-in functions' and
	// operators' descriptions.
	addVtable("pg_description", 2609, 'r', `objoid oid, classoid oid, objsubid integer, description text`,
		func(c *vctx) ([][]types.Datum, error) {
			out, err := catalogComments(c)
			if err != nil {
				return nil, err
			}
			exts, err := extensionComments(c)
			if err != nil {
				return nil, err
			}
			out = append(out, exts...)
			langs, err := languageComments(c)
			if err != nil {
				return nil, err
			}
			out = append(out, langs...)
			for _, r := range servedProcs() {
				if r.desc != "" {
					out = append(out, []types.Datum{dOid(r.oid), dOid(1255), dInt(0), r.desc})
				}
			}
			for _, r := range servedOperators() {
				if r.desc != "" {
					out = append(out, []types.Datum{dOid(r.oid), dOid(2617), dInt(0), r.desc})
				}
			}
			return out, nil
		})
	addVtable("pg_shdescription", 2396, 'r', `objoid oid, classoid oid, description text`, emptyRows)
}

func pgDatabaseRows(c *vctx) ([][]types.Datum, error) {
	dbs, err := c.x.sess.engine.sys.Databases()
	if err != nil {
		return nil, err
	}
	grants, err := c.x.sess.engine.sys.Grants(0)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range dbs {
		if !c.x.sess.mayConnectTo(d) {
			continue
		}
		owner := uint32(adminRoleOID)
		if d.Owner != "" {
			owner = roleOID(d.Owner)
		}
		// Encoding UTF8; locale C, as stela compares bytewise.
		out = append(out, []types.Datum{
			dOid(databaseOID(d.Name)), d.Name, dOid(owner), dInt(int(pgenc.UTF8.ID())), dChar('c'), dBool(false),
			dBool(true), dInt(-1), dOid(0), dOid(0), dOid(1663), "C", "C", nil, nil, databaseACL(d, grants),
		})
	}
	return out, nil
}

func pgRolesRows(c *vctx) ([][]types.Datum, error) {
	users, err := c.x.sess.engine.sys.Users()
	if err != nil {
		return nil, err
	}
	configs, err := roleConfigs(c.x.sess.engine.sys)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, u := range users {
		// rolpassword is always masked in pg_roles. CREATEROLE,
		// CREATEDB and BYPASSRLS are not attributes of their own in
		// stela (superusers can do it all, others none of it): shown,
		// as in PostgreSQL, on the bootstrap superuser only.
		boot := dBool(u.Name == AdminUser)
		out = append(out, []types.Datum{
			u.Name, u.Superuser, dBool(!u.NoInherit), boot, boot, u.Login, dBool(false),
			dInt(-1), "********", nil, boot, configs[u.Name], dOid(roleOID(u.Name)),
		})
	}
	return out, nil
}

func pgUserRows(c *vctx) ([][]types.Datum, error) {
	users, err := c.x.sess.engine.sys.Users()
	if err != nil {
		return nil, err
	}
	configs, err := roleConfigs(c.x.sess.engine.sys)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, u := range users {
		if !u.Login {
			continue
		}
		out = append(out, []types.Datum{
			u.Name, dOid(roleOID(u.Name)), dBool(u.Name == AdminUser), u.Superuser, dBool(false), dBool(u.Name == AdminUser),
			"********", nil, configs[u.Name],
		})
	}
	return out, nil
}

func pgSettingsRows(c *vctx) ([][]types.Datum, error) {
	s := c.x.sess
	names := settingNames()
	sort.Strings(names)
	var out [][]types.Datum
	for _, key := range names {
		st := settings[key]
		if st.hidden {
			continue
		}
		v, err := s.Setting(st.name)
		if err != nil {
			return nil, err
		}
		context, source := "user", "default"
		if st.readOnly {
			context = "internal"
		}
		reset := st.def(s)
		if r, ok := s.resetVals[key]; ok {
			reset, source = r.value, r.source
		}
		if _, ok := s.vars[key]; ok {
			source = "session"
		}
		out = append(out, []types.Datum{
			// unit, category and vartype are NULL: stela's settings
			// registry does not record them.
			st.name, v, nil, nil, dTextOrNull(st.desc), nil, context, nil, source, nil, nil, nil,
			st.def(s), reset, nil, nil, dBool(false),
		})
	}
	return out, nil
}
