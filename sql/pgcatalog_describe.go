package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pg_describe_object(classid, objid, objsubid): PostgreSQL's one-line
// description of a catalog object, as error details and psql's \dx+
// print it ("table t1", "column a of table t1", "function
// digest(text,text)", "constraint t1_pkey on table t1", "default value
// for column id of table t1"...). A name is qualified by its schema when
// the search path would not find it by its bare name; names of schemas,
// constraints, columns and the shared objects are not quoted, as in
// PostgreSQL. NULL for an object that does not exist.
//
// The classes described are those whose objects stela has; the other
// catalog tables of PostgreSQL (pg_operator, pg_opclass, pg_collation,
// pg_cast...) are refused (0A000) rather than answered NULL, which would
// claim their objects do not exist.

// Catalog OIDs of the shared and fixed classes described.
const (
	pgDatabaseOID = 1262
	pgAuthidOID   = 1260
	pgLanguageOID = 2612
	pgAmOID       = 2601
)

func init() {
	expr.AddFunc("pg_describe_object", []*types.T{types.OidType, types.OidType, types.Int4}, types.Text, true,
		func(c *expr.Context, a []types.Datum) (types.Datum, error) {
			x, err := execOf(c)
			if err != nil {
				return nil, err
			}
			s, err := describeObject(x, uint32(a[0].(int64)), uint32(a[1].(int64)), int(a[2].(int64)))
			if err != nil || s == "" {
				return nil, err
			}
			return s, nil
		})
}

// describeObject is pg_describe_object's text, "" for a missing object.
func describeObject(x *execCtx, class, oid uint32, sub int) (string, error) {
	// PostgreSQL's elog gives these two XX000; in stela XX000 is kept
	// for its own faults (logged as such), so bad arguments are 22023.
	if class != pgClassOID && sub != 0 {
		return "", pgerror.Newf(pgcode.InvalidParameterValue, "invalid non-zero objectSubId for object class %d", class)
	}
	prefixed := func(prefix string) func(string, error) (string, error) {
		return func(name string, err error) (string, error) {
			if err != nil || name == "" {
				return "", err
			}
			return prefix + name, nil
		}
	}
	switch class {
	case pgClassOID:
		return describeRelation(x, oid, sub)
	case pgTypeOID:
		return prefixed("type ")(describeTypeName(x, oid))
	case pgProcOID:
		return prefixed("function ")(describeFunctionName(x, oid))
	case pgNamespaceOID:
		return prefixed("schema ")(vtableRowName(x, "pg_namespace", oid, "nspname"))
	case pgConstraintOID:
		return describeConstraint(x, oid)
	case pgAttrdefOID:
		tag, table, attnum := splitSubOID(oid)
		if tag != oidAttrdefTag {
			return "", nil
		}
		return prefixed("default value for ")(describeRelation(x, table, attnum))
	case pgExtensionOID:
		exts, err := catalog.Extensions(x.txn)
		if err != nil {
			return "", err
		}
		for _, e := range exts {
			if e.OID == oid {
				return "extension " + e.Name, nil
			}
		}
		return "", nil
	case pgDatabaseOID:
		return prefixed("database ")(vtableRowName(x, "pg_database", oid, "datname"))
	case pgAuthidOID:
		return prefixed("role ")(roleName(x, oid))
	case pgLanguageOID:
		return prefixed("language ")(vtableRowName(x, "pg_language", oid, "lanname"))
	case pgAmOID:
		return prefixed("access method ")(vtableRowName(x, "pg_am", oid, "amname"))
	}
	if vt := vtableByOID(class); vt != nil && vt.kind == 'r' || unservedCatalogClasses[class] {
		return "", pgerror.Newf(pgcode.FeatureNotSupported, "pg_describe_object of objects of class %d is not supported", class)
	}
	return "", pgerror.Newf(pgcode.InvalidParameterValue, "unrecognized object class: %d", class)
}

// unservedCatalogClasses are the OIDs of PostgreSQL 15's catalog tables
// that unservedCatalogs names (vtables has the others): classes
// PostgreSQL knows, so not "unrecognized".
var unservedCatalogClasses = map[uint32]bool{
	826: true, 1214: true, 1260: true, 1417: true, 1418: true, 2328: true, 2603: true, 2605: true,
	2613: true, 2619: true, 2995: true, 3118: true, 3394: true, 3429: true, 3466: true, 3576: true,
	3592: true, 3596: true, 3600: true, 3601: true, 3602: true, 3603: true, 3764: true, 6000: true, 6100: true,
	6102: true, 6243: true,
}

// describeRelation describes a relation (pg_class object), or with sub
// > 0 its column number sub.
func describeRelation(x *execCtx, oid uint32, sub int) (string, error) {
	name, err := relationName(x, oid)
	if err != nil || name == "" {
		return "", err
	}
	var kind string
	var cols []string
	if vt := vtableByOID(oid); vt != nil {
		kind = "table"
		if vt.kind == 'v' {
			kind = "view"
		}
		for _, c := range vt.cols {
			cols = append(cols, c.name)
		}
	} else if tag, _, _ := splitSubOID(oid); tag == oidIndexTag {
		kind = "index" // its columns are not described
	} else {
		d, err := catalog.Get(x.txn, oid)
		if err != nil || d == nil {
			return "", err
		}
		switch d.Kind {
		case catalog.KindTable:
			kind = "table"
			if d.IsMatView() {
				kind = "materialized view"
			}
			for _, c := range tableColumns(d, "") {
				if c.hidden {
					c.name = "" // the row id, a dropped column: none
				}
				cols = append(cols, c.name)
			}
		case catalog.KindView:
			kind = "view"
			for _, c := range d.View.Columns {
				cols = append(cols, c.Name)
			}
		case catalog.KindSequence:
			kind = "sequence" // its columns are not described
		default:
			return "", nil
		}
	}
	if sub == 0 {
		return kind + " " + name, nil
	}
	if sub < 0 || sub > len(cols) || cols[sub-1] == "" {
		return "", nil
	}
	return "column " + cols[sub-1] + " of " + kind + " " + name, nil
}

// describeTypeName is format_type_be: the type's name, qualified when
// not visible; "" when no type has the OID.
func describeTypeName(x *execCtx, oid uint32) (string, error) {
	typ, ok, err := x.typeByOID(oid)
	if err != nil {
		return "", err
	}
	if ok {
		if isUserType(typ) {
			return x.userTypeName(typ), nil
		}
		return formatType(typ, false), nil
	}
	if n := typeNameOf(oid); n != "???" {
		return n, nil
	}
	return "", nil
}

// describeFunctionName is format_procedure: name(argtype,...), the name
// qualified when the function is not visible; "" when no function has
// the OID.
func describeFunctionName(x *execCtx, oid uint32) (string, error) {
	if s := procSignature(oid); s != "" {
		return s, nil
	}
	p, err := extProcByOID(x.txn, oid)
	if err != nil || p == nil {
		return "", err
	}
	name := expr.QuoteIdent(p.row.name)
	visible, err := p.visible(x)
	if err != nil {
		return "", err
	}
	if !visible {
		s, err := catalog.Get(x.txn, p.ext.Schema)
		if err != nil || s == nil {
			return "", err
		}
		name = expr.QuoteIdent(s.Name) + "." + name
	}
	args := make([]string, len(p.row.argtypes))
	for i, a := range p.row.argtypes {
		args[i] = typeNameOf(a)
	}
	return name + "(" + strings.Join(args, ",") + ")", nil
}

// describeConstraint describes a table's constraint ("constraint c on
// table t") or a domain's ("constraint c").
func describeConstraint(x *execCtx, oid uint32) (string, error) {
	tag, table, sub := splitSubOID(oid)
	if tag != oidConstraintTag {
		all, err := catalog.All(x.txn)
		if err != nil {
			return "", err
		}
		for _, d := range all {
			if d.Kind != catalog.KindType || d.Type.Domain == nil {
				continue
			}
			for _, ck := range d.Type.Domain.Checks {
				if ck.Oid == oid {
					return "constraint " + ck.Name, nil
				}
			}
		}
		return "", nil
	}
	d, err := catalog.Get(x.txn, table)
	if err != nil || d == nil || d.Kind != catalog.KindTable {
		return "", err
	}
	name := ""
	for _, ix := range catalog.NamedIndexes(d.Table) {
		if int(ix.ID) == sub && (ix.Constraint || isPrimary(ix)) {
			name = ix.Name
		}
	}
	slots := constraintSlots(d.Table)
	for _, ck := range d.Table.Checks {
		if slots[ck.Name] == sub {
			name = ck.Name
		}
	}
	for _, fk := range d.Table.ForeignKeys {
		if slots[fk.Name] == sub {
			name = fk.Name
		}
	}
	if name == "" {
		return "", nil
	}
	rel, err := describeRelation(x, table, 0)
	if err != nil || rel == "" {
		return "", err
	}
	return "constraint " + name + " on " + rel, nil
}

// vtableRowName is the name column of the row of pg_catalog relation
// vt whose oid is oid, "" if none.
func vtableRowName(x *execCtx, vt string, oid uint32, column string) (string, error) {
	t := vtables[vt]
	idOf, nameOf := -1, -1
	for i, c := range t.cols {
		switch c.name {
		case "oid":
			idOf = i
		case column:
			nameOf = i
		}
	}
	rows, err := t.rows(&vctx{x: x, txn: x.txn})
	if err != nil {
		return "", err
	}
	for _, r := range rows {
		if id, ok := r[idOf].(int64); ok && uint32(id) == oid {
			name, _ := r[nameOf].(string)
			return name, nil
		}
	}
	return "", nil
}
