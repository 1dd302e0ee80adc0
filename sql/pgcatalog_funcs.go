package sql

import (
	"slices"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The functions clients call on pg_catalog's rows (psql's \d family
// first). They read the catalog through the statement's transaction.

func init() {
	oid, i4, txt, b := types.OidType, types.Int4, types.Text, types.Bool
	t := func(ts ...*types.T) []*types.T { return ts }
	expr.AddFunc("format_type", t(oid, i4), txt, false, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		x, _ := execOf(c)
		typ, ok, err := x.typeByOID(uint32(a[0].(int64)))
		if err != nil {
			return nil, err
		}
		if ok && isUserType(typ) {
			return x.userTypeName(typ), nil
		}
		if !ok {
			// A pseudo-type, a catalog type stela lists in pg_type only,
			// or "???" as PostgreSQL for an unknown type OID.
			return typeNameOf(uint32(a[0].(int64))), nil
		}
		if a[1] == nil {
			return formatType(typ, false), nil
		}
		return formatType(typ.WithTypmod(int32(a[1].(int64))), true), nil
	})
	expr.AddFunc("pg_table_is_visible", t(oid), b, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		name, err := relationName(x, uint32(a[0].(int64)))
		if err != nil || name == "" {
			return nil, err // NULL for a missing relation, as PostgreSQL
		}
		return !strings.Contains(name, ".") || vtableByOID(uint32(a[0].(int64))) != nil, nil
	})
	expr.AddFunc("pg_type_is_visible", t(oid), b, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, _ := execOf(c)
		typ, ok, err := x.typeByOID(uint32(a[0].(int64)))
		if err != nil || !ok {
			return nil, err
		}
		if isUserType(typ) {
			// Visible when the search path finds it by its bare name.
			return !strings.Contains(x.userTypeName(typ), "."), nil
		}
		return true, nil // every built-in type is in pg_catalog
	})
	expr.AddFunc("pg_get_userbyid", t(oid), types.Name, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		o := uint32(a[0].(int64))
		name, err := roleName(x, o)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return "unknown (OID=" + itoa64(int64(o)) + ")", nil
		}
		return name, nil
	})
	expr.AddFunc("pg_get_indexdef", t(oid), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return indexDef(c, uint32(a[0].(int64)), 0, false)
	})
	expr.AddFunc("pg_get_indexdef", t(oid, i4, b), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return indexDef(c, uint32(a[0].(int64)), int(a[1].(int64)), a[2].(bool))
	})
	expr.AddFunc("pg_get_constraintdef", t(oid), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return constraintDef(c, uint32(a[0].(int64)), false)
	})
	expr.AddFunc("pg_get_constraintdef", t(oid, b), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return constraintDef(c, uint32(a[0].(int64)), a[1].(bool))
	})
	// pg_node_tree values are SQL text in stela: the expression is that.
	getExpr := func(_ *expr.Context, a []types.Datum) (types.Datum, error) { return a[0], nil }
	expr.AddFunc("pg_get_expr", t(types.PgNodeTree, oid), txt, true, getExpr)
	expr.AddFunc("pg_get_expr", t(types.PgNodeTree, oid, b), txt, true, getExpr)
	noComment := func(*expr.Context, []types.Datum) (types.Datum, error) { return nil, nil }
	// The built-in functions and operators have descriptions; the
	// catalog's objects the comments of COMMENT ON (pgcatalog_comment.go).
	// OIDs are unique across catalogs, so the one-argument form finds
	// any.
	expr.AddFunc("obj_description", t(oid), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		o := uint32(a[0].(int64))
		if d := procDescription(o); d != nil {
			return d, nil
		}
		if d := operatorDescription(o); d != nil {
			return d, nil
		}
		return catalogComment(c, o, 0, 0)
	})
	expr.AddFunc("obj_description", t(oid, types.Name), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		o := uint32(a[0].(int64))
		switch a[1].(string) {
		case "pg_proc":
			if d := procDescription(o); d != nil {
				return d, nil
			}
			return catalogComment(c, o, pgProcOID, 0)
		case "pg_operator":
			return operatorDescription(o), nil
		case "pg_class":
			return catalogComment(c, o, pgClassOID, 0)
		case "pg_namespace":
			return catalogComment(c, o, pgNamespaceOID, 0)
		case "pg_constraint":
			return catalogComment(c, o, pgConstraintOID, 0)
		case "pg_extension":
			return catalogComment(c, o, pgExtensionOID, 0)
		case "pg_type":
			return catalogComment(c, o, pgTypeOID, 0)
		}
		return nil, nil
	})
	expr.AddFunc("col_description", t(oid, i4), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		if sub := a[1].(int64); sub > 0 {
			return catalogComment(c, uint32(a[0].(int64)), pgClassOID, int(sub))
		}
		return nil, nil
	})
	// The built-in functions' bodies are not served; a user function's
	// written with RETURN or BEGIN ATOMIC is.
	expr.AddFunc("pg_get_function_sqlbody", t(oid), txt, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		u, err := userProcOf(c, uint32(a[0].(int64)))
		if err != nil || u == nil {
			return nil, err
		}
		return dTextOrNull(u.row.sqlBody), nil
	})
	expr.AddFunc("shobj_description", t(oid, types.Name), txt, true, noComment)
	// No statistics object exists (pg_statistic_ext is empty): NULL, as
	// PostgreSQL answers for an OID that is not one.
	expr.AddFunc("pg_get_statisticsobjdef_columns", t(oid), txt, true, noComment)
	// No trigger exists (pg_trigger is empty; stela's foreign keys are not
	// triggers): NULL, PostgreSQL's answer for an OID that is not one.
	expr.AddFunc("pg_get_triggerdef", t(oid), txt, true, noComment)
	expr.AddFunc("pg_get_triggerdef", t(oid, b), txt, true, noComment)
	// No relation is a partition: PostgreSQL's pg_partition_root is NULL
	// for any other relation.
	expr.AddFunc("pg_partition_root", t(types.Regclass), types.Regclass, true, noComment)
	// A relation can be published when it is a user table.
	expr.AddFunc("pg_relation_is_publishable", t(types.Regclass), b, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		o := a[0].(types.Reg).Oid
		if vtableByOID(o) != nil {
			return false, nil
		}
		d, err := catalog.Get(x.txn, o)
		if err != nil || d == nil {
			return nil, err
		}
		return d.Kind == catalog.KindTable, nil
	})
	expr.AddFunc("pg_is_in_recovery", nil, b, true, func(*expr.Context, []types.Datum) (types.Datum, error) { return false, nil })
}

// vtableByOID returns the virtual relation with an OID, or nil.
func vtableByOID(oid uint32) *vtable {
	for _, vt := range vtables {
		if vt.oid == oid {
			return vt
		}
	}
	return nil
}

// indexTable returns the table and index of an index OID (nil if none).
func indexTable(txn *engine.Txn, oid uint32) (*catalog.Descriptor, *catalog.IndexDesc, error) {
	tag, table, sub := splitSubOID(oid)
	if tag != oidIndexTag {
		return nil, nil, nil
	}
	d, err := catalog.Get(txn, table)
	if err != nil || d == nil || d.Kind != catalog.KindTable {
		return nil, nil, err
	}
	for _, ix := range catalog.NamedIndexes(d.Table) {
		if int(ix.ID) == sub {
			return d, ix, nil
		}
	}
	return nil, nil, nil
}

// indexDef is pg_get_indexdef: the CREATE INDEX statement, or with
// column > 0 that key column's name.
func indexDef(c *expr.Context, oid uint32, column int, pretty bool) (types.Datum, error) {
	x, err := execOf(c)
	if err != nil {
		return nil, err
	}
	var visible func(uint32, string) bool
	if pretty {
		visible = func(schema uint32, name string) bool { return visibleRelation(x, schema, name) }
	}
	return indexDefOf(x, oid, column, pretty, visible)
}

// indexDefOf is indexDef in a transaction's catalog; pretty prints a
// partial index's predicate and key expressions as pg_get_indexdef's
// pretty form does, and leaves out the schema of a table that visible
// (nil: none) reports found by its bare name.
func indexDefOf(x *execCtx, oid uint32, column int, pretty bool, visible func(schema uint32, name string) bool) (types.Datum, error) {
	txn := x.txn
	d, ix, err := indexTable(txn, oid)
	if err != nil || ix == nil {
		return nil, err
	}
	t, err := x.shownTable(d.Table)
	if err != nil {
		return nil, err
	}
	ix = shownIndex(t, ix)
	if column > 0 {
		if column > len(ix.Columns) {
			return nil, nil
		}
		return indexKeyDef(t, t.Column(ix.Columns[column-1].ColumnID), pretty, true), nil
	}
	schema, err := catalog.Get(txn, d.Schema)
	if err != nil || schema == nil {
		return nil, err
	}
	var sb strings.Builder
	sb.WriteString("CREATE ")
	if ix.Unique || isPrimary(ix) {
		sb.WriteString("UNIQUE ")
	}
	sb.WriteString("INDEX " + expr.QuoteIdent(ix.Name) + " ON ")
	if visible == nil || !visible(d.Schema, d.Name) {
		sb.WriteString(expr.QuoteIdent(schema.Name) + ".")
	}
	sb.WriteString(expr.QuoteIdent(d.Name) + " USING " + ix.AccessMethod() + " (")
	sb.WriteString(indexColumnList(t, ix, true, pretty))
	sb.WriteString(")")
	if ix.Predicate != "" {
		sb.WriteString(" WHERE " + predicateDef(t, ix.Predicate, pretty))
	}
	return sb.String(), nil
}

// indexColumnList lists an index's keys, with their ordering options
// when withOptions; pretty prints key expressions as pg_get_indexdef's
// pretty form does.
func indexColumnList(t *catalog.TableDesc, ix *catalog.IndexDesc, withOptions, pretty bool) string {
	var parts []string
	for _, ic := range ix.Columns {
		col := t.Column(ic.ColumnID)
		s := indexKeyDef(t, col, pretty, true)
		if withOptions {
			// As pg_get_indexdef, the COLLATE and operator class that
			// differ from the key's own.
			if coll := indexKeyCollationOID(ic, col); ic.Collation != "" && coll != columnCollationOID(col.Type(), col.Collation) {
				s += " COLLATE " + expr.QuoteIdent(ic.Collation)
			}
			if ic.Opclass != "" {
				s += " " + expr.QuoteIdent(ic.Opclass)
			}
			if ic.Desc {
				s += " DESC"
				if !ic.NullsFirst {
					s += " NULLS LAST"
				}
			} else if ic.NullsFirst {
				s += " NULLS FIRST"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// constraintDef is pg_get_constraintdef.
func constraintDef(c *expr.Context, oid uint32, pretty bool) (types.Datum, error) {
	x, err := execOf(c)
	if err != nil {
		return nil, err
	}
	tag, table, sub := splitSubOID(oid)
	if tag != oidConstraintTag {
		if def, ok, err := x.domainCheckDef(oid, pretty); err != nil || ok {
			return def, err
		}
		return nil, nil
	}
	d, err := catalog.Get(x.txn, table)
	if err != nil || d == nil || d.Kind != catalog.KindTable {
		return nil, err
	}
	t := d.Table
	for _, ix := range catalog.NamedIndexes(t) {
		if int(ix.ID) == sub && (ix.Constraint || isPrimary(ix)) {
			kind := "UNIQUE"
			if isPrimary(ix) {
				kind = "PRIMARY KEY"
			}
			return kind + " (" + indexColumnList(t, ix, false, false) + ")", nil
		}
	}
	slots := constraintSlots(t)
	for _, ck := range t.Checks {
		if slots[ck.Name] == sub {
			// Only the CHECK's own text is printed qualified
			// (shown_names.go): the other kinds print no stored text.
			text, err := x.shownText(ck.Expr, false)
			if err != nil {
				return nil, err
			}
			return "CHECK (" + text + ")", nil
		}
	}
	for _, fk := range t.ForeignKeys {
		if slots[fk.Name] != sub {
			continue
		}
		ref, err := catalog.Get(x.txn, fk.RefTable)
		if err != nil || ref == nil || ref.Kind != catalog.KindTable {
			return nil, err
		}
		var cols, refCols []string
		for _, id := range fk.Columns {
			cols = append(cols, expr.QuoteIdent(t.Column(id).Name))
		}
		for _, id := range fk.RefColumns {
			refCols = append(refCols, expr.QuoteIdent(ref.Table.Column(id).Name))
		}
		refName, err := relationName(x, ref.ID)
		if err != nil {
			return nil, err
		}
		s := "FOREIGN KEY (" + strings.Join(cols, ", ") + ") REFERENCES " + refName + "(" + strings.Join(refCols, ", ") + ")"
		if fk.MatchFull {
			s += " MATCH FULL"
		}
		for _, a := range []struct{ what, action string }{{"UPDATE", fk.OnUpdate}, {"DELETE", fk.OnDelete}} {
			if a.action != "" && a.action != "no action" {
				s += " ON " + a.what + " " + strings.ToUpper(a.action)
			}
		}
		if fk.Deferrable {
			s += " DEFERRABLE"
		}
		if fk.InitiallyDeferred {
			s += " INITIALLY DEFERRED"
		}
		return s, nil
	}
	return nil, nil
}

// ownedSequence is the sequence a column owns: its serial or identity
// sequence, else one made OWNED BY it (as pg_dump restores a serial
// column: CREATE SEQUENCE, ALTER SEQUENCE ... OWNED BY, SET DEFAULT
// nextval), as PostgreSQL finds either by its pg_depend entry; nil for
// none.
func ownedSequence(x *execCtx, d *catalog.Descriptor, col *catalog.ColumnDesc) (*catalog.Descriptor, error) {
	if col.Sequence != 0 {
		return catalog.Get(x.txn, col.Sequence)
	}
	all, err := catalog.All(x.txn)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.Kind == catalog.KindSequence && s.Sequence.OwnedByTable == d.ID && s.Sequence.OwnedByColumn == col.ID {
			return s, nil
		}
	}
	return nil, nil
}

func init() {
	// pg_get_serial_sequence(table, column): the sequence a serial or
	// identity column owns, schema-qualified; NULL for another column.
	// The table name is parsed as SQL, the column name taken literally.
	expr.AddFunc("pg_get_serial_sequence", []*types.T{types.Text, types.Text}, types.Text, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		parts, err := splitQualifiedName(a[0].(string))
		if err != nil {
			return nil, err
		}
		oid, err := relationOID(x, parts)
		if err != nil {
			return nil, err
		}
		d, err := catalog.Get(x.txn, oid)
		if err != nil {
			return nil, err
		}
		name := a[1].(string)
		var col *catalog.ColumnDesc
		if d != nil && d.Kind == catalog.KindTable {
			col = d.Table.ColumnByName(name)
			if col == nil && isPGSystemColumn(name) {
				return nil, nil // ctid, xmin ...: columns, owning nothing
			}
		} else if has, err := relationHasColumn(x, oid, d, name); err != nil || has {
			// A view's, a sequence's, a composite type's or a catalog
			// relation's column owns no sequence.
			return nil, err
		}
		if col == nil || col.Dropped || col.Hidden {
			rel := parts[len(parts)-1]
			if d != nil {
				rel = d.Name
			}
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, rel)
		}
		seq, err := ownedSequence(x, d, col)
		if err != nil || seq == nil {
			return nil, err
		}
		schema, err := catalog.Get(x.txn, seq.Schema)
		if err != nil || schema == nil {
			return nil, err
		}
		return expr.QuoteIdent(schema.Name) + "." + expr.QuoteIdent(seq.Name), nil
	})
}

// relationHasColumn reports whether a relation other than a table (d,
// nil for a composite type's relation or a catalog relation) has a
// column named name: its pg_attribute rows.
func relationHasColumn(x *execCtx, oid uint32, d *catalog.Descriptor, name string) (bool, error) {
	names, _, err := relationColumns(x, oid, d)
	return slices.Contains(names, name), err
}
