package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The privilege inquiry functions (has_table_privilege and the like)
// answer from the grants the statements check (privileges.go): a table
// privilege from the user's table privileges in the session's database,
// a database privilege from the user's grant in that database, a column
// privilege from the table privilege or the user's privileges on the
// column (has_any_column_privilege: on any column). Schemas:
// USAGE comes with CONNECT (every schema of a database is usable by whoever
// may connect to it), CREATE with the database's CREATE. Sequences use
// table privileges as nextval and currval check them (USAGE and UPDATE:
// UPDATE; SELECT: SELECT). Functions: EXECUTE for everyone (stela has no
// function grants). Where stela refuses the action to everyone,
// superusers included, the answer is false: no object can be created in
// pg_catalog or information_schema, and pg_catalog's relations, computed
// from the catalog, can only be read (by everyone, as PostgreSQL grants
// SELECT on them to PUBLIC). Missing objects and users give PostgreSQL's
// errors when named, NULL when given by OID.

// privTarget is one family of has_*_privilege functions.
type privTarget struct {
	name  string
	privs []string
	// byName resolves the object's name; byOID its OID (ok false: NULL).
	byName func(x *execCtx, s string) (privObject, error)
	byOID  func(x *execCtx, oid uint32) (privObject, bool, error)
	column bool // has_column_privilege: a column argument follows
	// anyColumn: a privilege on any column of the relation will do
	// (has_any_column_privilege).
	anyColumn bool
}

// privObject is the object a privilege is asked of.
type privObject struct {
	oid  uint32
	name string
	kind byte // 'r' relation, 'S' sequence, 'n' schema, 'd' database, 'f' function
	// owner is a relation's owner, who holds every privilege on it.
	owner string
	// readOnly objects can only be read; noCreate schemas take no
	// objects.
	readOnly, noCreate bool
}

func init() {
	tablePrivs := []string{"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
	columnPrivs := []string{"SELECT", "INSERT", "UPDATE", "REFERENCES"}
	targets := []privTarget{
		{name: "has_table_privilege", privs: tablePrivs, byName: relationPrivByName, byOID: relationPrivByOID},
		{name: "has_any_column_privilege", privs: columnPrivs, byName: relationPrivByName, byOID: relationPrivByOID, anyColumn: true},
		{name: "has_column_privilege", privs: columnPrivs, byName: relationPrivByName, byOID: relationPrivByOID, column: true},
		{name: "has_sequence_privilege", privs: []string{"USAGE", "SELECT", "UPDATE"}, byName: sequencePrivByName, byOID: sequencePrivByOID},
		{name: "has_schema_privilege", privs: []string{"CREATE", "USAGE"}, byName: schemaPrivByName, byOID: schemaPrivByOID},
		{name: "has_database_privilege", privs: []string{"CREATE", "CONNECT", "TEMPORARY", "TEMP"}, byName: databasePrivByName, byOID: databasePrivByOID},
		{name: "has_function_privilege", privs: []string{"EXECUTE"}, byName: functionPrivByName, byOID: functionPrivByOID},
	}
	for _, tg := range targets {
		tg := tg
		for _, user := range []*types.T{nil, types.Name, types.OidType} {
			for _, obj := range []*types.T{types.Text, types.OidType} {
				cols := []*types.T{nil}
				if tg.column {
					cols = []*types.T{types.Text, types.Int2}
				}
				for _, col := range cols {
					var args []*types.T
					if user != nil {
						args = append(args, user)
					}
					args = append(args, obj)
					if col != nil {
						args = append(args, col)
					}
					args = append(args, types.Text)
					expr.AddFunc(tg.name, args, types.Bool, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
						x, err := execOf(c)
						if err != nil {
							return nil, err
						}
						return tg.eval(x, user != nil, a)
					})
				}
			}
		}
	}
}

// eval runs a call; withUser when the first argument names the user.
func (tg *privTarget) eval(x *execCtx, withUser bool, a []types.Datum) (types.Datum, error) {
	user := x.sess.currentUser()
	if withUser {
		switch u := a[0].(type) {
		case string:
			if _, err := x.sess.engine.sys.User(u); err != nil {
				return nil, err
			}
			user = u
		case int64:
			name, err := roleName(x, uint32(u))
			if err != nil || name == "" {
				return nil, err
			}
			user = name
		}
		a = a[1:]
	}
	privs, err := parsePrivileges(a[len(a)-1].(string), tg.privs)
	if err != nil {
		return nil, err
	}
	var obj privObject
	switch o := a[0].(type) {
	case string:
		if obj, err = tg.byName(x, o); err != nil {
			return nil, err
		}
	case int64:
		ok := false
		if obj, ok, err = tg.byOID(x, uint32(o)); err != nil || !ok {
			return nil, err
		}
	}
	var colID uint32
	if tg.column {
		id, ok, err := columnExists(x, obj, a[1])
		if err != nil || !ok {
			return nil, err
		}
		colID = id
	}
	db := x.sess.db.Name
	if obj.kind == 'd' {
		db = obj.name
	}
	r, err := x.sess.rightsIn(user, db)
	if err != nil {
		return nil, err
	}
	for _, p := range privs {
		switch {
		case obj.readOnly:
			if p == "SELECT" {
				return true, nil
			}
		case obj.noCreate && p == "CREATE":
		case r.holds(obj, p):
			return true, nil // any of the listed privileges will do
		case obj.kind == 'r' && tg.column && catalog.Has(r.grant.OnColumn(obj.oid, colID), tablePrivLetters[p]):
			return true, nil
		case obj.kind == 'r' && tg.anyColumn && r.holdsOnAnyColumn(obj.oid, tablePrivLetters[p]):
			return true, nil
		}
	}
	return false, nil
}

// tablePrivLetters are the aclitem letters of the table privileges, by
// name.
var tablePrivLetters = func() map[string]string {
	m := map[string]string{}
	for _, l := range catalog.TablePrivs {
		m[catalog.PrivilegeNames[l]] = string(l)
	}
	return m
}()

// holds reports whether the rights include privilege p on an object.
func (r *rights) holds(obj privObject, p string) bool {
	if r.owns(obj.owner) {
		return true
	}
	switch obj.kind {
	case 'r', 'i':
		return r.hasRelation(tablePrivLetters[p], obj.oid)
	case 'S':
		// USAGE on a sequence is also given by UPDATE (seqfuncs.go).
		if p == "USAGE" {
			return r.hasRelation("U", obj.oid) || r.hasRelation("w", obj.oid)
		}
		return r.hasRelation(tablePrivLetters[p], obj.oid)
	case 'n':
		if p == "CREATE" {
			return r.hasDatabase("C")
		}
		return r.hasDatabase("c")
	case 'd':
		switch p {
		case "CREATE":
			return r.hasDatabase("C")
		case "CONNECT":
			return r.hasDatabase("c")
		default: // TEMPORARY, TEMP
			return r.hasDatabase("T")
		}
	}
	return true // 'f': EXECUTE, which everyone has
}

// holdsOnAnyColumn reports whether the rights include privs on some
// column of relation rel by a column grant.
func (r *rights) holdsOnAnyColumn(rel uint32, privs string) bool {
	for _, l := range r.grant.Columns[rel] {
		if catalog.Has(l, privs) {
			return true
		}
	}
	return false
}

// parsePrivileges reads 'SELECT, INSERT WITH GRANT OPTION': privilege
// names, any case, separated by commas (grant options are as good as
// the privileges: nobody grants anything).
func parsePrivileges(s string, valid []string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		word := strings.ToUpper(p)
		if w, ok := strings.CutSuffix(word, " WITH GRANT OPTION"); ok {
			word = strings.TrimSpace(w)
		}
		found := false
		for _, v := range valid {
			found = found || v == word
		}
		if !found {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "unrecognized privilege type: \"%s\"", p)
		}
		out = append(out, word)
	}
	return out, nil
}

func relationPrivByName(x *execCtx, s string) (privObject, error) {
	parts, err := splitQualifiedName(s)
	if err != nil {
		return privObject{}, err
	}
	oid, err := relationOID(x, parts)
	if err != nil {
		return privObject{}, err
	}
	obj, _, err := relationPrivByOID(x, oid)
	return obj, err
}

func relationPrivByOID(x *execCtx, oid uint32) (privObject, bool, error) {
	if vt := vtableByOID(oid); vt != nil {
		return privObject{oid: oid, name: vt.name, kind: 'r', readOnly: true}, true, nil
	}
	_, ix, err := indexTable(x.txn, oid)
	if err != nil {
		return privObject{}, false, err
	}
	if ix != nil {
		return privObject{oid: oid, name: ix.Name, kind: 'i'}, true, nil
	}
	d, err := catalog.Get(x.txn, oid)
	if err == nil && d == nil {
		// A composite type's relation: its owner's alone, as
		// PostgreSQL's relacl NULL gives it.
		d, err = compositeByRelid(x, oid)
	}
	if err != nil || d == nil || d.Kind == catalog.KindSchema {
		return privObject{}, false, err
	}
	kind := byte('r')
	if d.Kind == catalog.KindSequence {
		kind = 'S'
	}
	return privObject{oid: oid, name: d.Name, kind: kind, owner: d.Owner}, true, nil
}

func errNotSequence(name string) error {
	return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a sequence", name)
}

func sequencePrivByName(x *execCtx, s string) (privObject, error) {
	obj, err := relationPrivByName(x, s)
	if err == nil && obj.kind != 'S' {
		return obj, errNotSequence(s)
	}
	return obj, err
}

func sequencePrivByOID(x *execCtx, oid uint32) (privObject, bool, error) {
	obj, ok, err := relationPrivByOID(x, oid)
	if err == nil && ok && obj.kind != 'S' {
		return obj, false, errNotSequence(obj.name)
	}
	return obj, ok, err
}

// noCreateSchema reports the schemas stela creates nothing in.
func noCreateSchema(id uint32) bool {
	return id == catalog.PgCatalogID || id == catalog.InformationSchemaID
}

func schemaPrivByName(x *execCtx, s string) (privObject, error) {
	d, err := catalog.Schema(x.txn, s)
	if err != nil {
		return privObject{}, err
	}
	return privObject{oid: d.ID, name: d.Name, kind: 'n', noCreate: noCreateSchema(d.ID)}, nil
}

func schemaPrivByOID(x *execCtx, oid uint32) (privObject, bool, error) {
	d, err := catalog.Get(x.txn, oid)
	if err != nil || d == nil || d.Kind != catalog.KindSchema {
		return privObject{}, false, err
	}
	return privObject{oid: d.ID, name: d.Name, kind: 'n', noCreate: noCreateSchema(d.ID)}, true, nil
}

func databasePrivByName(x *execCtx, s string) (privObject, error) {
	if _, err := x.sess.engine.Database(s); err != nil {
		return privObject{}, err
	}
	return privObject{oid: databaseOID(s), name: s, kind: 'd'}, nil
}

func databasePrivByOID(x *execCtx, oid uint32) (privObject, bool, error) {
	for _, n := range x.sess.engine.Databases() {
		if databaseOID(n) == oid {
			return privObject{oid: oid, name: n, kind: 'd'}, true, nil
		}
	}
	return privObject{}, false, nil
}

func functionPrivByName(_ *execCtx, s string) (privObject, error) {
	oid, err := procOIDBySignature(s)
	return privObject{oid: oid, name: s, kind: 'f'}, err
}

func functionPrivByOID(_ *execCtx, oid uint32) (privObject, bool, error) {
	r := procByOID(oid)
	if r == nil {
		return privObject{}, false, nil
	}
	return privObject{oid: oid, name: r.name, kind: 'f'}, true, nil
}

// columnExists checks has_column_privilege's column (a name: 42703 when
// missing; an attnum: NULL when missing), and returns the id its column
// grants are kept by (a table column's id, a view column's attnum).
func columnExists(x *execCtx, obj privObject, col types.Datum) (uint32, bool, error) {
	names, ids, err := relationColumns(x, obj.oid, nil)
	if err != nil {
		return 0, false, err
	}
	switch c := col.(type) {
	case string:
		for i, n := range names {
			if n == c {
				return ids[i], true, nil
			}
		}
		return 0, false, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", c, obj.name)
	case int64:
		if c >= 1 && int(c) <= len(names) && names[c-1] != "" {
			return ids[c-1], true, nil
		}
	}
	return 0, false, nil
}
