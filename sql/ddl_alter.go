package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planAlterTable plans ALTER TABLE's subcommands; those stela does not
// run are refused naming them, and so are ALTER INDEX/VIEW/SEQUENCE's but
// OWNER TO (ddl_owner.go) and RENAME (ddl_rename.go).
func (pl *planner) planAlterTable(n *pg_query.AlterTableStmt) (plan, error) {
	switch n.Objtype {
	case pg_query.ObjectType_OBJECT_TABLE:
		return &ddlPlan{tag: "ALTER TABLE", fn: func(x *execCtx) error { return x.alterTable(n) }}, nil
	case pg_query.ObjectType_OBJECT_TYPE:
		// ALTER TYPE's attribute subcommands (ddl_composite_alter.go).
		return &ddlPlan{tag: "ALTER TYPE", fn: func(x *execCtx) error { return x.alterComposite(n) }}, nil
	case pg_query.ObjectType_OBJECT_MATVIEW:
		// ALTER TABLE's subcommands that a materialized view takes
		// (matviewAlterable), on a materialized view only.
		return &ddlPlan{tag: "ALTER MATERIALIZED VIEW", fn: func(x *execCtx) error {
			d, err := x.alterTarget(n)
			if d == nil || err != nil {
				return err
			}
			if !d.IsMatView() {
				return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a materialized view", d.Name)
			}
			return x.alterTableCmds(d, n)
		}}, nil
	}
	return pl.planAlterRelationOwner(n)
}

// alterActions are PostgreSQL's names of ALTER TABLE subcommands, for
// the errors of those stela does not run.
var alterActions = map[pg_query.AlterTableType]string{
	pg_query.AlterTableType_AT_AddColumn:          "ADD COLUMN",
	pg_query.AlterTableType_AT_DropColumn:         "DROP COLUMN",
	pg_query.AlterTableType_AT_ColumnDefault:      "ALTER COLUMN ... SET DEFAULT",
	pg_query.AlterTableType_AT_DropNotNull:        "ALTER COLUMN ... DROP NOT NULL",
	pg_query.AlterTableType_AT_SetNotNull:         "ALTER COLUMN ... SET NOT NULL",
	pg_query.AlterTableType_AT_DropExpression:     "ALTER COLUMN ... DROP EXPRESSION",
	pg_query.AlterTableType_AT_SetStatistics:      "ALTER COLUMN ... SET STATISTICS",
	pg_query.AlterTableType_AT_SetOptions:         "ALTER COLUMN ... SET",
	pg_query.AlterTableType_AT_ResetOptions:       "ALTER COLUMN ... RESET",
	pg_query.AlterTableType_AT_SetStorage:         "ALTER COLUMN ... SET STORAGE",
	pg_query.AlterTableType_AT_SetCompression:     "ALTER COLUMN ... SET COMPRESSION",
	pg_query.AlterTableType_AT_AddConstraint:      "ADD CONSTRAINT",
	pg_query.AlterTableType_AT_AlterConstraint:    "ALTER CONSTRAINT",
	pg_query.AlterTableType_AT_ValidateConstraint: "VALIDATE CONSTRAINT",
	pg_query.AlterTableType_AT_DropConstraint:     "DROP CONSTRAINT",
	pg_query.AlterTableType_AT_AlterColumnType:    "ALTER COLUMN ... TYPE",
	pg_query.AlterTableType_AT_ChangeOwner:        "OWNER TO",
	pg_query.AlterTableType_AT_ClusterOn:          "CLUSTER ON",
	pg_query.AlterTableType_AT_DropCluster:        "SET WITHOUT CLUSTER",
	pg_query.AlterTableType_AT_SetLogged:          "SET LOGGED",
	pg_query.AlterTableType_AT_SetUnLogged:        "SET UNLOGGED",
	pg_query.AlterTableType_AT_SetAccessMethod:    "SET ACCESS METHOD",
	pg_query.AlterTableType_AT_SetTableSpace:      "SET TABLESPACE",
	pg_query.AlterTableType_AT_SetRelOptions:      "SET",
	pg_query.AlterTableType_AT_ResetRelOptions:    "RESET",
	pg_query.AlterTableType_AT_AddInherit:         "INHERIT",
	pg_query.AlterTableType_AT_DropInherit:        "NO INHERIT",
	pg_query.AlterTableType_AT_AddOf:              "OF",
	pg_query.AlterTableType_AT_DropOf:             "NOT OF",
	pg_query.AlterTableType_AT_ReplicaIdentity:    "REPLICA IDENTITY",
	pg_query.AlterTableType_AT_EnableRowSecurity:  "ENABLE ROW SECURITY",
	pg_query.AlterTableType_AT_DisableRowSecurity: "DISABLE ROW SECURITY",
	pg_query.AlterTableType_AT_ForceRowSecurity:   "FORCE ROW SECURITY",
	pg_query.AlterTableType_AT_NoForceRowSecurity: "NO FORCE ROW SECURITY",
	pg_query.AlterTableType_AT_AttachPartition:    "ATTACH PARTITION",
	pg_query.AlterTableType_AT_DetachPartition:    "DETACH PARTITION",
	pg_query.AlterTableType_AT_AddIdentity:        "ALTER COLUMN ... ADD IDENTITY",
	pg_query.AlterTableType_AT_SetIdentity:        "ALTER COLUMN ... SET",
	pg_query.AlterTableType_AT_DropIdentity:       "ALTER COLUMN ... DROP IDENTITY",
}

func alterActionName(t pg_query.AlterTableType) string {
	if s, ok := alterActions[t]; ok {
		return s
	}
	return strings.ReplaceAll(strings.ToUpper(strings.TrimPrefix(t.String(), "AT_")), "_", " ")
}

// alterTarget resolves the relation an ALTER names; nil, with a notice,
// when IF EXISTS finds none.
func (x *execCtx) alterTarget(n *pg_query.AlterTableStmt) (*catalog.Descriptor, error) {
	d, err := x.relationFor(n.Relation)
	if pgerror.HasCode(err, pgcode.UndefinedTable) && n.MissingOk {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "relation \""+n.Relation.Relname+"\" does not exist, skipping")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d, x.mustOwn(d)
}

func (x *execCtx) alterTable(n *pg_query.AlterTableStmt) error {
	d, err := x.alterTarget(n)
	if d == nil || err != nil {
		return err
	}
	return x.alterTableCmds(d, n)
}

// alterTableCmds runs ALTER TABLE's subcommands on relation d.
func (x *execCtx) alterTableCmds(d *catalog.Descriptor, n *pg_query.AlterTableStmt) error {
	var err error
	if d.Kind == catalog.KindTable {
		if err := x.sess.txn.deferral.notPending(d); err != nil { // fk_deferred.go
			return err
		}
	}
	retyped := map[string]bool{} // ALTER COLUMN ... TYPE once per column
	for _, cn := range n.Cmds {
		cmd := cn.GetAlterTableCmd()
		action := alterActionName(cmd.Subtype)
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddColumn, pg_query.AlterTableType_AT_DropColumn,
			pg_query.AlterTableType_AT_ColumnDefault, pg_query.AlterTableType_AT_SetNotNull, pg_query.AlterTableType_AT_DropNotNull,
			pg_query.AlterTableType_AT_AddConstraint, pg_query.AlterTableType_AT_DropConstraint,
			pg_query.AlterTableType_AT_AlterConstraint, pg_query.AlterTableType_AT_DropExpression, pg_query.AlterTableType_AT_AlterColumnType,
			pg_query.AlterTableType_AT_AddIdentity, pg_query.AlterTableType_AT_SetIdentity, pg_query.AlterTableType_AT_DropIdentity:
		case pg_query.AlterTableType_AT_ChangeOwner:
			// Of any relation, as PostgreSQL's ALTER TABLE (ddl_owner.go).
			if err := x.changeRelationOwner(d, cmd.Newowner); err != nil {
				return err
			}
			continue
		default:
			return pgerror.Newf(pgcode.FeatureNotSupported, "ALTER TABLE ... %s is not supported", action)
		}
		// Each subcommand sees what the previous ones did. (An index's
		// descriptor has its table's id: it is refused below as it is.)
		if d.Kind != catalog.KindIndex {
			if d, err = catalog.Get(x.txn, d.ID); err != nil {
				return err
			}
		}
		if err := x.checkRowTypeAlter(d, cmd); err != nil { // rowtype_deps.go
			return err
		}
		if d.Kind != catalog.KindTable || d.IsMatView() && !matviewAlterable(cmd.Subtype) {
			return pgerror.Newf(pgcode.WrongObjectType, "ALTER action %s cannot be performed on relation \"%s\"", action, d.Name).
				WithDetail("This operation is not supported for " + kindPlural(d.KindName()) + ".")
		}
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddColumn:
			err = x.addColumn(d, cmd.Def.GetColumnDef(), cmd.MissingOk)
		case pg_query.AlterTableType_AT_DropColumn:
			err = x.dropColumn(d, cmd.Name, cmd.MissingOk, cmd.Behavior == pg_query.DropBehavior_DROP_CASCADE)
		case pg_query.AlterTableType_AT_ColumnDefault:
			err = x.setColumnDefault(d, cmd.Name, cmd.Def)
		case pg_query.AlterTableType_AT_SetNotNull:
			err = x.setNotNull(d, cmd.Name, true)
		case pg_query.AlterTableType_AT_DropNotNull:
			err = x.setNotNull(d, cmd.Name, false)
		case pg_query.AlterTableType_AT_AddConstraint:
			err = x.addConstraint(d, cmd.Def.GetConstraint())
		case pg_query.AlterTableType_AT_AlterConstraint:
			err = x.alterConstraint(d, cmd.Def.GetConstraint())
		case pg_query.AlterTableType_AT_DropConstraint:
			err = x.dropConstraint(d, cmd.Name, cmd.MissingOk, cmd.Behavior == pg_query.DropBehavior_DROP_CASCADE)
		case pg_query.AlterTableType_AT_DropExpression:
			err = x.dropExpression(d, cmd.Name, cmd.MissingOk) // ddl_generated.go
		case pg_query.AlterTableType_AT_AlterColumnType:
			if retyped[cmd.Name] {
				return pgerror.Newf(pgcode.FeatureNotSupported, "cannot alter type of column \"%s\" twice", cmd.Name)
			}
			retyped[cmd.Name] = true
			err = x.alterColumnType(d, cmd.Name, cmd.Def.GetColumnDef()) // ddl_altertype.go
		case pg_query.AlterTableType_AT_AddIdentity: // ddl_identity.go
			err = x.addIdentity(d, cmd.Name, cmd.Def.GetConstraint())
		case pg_query.AlterTableType_AT_SetIdentity:
			err = x.setIdentity(d, cmd.Name, cmd.Def)
		case pg_query.AlterTableType_AT_DropIdentity:
			err = x.dropIdentity(d, cmd.Name, cmd.MissingOk)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// constraintNames are the names a table's constraints and indexes take.
func constraintNames(t *catalog.TableDesc) map[string]bool {
	names := map[string]bool{}
	for _, ix := range catalog.NamedIndexes(t) {
		names[ix.Name] = true
	}
	for _, c := range t.Checks {
		names[c.Name] = true
	}
	for _, fk := range t.ForeignKeys {
		names[fk.Name] = true
	}
	return names
}

// addColumn is ADD COLUMN. The column goes at the end of the row, so
// rows stored before read it as NULL; when it has a default (or is
// serial or identity) every existing row is written again as a new
// version holding its value, as PostgreSQL's table rewrite.
func (x *execCtx) addColumn(d *catalog.Descriptor, cd *pg_query.ColumnDef, ifNotExists bool) error {
	t := d.Table
	if c := t.ColumnByName(cd.Colname); c != nil && !c.Hidden {
		msg := "column \"" + cd.Colname + "\" of relation \"" + d.Name + "\" already exists"
		if ifNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateColumn, msg+", skipping")
			return nil
		}
		return pgerror.New(pgcode.DuplicateColumn, msg)
	}
	schema, err := catalog.Get(x.txn, d.Schema)
	if err != nil {
		return err
	}
	b := &tableBuilder{x: x, schema: schema, d: d, names: constraintNames(t)}
	if err := b.column(cd); err != nil {
		return err
	}
	if err := b.cookGenerated(); err != nil {
		return err
	}
	if len(t.Columns) > 1600 {
		return pgerror.New(pgcode.TooManyColumns, "tables can have at most 1600 columns")
	}
	if b.pk != nil && !t.Column(t.PrimaryKey.Columns[0].ColumnID).Hidden {
		return pgerror.Newf(pgcode.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", d.Name)
	}
	col := &t.Columns[len(t.Columns)-1]
	if err := b.addChecks(); err != nil {
		return err
	}
	for i, fk := range b.fks {
		if err := b.foreignKey(fk, b.fkCol[i]); err != nil {
			return err
		}
	}
	for _, sq := range b.seqs {
		sq.Sequence.OwnedByTable = d.ID
		if err := catalog.Put(x.txn, sq); err != nil {
			return err
		}
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	if err := x.fillNewColumn(d, col, len(b.fks) > 0); err != nil {
		return err
	}
	for _, u := range b.uniq {
		name := u.Conname
		if name == "" {
			if name, err = chooseName(x.txn, d.Schema, b.names, []string{d.Name, col.Name}, "key"); err != nil {
				return err
			}
		}
		if err := b.claim(name); err != nil {
			return err
		}
		ix := catalog.IndexDesc{ID: t.NextIndexID, Name: name, Unique: true, Columns: []catalog.IndexColumn{{ColumnID: col.ID}}, Constraint: true}
		t.NextIndexID++
		t.Indexes = append(t.Indexes, ix)
		if err := catalog.Put(x.txn, d); err != nil {
			return err
		}
		l := catalog.Layout(d)
		x.lockTableRows(l)
		if err := l.Backfill(x.txn, ix.ID); err != nil {
			return x.aboutTable(err, d)
		}
	}
	if b.pk != nil {
		return x.addPrimaryKey(b) // ddl_addpk.go
	}
	return nil
}

// addChecks checks and names the CHECK constraints collected by CREATE
// TABLE or by a column that ALTER TABLE adds.
func (b *tableBuilder) addChecks() error {
	t := b.d.Table
	sc := &scope{cols: tableColumns(b.d, b.d.Name)}
	for i, c := range b.checks {
		bld := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: b.x.sess, Scope: sc, Extension: extensionHook(b.x.txn), UserType: userTypeHook(b.x.txn, b.x.sess)}
		calls := map[int32]uint32{}
		if err := b.x.hookUserCalls(bld, c.RawExpr, calls); err != nil { // table_funcs.go
			return err
		}
		constTableOID(bld, b.d.Name, b.d.ID)
		if _, err := bld.BuildAs(c.RawExpr, types.Bool, "CHECK"); err != nil {
			if pgerror.HasCode(err, pgcode.UndefinedColumn) {
				if sys := checkSystemColumnRef(t, c.RawExpr); sys != nil {
					return sys
				}
			}
			return err
		}
		raw, fns, err := b.x.boundCallsOf(c.RawExpr, calls)
		if err != nil {
			return err
		}
		text, err := b.x.storedExprText(raw)
		if err != nil {
			return err
		}
		name := c.Conname
		if name == "" {
			parts := []string{b.d.Name}
			if col := b.checkCol[i]; col != "" {
				parts = append(parts, col)
			} else if first := firstColumnRef(c.RawExpr); first != "" {
				parts = append(parts, first)
			}
			if name, err = chooseName(b.x.txn, b.schema.ID, b.names, parts, "check"); err != nil {
				return err
			}
		}
		if err := b.claim(name); err != nil {
			return err
		}
		t.Checks = append(t.Checks, catalog.CheckDesc{Name: name, Expr: text, Comment: b.comments[c], Functions: fns})
	}
	return nil
}

// fillNewColumn gives the existing rows the new column's default (or
// generated value), checks NOT NULL and the CHECK constraints on them,
// and writes the rows whose value is not NULL again.
func (x *execCtx) fillNewColumn(d *catalog.Descriptor, col *catalog.ColumnDesc, hasFK bool) error {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	w, err := pl.writer(d)
	if err != nil {
		return err
	}
	pos := d.Table.ColumnIndex(col.ID)
	checks := w.checks
	if col.IndexKey {
		checks = nil // no CHECK reads a nameless key column: the rows passed them
	}
	// The rows stored before read the new column as NULL (the layout of
	// d pads them).
	return x.eachRow(d, func(row []types.Datum) error {
		v, err := w.newColumnValue(x, pos, row)
		if err != nil {
			return err
		}
		if v == nil && col.NotNull {
			return x.nullsInColumn(d, col.Name)
		}
		newRow := append([]types.Datum(nil), row...)
		newRow[pos] = v
		for _, c := range checks {
			ok, err := x.eval(c.e, newRow)
			if err != nil {
				return err
			}
			if ok == false {
				return x.rowBreaksCheck(d, c.name)
			}
		}
		if v == nil {
			return nil
		}
		if hasFK {
			return pgerror.New(pgcode.FeatureNotSupported, "adding a foreign key column with a default to a table that has rows is not supported")
		}
		return w.layout.Update(x.txn, row, newRow)
	})
}

// checkSystemColumnRef is PostgreSQL's error for a CHECK constraint that
// names a system column other than tableoid (ctid, xmin, ...), nil if
// it names none. stela has no such column: without this, the reference
// would be a missing column.
func checkSystemColumnRef(t *catalog.TableDesc, n *pg_query.Node) error {
	var out error
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			if name := lastFieldName(cr); name != tableOIDColumn && isPGSystemColumn(name) && t.ColumnByName(name) == nil {
				out = pgerror.Newf(pgcode.InvalidColumnReference, "system column \"%s\" reference in check constraint is invalid", name).
					WithPosition(int(cr.Location) + 1)
			}
		}
		return out == nil
	})
	return out
}
