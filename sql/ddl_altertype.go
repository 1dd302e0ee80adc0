package sql

import (
	"errors"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ALTER TABLE ... ALTER COLUMN c [SET DATA] TYPE t [USING expr].
//
// As in PostgreSQL, every row gets the value of expr (the column itself
// when there is no USING), converted to t by an assignment cast, and the
// table is written again: each row as a new version of its key (an
// update in its history), its index entries anew. Indexes on the column
// get new ids, since their keys change (PostgreSQL rebuilds them). The
// versions written before keep their encoding: AS OF reads them with the
// table's columns of then, and history reads (FOR SYSTEM_TIME) with the
// columns of the time each was written, converted to the present type
// (history_layouts.go).
//
// A change that leaves every stored value as it is — varchar(n) to a
// longer varchar or to text, numeric(p,s) to numeric, dropping a time
// precision — changes the descriptor only, as PostgreSQL skips the
// rewrite for binary-coercible types.
//
// What PostgreSQL refuses is refused with its errors: a column used by a
// view or a generated column (0A000), USING on a generated column
// (42611), a type the column or its default cannot be assigned to
// (42804), an identity column of a non-integer type (22023), and a
// foreign key whose columns' types no longer match (42804). One thing is
// stela's own: a primary-key column keeps its key encoding (integers stay
// integers, strings strings, ...), because a row's history is that of
// its key.

// alterColumnType runs one ALTER COLUMN ... TYPE of d.
func (x *execCtx) alterColumnType(d *catalog.Descriptor, name string, cd *pg_query.ColumnDef) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	newT, err := x.typeFromName(cd.TypeName)
	if err != nil {
		return err
	}
	if newT.Category == 'P' {
		return pgerror.Newf(pgcode.InvalidTableDefinition, "column \"%s\" has pseudo-type %s", c.Name, newT.Name)
	}
	if newT.Row != nil || newT.Elem != nil && newT.Elem.Row != nil {
		return errRowTypeColumn(c.Name, newT)
	}
	collation := ""
	if cd.CollClause != nil {
		var err error
		if collation, err = columnCollation(cd.CollClause, newT); err != nil {
			return err
		}
	}
	using := cd.RawDefault
	if c.Generated != "" && using != nil {
		return pgerror.New(pgcode.InvalidColumnDefinition, "cannot specify USING when altering type of generated column").
			WithDetail("Column \"" + c.Name + "\" is a generated column.")
	}
	oldT := c.Type()
	pos := d.Table.ColumnIndex(c.ID)
	conv, err := x.transformExpr(d, c, pos, newT, using)
	if err != nil {
		return err
	}
	if err := x.alterTypeUsers(d, c); err != nil {
		return err
	}
	if c.Default != "" {
		if err := x.defaultStillAssigns(c, newT); err != nil {
			return err
		}
	}
	if c.Identity != "" {
		if err := x.retypeIdentitySequence(c, cd.TypeName, newT); err != nil {
			return err
		}
	} else if c.Sequence != 0 {
		if err := serialStillAssigns(x, c, newT); err != nil {
			return err
		}
	}
	inPK := false
	for _, ic := range d.Table.PrimaryKey.Columns {
		inPK = inPK || ic.ColumnID == c.ID
	}
	rewrite := using != nil || !storedAlike(oldT, newT)
	// The rows are stored, and the partial indexes' predicates hold, as
	// the table was before the change.
	old, err := writeLayout(x.sess, x.txn, d)
	if err != nil {
		return err
	}
	if err := x.pinColumnLiterals(d, c); err != nil {
		return err
	}
	c.SetType(newT)
	c.Using, c.Collation = "", collation
	if using != nil {
		if c.Using, err = parser.DeparseExpr(using); err != nil {
			return err
		}
	}
	if rewrite {
		// The entries of an index on the column, or of a partial index
		// whose predicate reads it, change: the index gets a new id (the
		// rewrite deletes the old entries and writes the new ones).
		t := d.Table
		for i := range t.Indexes {
			ix := &t.Indexes[i]
			uses := ix.Predicate != "" && exprUsesColumn(ix.Predicate, c.Name)
			for _, ic := range ix.Columns {
				uses = uses || ic.ColumnID == c.ID
			}
			if uses {
				ix.ID = t.NextIndexID
				t.NextIndexID++
			}
		}
	}
	if err := x.foreignKeysStillMatch(d, c); err != nil {
		return err
	}
	if err := x.retypeIndexKeys(d.Table, c); err != nil {
		return err
	}
	if inPK && !keyenc.SameEncoding(oldT, newT) {
		return pgerror.Newf(pgcode.FeatureNotSupported, "cannot change the type of primary key column \"%s\" from %s to %s", c.Name, oldT, newT).
			WithDetail("A table's rows are stored under their primary key, and values of type " + newT.String() + " have another key encoding than " + oldT.String() + ".")
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	// The column's statistics are of its old type: readers of the new one
	// do not get them (engine.Layout.fitStats) until ANALYZE gathers them
	// again; the other columns' stay, as in PostgreSQL.
	if rewrite {
		if err := x.rewriteTable(d, old, c, pos, conv, inPK); err != nil {
			return err
		}
	} else if err := x.checkRetyped(d, c, pos); err != nil {
		return err
	}
	return x.revalidateForeignKeys(d, c)
}

// transformExpr builds the expression that gives a row its new value of
// the column at pos: USING's, or the column itself, assigned to newT
// (nil for a generated column, which is computed again instead). It is
// built over the table's rows as stored, before the change.
func (x *execCtx) transformExpr(d *catalog.Descriptor, c *catalog.ColumnDesc, pos int, newT *types.T, using *pg_query.Node) (expr.Expr, error) {
	if c.Generated != "" {
		return nil, nil
	}
	cols := tableColumns(d, d.Name)
	if using == nil {
		e := &expr.ColRef{Idx: pos, T: cols[pos].typ, Name: c.Name}
		b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
		out, err := b.Assign(e, newT, c.Name, -1)
		if pgerror.HasCode(err, pgcode.DatatypeMismatch) {
			// PostgreSQL names the type without its modifier
			// (format_type_be).
			name := formatType(newT, false)
			return nil, pgerror.Newf(pgcode.DatatypeMismatch, "column \"%s\" cannot be cast automatically to type %s", c.Name, name).
				WithHint("You might need to specify \"USING " + expr.QuoteIdent(c.Name) + "::" + name + "\".")
		}
		return out, err
	}
	var sub *pg_query.SubLink
	walk(using, func(n *pg_query.Node) bool {
		if s := n.GetSubLink(); s != nil && sub == nil {
			sub = s
		}
		return sub == nil
	})
	if sub != nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "cannot use subquery in transform expression").WithPosition(int(sub.Location) + 1)
	}
	sc := newScope(cols, &level{}, nil)
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Scope: sc, Clause: "transform expressions",
		Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	// nextval, currval and the like (specialFunc) are allowed, as in a
	// DEFAULT.
	pl := &planner{s: x.sess, txn: x.txn, params: b.Params}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return pl.specialFunc(b, f, name) }
	e, err := b.Build(using)
	if err != nil {
		return nil, err
	}
	out, err := b.Assign(e, newT, c.Name, expr.Location(using))
	if pgerror.HasCode(err, pgcode.DatatypeMismatch) {
		return nil, pgerror.Newf(pgcode.DatatypeMismatch, "result of USING clause for column \"%s\" cannot be cast automatically to type %s", c.Name, formatType(newT, false)).
			WithHint("You might need to add an explicit cast.")
	}
	return out, err
}

// alterTypeUsers refuses the change when a generated column or a view
// reads the column, as PostgreSQL does (it would have to rewrite their
// expressions).
func (x *execCtx) alterTypeUsers(d *catalog.Descriptor, c *catalog.ColumnDesc) error {
	for i := range d.Table.Columns {
		g := &d.Table.Columns[i]
		if g.Dropped || g.Generated == "" || g.ID == c.ID || !exprUsesColumn(g.Generated, c.Name) {
			continue
		}
		if g.IndexKey {
			return pgerror.New(pgcode.FeatureNotSupported, "cannot alter type of a column used by an expression index").
				WithDetail("Column \"" + c.Name + "\" is used by the index key " + g.Generated + ".").
				WithHint("Drop the index, alter the column, and create the index again.")
		}
		return pgerror.New(pgcode.FeatureNotSupported, "cannot alter type of a column used by a generated column").
			WithDetail("Column \"" + c.Name + "\" is used by generated column \"" + g.Name + "\".")
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	var views []*catalog.Descriptor
	for _, v := range g.all {
		if readsRelation(v, d) {
			views = append(views, v)
		}
	}
	if len(views) == 0 {
		return nil
	}
	// A view reads the column if it no longer plans, or plans to other
	// columns, without it: the column is hidden for the test, then put
	// back.
	c.Dropped = true
	err = catalog.Put(x.txn, d)
	c.Dropped = false
	if err != nil {
		return err
	}
	for _, v := range views {
		if x.viewBroken(v) {
			return pgerror.New(pgcode.FeatureNotSupported, "cannot alter type of a column used by a view or rule").
				WithDetail("rule _RETURN on " + v.KindName() + " " + v.Name + " depends on column \"" + c.Name + "\"")
		}
	}
	return catalog.Put(x.txn, d)
}

// defaultStillAssigns checks that the column's default can be assigned
// to the new type (the default's text is kept: it is built again for
// each statement). As in PostgreSQL, what must assign is the default's
// own type, a literal's being the column's old type ('2020-01-01' on a
// text column is text, which does not assign to date), and nothing is
// evaluated: a value the new type cannot hold fails the INSERT that
// uses it, not the ALTER.
func (x *execCtx) defaultStillAssigns(c *catalog.ColumnDesc, newT *types.T) error {
	n, err := parser.ParseExpr(c.Default)
	if err != nil {
		return pgerror.Newf(pgcode.DataCorrupted, "default of column \"%s\": stored expression does not parse", c.Name)
	}
	b, err := boundExprBuilder(x.txn, x.sess, nil, c.Functions) // table_funcs.go
	if err != nil {
		return err
	}
	pl := &planner{s: x.sess, txn: x.txn, params: b.Params}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return pl.specialFunc(b, f, name) }
	e, err := b.Build(n)
	if err != nil {
		return err
	}
	if k, ok := e.(*expr.Const); ok && k.V == nil {
		return nil // DEFAULT NULL: PostgreSQL stores no default
	}
	t := e.Type()
	if t.Family == types.UnknownFamily {
		t = c.Type()
	}
	// A column reference stands for the default's value: of its type,
	// and never folded into a constant by the assignment.
	return defaultAssigns(b, &expr.ColRef{Idx: 0, T: t}, c, newT)
}

// defaultAssigns checks that default e of column c assigns to type newT.
func defaultAssigns(b *expr.Builder, e expr.Expr, c *catalog.ColumnDesc, newT *types.T) error {
	if _, err := b.Assign(e, newT, c.Name, -1); err != nil {
		if pgerror.HasCode(err, pgcode.DatatypeMismatch) {
			return pgerror.Newf(pgcode.DatatypeMismatch, "default for column \"%s\" cannot be cast automatically to type %s", c.Name, formatType(newT, false))
		}
		return err
	}
	return nil
}

// serialStillAssigns checks that a serial column's default, its
// sequence's next value (a bigint), can be assigned to the new type.
func serialStillAssigns(x *execCtx, c *catalog.ColumnDesc, newT *types.T) error {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	return defaultAssigns(b, &expr.Const{T: types.Int8, V: int64(1), Loc: -1}, c, newT)
}

// retypeIdentitySequence gives an identity column's sequence the new
// type, as ALTER SEQUENCE ... AS does (PostgreSQL does the same).
func (x *execCtx) retypeIdentitySequence(c *catalog.ColumnDesc, tn *pg_query.TypeName, newT *types.T) error {
	switch newT.Oid {
	case types.Int2.Oid, types.Int4.Oid, types.Int8.Oid:
	default:
		return pgerror.New(pgcode.InvalidParameterValue, "identity column type must be smallint, integer, or bigint")
	}
	s, err := catalog.Get(x.txn, c.Sequence)
	if err != nil || s == nil || s.Sequence == nil {
		return err
	}
	as := &pg_query.Node{Node: &pg_query.Node_DefElem{DefElem: &pg_query.DefElem{Defname: "as",
		Arg: &pg_query.Node{Node: &pg_query.Node_TypeName{TypeName: tn}}}}}
	if _, err := x.applySeqOptions(s, []*pg_query.Node{as}, false); err != nil {
		return err
	}
	return catalog.Put(x.txn, s)
}

// storedAlike reports whether every value of type from is stored, and
// sorts, exactly as the same value of type to, and is valid as one: a
// change between the two needs no rewrite.
func storedAlike(from, to *types.T) bool {
	if from.Equal(to) {
		return true
	}
	switch {
	case from.Elem != nil || to.Elem != nil:
		return false
	case (from.Oid == types.Varchar.Oid || from.Oid == types.Text.Oid) && to.Oid == types.Text.Oid:
		return true
	case from.Oid == types.Text.Oid && to.Oid == types.Varchar.Oid:
		return to.Typmod < 0
	case from.Oid == types.Varchar.Oid && to.Oid == types.Varchar.Oid:
		return to.Typmod < 0 || from.Typmod >= 0 && from.Typmod <= to.Typmod
	case from.Oid == types.Numeric.Oid && to.Oid == types.Numeric.Oid:
		// numeric(p,s) to numeric, or to a larger precision of the same
		// scale: the stored digits stay valid.
		if to.Typmod < 0 {
			return true
		}
		fp, fs, ok1 := from.NumericPrecisionScale()
		tp, ts, ok2 := to.NumericPrecisionScale()
		return ok1 && ok2 && fs == ts && tp >= fp
	case from.Oid == to.Oid:
		switch from.Oid {
		case types.Time.Oid, types.TimestampType.Oid, types.TimestampTZType.Oid:
			// Dropping the precision keeps every value.
			return to.Typmod < 0
		}
	}
	return false
}

// rewriteTable writes every row of d again with the column at pos
// converted by conv (or its generated value computed again), checking
// the column's NOT NULL and the table's CHECK constraints on the new
// rows. old is the layout the rows are stored with.
//
// When the column is in the primary key, rows may move (numeric(p,s)
// rounds, USING may compute anything): all rows are read first, then
// deleted, then inserted, so that a row moving onto a key another row
// is about to leave is not a false duplicate. Otherwise each row is
// rewritten in place as it is read.
func (x *execCtx) rewriteTable(d *catalog.Descriptor, old *engine.Layout, c *catalog.ColumnDesc, pos int, conv expr.Expr, inPK bool) error {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	w, err := pl.writer(d)
	if err != nil {
		return storedExprError(err)
	}
	newRow := func(row []types.Datum) ([]types.Datum, error) {
		out := append([]types.Datum(nil), row...)
		if conv != nil {
			v, err := x.eval(conv, row)
			if err != nil {
				return nil, err
			}
			out[pos] = v
		} else if err := w.computeGenerated(x, out); err != nil {
			return nil, err
		}
		if out[pos] == nil && c.NotNull {
			return nil, x.nullsInColumn(d, c.Name)
		}
		for _, ck := range w.checks {
			ok, err := x.eval(ck.e, out)
			if err != nil {
				return nil, err
			}
			if ok == false {
				return nil, x.rowBreaksCheck(d, ck.name)
			}
		}
		return out, nil
	}
	if !inPK {
		return x.eachStoredRow(old, func(row []types.Datum) error {
			nr, err := newRow(row)
			if err != nil {
				return err
			}
			return x.aboutTable(asIndexBuild(w.layout.RewriteRow(x.txn, old, row, nr)), d)
		})
	}
	var olds, news [][]types.Datum
	err = x.eachStoredRow(old, func(row []types.Datum) error {
		nr, err := newRow(row)
		if err != nil {
			return err
		}
		if err := x.mem.grow(rowSize(row) + rowSize(nr)); err != nil {
			return err
		}
		olds, news = append(olds, row), append(news, nr)
		return nil
	})
	if err != nil {
		return err
	}
	for _, row := range olds {
		if err := old.Delete(x.txn, row); err != nil {
			return err
		}
	}
	for _, row := range news {
		if err := w.layout.Insert(x.txn, row); err != nil {
			return x.aboutTable(asIndexBuild(err), d)
		}
	}
	return nil
}

// storedExprError is the error of a CHECK constraint (or generation
// expression) that no longer builds for the column's new type: its
// position is in the constraint's text, not the statement's.
func storedExprError(err error) error {
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Position == 0 {
		return err
	}
	c := *pe
	c.Position = 0
	return &c
}

// asIndexBuild words a unique violation met while the rows are written
// again as PostgreSQL does, which finds it when it rebuilds the index.
func asIndexBuild(err error) error {
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Code != pgcode.UniqueViolation {
		return err
	}
	name, ok := strings.CutPrefix(pe.Message, "duplicate key value violates unique constraint ")
	if !ok {
		return err
	}
	return pgerror.New(pgcode.UniqueViolation, "could not create unique index "+name).
		WithConstraint(pe.Constraint).
		WithDetail(strings.Replace(pe.Detail, " already exists.", " is duplicated.", 1))
}

// checkRetyped checks the rows of a column whose values are kept as
// stored against its constraints as they now read (NOT NULL cannot have
// changed; a CHECK on the column is built for the new type).
func (x *execCtx) checkRetyped(d *catalog.Descriptor, c *catalog.ColumnDesc, pos int) error {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	w, err := pl.writer(d)
	if err != nil {
		return storedExprError(err)
	}
	var checks []checkExpr
	for i, ck := range d.Table.Checks {
		if exprUsesColumn(ck.Expr, c.Name) {
			checks = append(checks, w.checks[i])
		}
	}
	if len(checks) == 0 {
		return nil
	}
	return x.eachRow(d, func(row []types.Datum) error {
		for _, ck := range checks {
			ok, err := x.eval(ck.e, row)
			if err != nil {
				return err
			}
			if ok == false {
				return x.rowBreaksCheck(d, ck.name)
			}
		}
		return nil
	})
}

// foreignKeysStillMatch checks, as FOREIGN KEY does when it is made, that
// the key columns of every foreign key the column is in, on either side,
// still have comparable types.
func (x *execCtx) foreignKeysStillMatch(d *catalog.Descriptor, c *catalog.ColumnDesc) error {
	return x.eachForeignKeyOf(d, c, func(child *catalog.Descriptor, fk *catalog.ForeignKeyDesc) error {
		parent := d
		if fk.RefTable != d.ID {
			p, err := catalog.Get(x.txn, fk.RefTable)
			if err != nil || p == nil {
				return err
			}
			parent = p
		}
		for i, id := range fk.Columns {
			cc, pc := child.Table.Column(id), parent.Table.Column(fk.RefColumns[i])
			if cc == nil || pc == nil {
				continue
			}
			if cc.Type().Family != pc.Type().Family && !(isNumericFamily(cc) && isNumericFamily(pc)) {
				return pgerror.Newf(pgcode.DatatypeMismatch, "foreign key constraint \"%s\" cannot be implemented", fk.Name).
					WithDetail("Key columns \"" + cc.Name + "\" and \"" + pc.Name + "\" are of incompatible types: " + cc.Type().String() + " and " + pc.Type().String() + ".")
			}
		}
		return nil
	})
}

// revalidateForeignKeys checks the rows of every foreign key the column
// is in against their parents again: USING may have changed the values.
func (x *execCtx) revalidateForeignKeys(d *catalog.Descriptor, c *catalog.ColumnDesc) error {
	return x.eachForeignKeyOf(d, c, func(child *catalog.Descriptor, fk *catalog.ForeignKeyDesc) error {
		return x.validateForeignKey(child, fk)
	})
}

// eachForeignKeyOf calls fn with every foreign key that has column c of
// d among its columns (d the child; d itself as it now is) or among its
// referenced columns (any table the child).
func (x *execCtx) eachForeignKeyOf(d *catalog.Descriptor, c *catalog.ColumnDesc, fn func(child *catalog.Descriptor, fk *catalog.ForeignKeyDesc) error) error {
	for i := range d.Table.ForeignKeys {
		fk := &d.Table.ForeignKeys[i]
		if containsID(fk.Columns, c.ID) || fk.RefTable == d.ID && containsID(fk.RefColumns, c.ID) {
			if err := fn(d, fk); err != nil {
				return err
			}
		}
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	for _, o := range g.all {
		if o.Kind != catalog.KindTable || o.ID == d.ID {
			continue
		}
		for i := range o.Table.ForeignKeys {
			fk := &o.Table.ForeignKeys[i]
			if fk.RefTable == d.ID && containsID(fk.RefColumns, c.ID) {
				if err := fn(o, fk); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
