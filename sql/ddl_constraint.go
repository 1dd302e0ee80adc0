package sql

import (
	"fmt"
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ALTER TABLE ADD CONSTRAINT and DROP CONSTRAINT. A new constraint is
// checked against every row the table holds, with PostgreSQL's errors; a
// PRIMARY KEY can be neither added nor dropped, because rows are stored
// under their primary key.

// addConstraint is ALTER TABLE ADD [CONSTRAINT name] CHECK | UNIQUE |
// FOREIGN KEY | PRIMARY KEY.
func (x *execCtx) addConstraint(d *catalog.Descriptor, con *pg_query.Constraint) error {
	schema, err := catalog.Get(x.txn, d.Schema)
	if err != nil {
		return err
	}
	t := d.Table
	b := &tableBuilder{x: x, schema: schema, d: d, names: constraintNames(t)}
	if err := b.tableConstraint(con, ""); err != nil {
		return err
	}
	switch {
	case b.pk != nil:
		return x.addPrimaryKey(b) // ddl_addpk.go
	case len(b.uniq) > 0:
		return x.addUniqueConstraint(b, b.uniq[0])
	case len(b.checks) > 0:
		if err := b.addChecks(); err != nil {
			return err
		}
		if err := catalog.Put(x.txn, d); err != nil || con.SkipValidation {
			return err // NOT VALID: only new rows are checked
		}
		return x.validateCheck(d, t.Checks[len(t.Checks)-1].Name)
	case len(b.fks) > 0:
		if err := b.foreignKey(b.fks[0], ""); err != nil {
			return err
		}
		if err := catalog.Put(x.txn, d); err != nil || con.SkipValidation {
			return err
		}
		return x.validateForeignKey(d, &t.ForeignKeys[len(t.ForeignKeys)-1])
	}
	return nil
}

// addUniqueConstraint adds the unique index behind a UNIQUE constraint
// and fills it, failing with 23505 on the first duplicate.
func (x *execCtx) addUniqueConstraint(b *tableBuilder, u *pg_query.Constraint) error {
	if u.Indexname != "" {
		return x.uniqueUsingIndex(b, u) // ddl_unique_using.go
	}
	d, t := b.d, b.d.Table
	keys := nodeStrings(u.Keys)
	cols, err := indexColumns(t, keys, d.Name)
	if err != nil {
		return err
	}
	name := u.Conname
	if name == "" {
		if name, err = chooseName(x.txn, b.schema.ID, b.names, append([]string{d.Name}, keys...), "key"); err != nil {
			return err
		}
	}
	if err := b.claim(name); err != nil {
		return err
	}
	ix := catalog.IndexDesc{ID: t.NextIndexID, Name: name, Unique: true, Columns: cols, Constraint: true}
	t.NextIndexID++
	t.Indexes = append(t.Indexes, ix)
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	l := catalog.Layout(d)
	x.lockTableRows(l)
	return x.aboutTable(l.Backfill(x.txn, ix.ID), d)
}

// eachRow calls fn with every row of a table, in primary-key order.
func (x *execCtx) eachRow(d *catalog.Descriptor, fn func(row []types.Datum) error) error {
	return x.eachStoredRow(catalog.Layout(d), fn)
}

// lockTableRows makes the transaction's commit fail with 40001 if
// another transaction wrote a row of the table after its snapshot: a
// statement that checks or rewrites every row (ALTER COLUMN ... TYPE,
// SET NOT NULL, a new CHECK, foreign key or index) has not seen those.
// Writers that commit after it fail instead (tableWriter.guard).
func (x *execCtx) lockTableRows(l *engine.Layout) {
	x.txn.LockRange(kv.PrefixRange(engine.TablePrefix(l.TableID)))
}

// eachStoredRow calls fn with every row of a table as stored under
// layout l (the table's layout before the statement changed it).
func (x *execCtx) eachStoredRow(l *engine.Layout, fn func(row []types.Datum) error) error {
	x.lockTableRows(l)
	it, err := x.txn.Scan(l.Range(engine.PrimaryIndexID), false)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		if err := x.checkCanceled(); err != nil {
			return err
		}
		row, err := l.DecodeRow(it.Value())
		if err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return it.Err()
}

// validateCheck checks a new CHECK constraint on the existing rows.
func (x *execCtx) validateCheck(d *catalog.Descriptor, name string) error {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	w, err := pl.writer(d)
	if err != nil {
		return err
	}
	var check expr.Expr
	for _, c := range w.checks {
		if c.name == name {
			check = c.e
		}
	}
	if check == nil {
		return pgerror.Newf(pgcode.DataCorrupted, "check constraint \"%s\" was not stored", name)
	}
	return x.eachRow(d, func(row []types.Datum) error {
		ok, err := x.eval(check, row)
		if err != nil {
			return err
		}
		if ok == false {
			return x.rowBreaksCheck(d, name)
		}
		return nil
	})
}

// validateForeignKey checks that every existing row's key (without
// NULLs, MATCH SIMPLE) is present in the referenced table.
func (x *execCtx) validateForeignKey(d *catalog.Descriptor, fk *catalog.ForeignKeyDesc) error {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	r, err := pl.fkRef(d, fk)
	if err != nil {
		return err
	}
	return x.eachRow(d, func(row []types.Datum) error {
		vals := r.childKeyVals(row)
		if vals == nil {
			return nil
		}
		if slices.Contains(vals, nil) {
			return r.errMatchFull(x)
		}
		ok, err := r.parentExists(x, vals)
		if err != nil || ok {
			return err
		}
		return r.childViolation(x).WithDetail(fmt.Sprintf("Key (%s)=(%s) is not present in table \"%s\".", r.colNames(r.child, r.childCols), x.keyText(r.child, r.childCols, vals), r.parent.desc.Name))
	})
}

// dropConstraint is ALTER TABLE DROP CONSTRAINT [IF EXISTS] name.
func (x *execCtx) dropConstraint(d *catalog.Descriptor, name string, missingOK, cascade bool) error {
	t := d.Table
	for i, c := range t.Checks {
		if c.Name == name {
			t.Checks = append(t.Checks[:i], t.Checks[i+1:]...)
			return catalog.Put(x.txn, d)
		}
	}
	for i, fk := range t.ForeignKeys {
		if fk.Name == name {
			t.ForeignKeys = append(t.ForeignKeys[:i], t.ForeignKeys[i+1:]...)
			return catalog.Put(x.txn, d)
		}
	}
	if t.PrimaryKey.Name == name && t.PrimaryKey.Constraint {
		return pgerror.Newf(pgcode.FeatureNotSupported, "dropping primary key constraint \"%s\" is not supported", name).
			WithDetail("Rows are stored under their primary key.")
	}
	for _, ix := range t.Indexes {
		if ix.Name == name && ix.Constraint {
			return x.dropIndex(d, ix.ID, cascade)
		}
	}
	msg := fmt.Sprintf("constraint \"%s\" of relation \"%s\" does not exist", name, d.Name)
	if missingOK {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, msg+", skipping")
		return nil
	}
	return pgerror.New(pgcode.UndefinedObject, msg)
}

// alterConstraint is ALTER TABLE ALTER CONSTRAINT name [NOT] DEFERRABLE
// [INITIALLY DEFERRED | IMMEDIATE]: of a foreign key only, as in
// PostgreSQL.
func (x *execCtx) alterConstraint(d *catalog.Descriptor, con *pg_query.Constraint) error {
	t := d.Table
	for i := range t.ForeignKeys {
		fk := &t.ForeignKeys[i]
		if fk.Name != con.Conname {
			continue
		}
		fk.Deferrable, fk.InitiallyDeferred = con.Deferrable, con.Initdeferred
		return catalog.Put(x.txn, d)
	}
	if _, ok := constraintDeferrable(t, con.Conname); ok {
		return pgerror.Newf(pgcode.WrongObjectType, "constraint \"%s\" of relation \"%s\" is not a foreign key constraint", con.Conname, d.Name)
	}
	return pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" of relation \"%s\" does not exist", con.Conname, d.Name)
}
