package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_depend: the dependencies PostgreSQL records between the objects
// stela serves, derived from the descriptors (ddl_deps.go enforces the
// same ones on DROP):
//
//	relation -> its schema                          n
//	sequence -> the column owning it                a (serial, OWNED BY),
//	                                                i (identity)
//	index of a PRIMARY KEY/UNIQUE -> constraint     i
//	other index -> each of its columns              a
//	default -> its column                           a
//	constraint -> each of its columns               a
//	CHECK -> each column its expression reads       n
//	FOREIGN KEY -> referenced columns and index     n
//	serial's nextval default -> its sequence        n
//	default calling nextval('s') -> sequence s      n (default_seqrefs.go)
//	default, generation expression, CHECK, index
//	  expression -> each user function it calls     n (table_funcs.go)
//	function -> each user function its SQL-standard
//	  body calls, then those its DEFAULTs call      n (function_deps.go,
//	                                                function_arg_defaults.go)
//	extension's function -> extension, schema       e, n (pgcatalog_extproc.go)
//	extension -> schema                             n
//	plpgsql language -> extension                  e (pgcatalog_language.go)
//
// Not recorded: what PostgreSQL records on objects stela does not serve
// (row types in pg_type, the foreign keys' triggers, toast tables), and
// views: PostgreSQL records a view's
// dependencies from its rewrite rule (classid pg_rewrite), and stela's
// pg_rewrite is empty, so such rows would name a rule no one can find.

// Catalog OIDs of the classes pg_depend refers to.
const (
	pgClassOID      = 1259
	pgNamespaceOID  = 2615
	pgConstraintOID = 2606
	pgAttrdefOID    = 2604
	pgProcOID       = 1255
	pgTypeOID       = 1247
)

func init() {
	addVtable("pg_depend", 2608, 'r', `classid oid, objid oid, objsubid integer, refclassid oid, refobjid oid,
		refobjsubid integer, deptype "char"`, pgDependRows)
}

func pgDependRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	byID := map[uint32]*catalog.Descriptor{}
	for _, d := range descs {
		byID[d.ID] = d
	}
	var out [][]types.Datum
	dep := func(class, obj uint32, refClass, ref uint32, refSub int, kind byte) {
		out = append(out, []types.Datum{dOid(class), dOid(obj), dInt(0), dOid(refClass), dOid(ref), dInt(refSub), dChar(kind)})
	}
	for _, d := range descs {
		switch d.Kind {
		case catalog.KindTable, catalog.KindView, catalog.KindSequence:
			dep(pgClassOID, d.ID, pgNamespaceOID, d.Schema, 0, 'n')
		}
		if s := d.Sequence; s != nil && s.OwnedByTable != 0 {
			if t := byID[s.OwnedByTable]; t != nil && t.Table != nil {
				kind := byte('a')
				if col := t.Table.Column(s.OwnedByColumn); col != nil && col.Identity != "" {
					kind = 'i'
				}
				dep(pgClassOID, d.ID, pgClassOID, t.ID, attnumOf(t.Table, s.OwnedByColumn), kind)
			}
		}
		if d.Kind != catalog.KindTable {
			continue
		}
		if err := tableDepends(d, byID, dep); err != nil {
			return nil, err
		}
	}
	functionDepends(c.functions, dep)
	if err := extensionDepends(c.txn, dep); err != nil {
		return nil, err
	}
	return out, nil
}

// indexDepends adds the rows of a plain index, as PostgreSQL's
// index_create records them: its plain key columns (the whole table
// when it has none), then, as one expression list (each object once),
// the columns and the functions its key expressions read. A key
// expression is a hidden column of stela's (ddl_index_expr.go), never a
// referenced column itself.
func indexDepends(t *catalog.TableDesc, table uint32, ix *catalog.IndexDesc, ixOID uint32, dep func(class, obj, refClass, ref uint32, refSub int, kind byte)) {
	plain := map[int]bool{}
	var keys []*catalog.ColumnDesc
	for _, ic := range ix.Columns {
		c := t.Column(ic.ColumnID)
		if c != nil && c.IndexKey {
			keys = append(keys, c)
			continue
		}
		if a := attnumOf(t, ic.ColumnID); !plain[a] {
			plain[a] = true
			dep(pgClassOID, ixOID, pgClassOID, table, a, 'a')
		}
	}
	if len(plain) == 0 {
		dep(pgClassOID, ixOID, pgClassOID, table, 0, 'a')
	}
	read, called := map[int]bool{}, map[uint32]bool{}
	for _, c := range keys {
		for _, a := range checkColumns(t, c.Generated) {
			if !read[a] {
				read[a] = true
				dep(pgClassOID, ixOID, pgClassOID, table, a, 'a')
			}
		}
		for _, fn := range c.Functions {
			if !called[fn] {
				called[fn] = true
				dep(pgClassOID, ixOID, pgProcOID, fn, 0, 'n')
			}
		}
	}
}

// tableDepends adds the rows of a table's indexes, defaults and
// constraints.
func tableDepends(d *catalog.Descriptor, byID map[uint32]*catalog.Descriptor, dep func(class, obj, refClass, ref uint32, refSub int, kind byte)) error {
	t := d.Table
	for _, ix := range catalog.NamedIndexes(t) {
		ixOID, err := indexOID(d.ID, ix.ID)
		if err != nil {
			return err
		}
		if !ix.Constraint && !isPrimary(ix) {
			indexDepends(t, d.ID, ix, ixOID, dep)
			continue
		}
		con, err := subOID(oidConstraintTag, d.ID, int(ix.ID))
		if err != nil {
			return err
		}
		dep(pgClassOID, ixOID, pgConstraintOID, con, 0, 'i')
		for _, ic := range ix.Columns {
			dep(pgConstraintOID, con, pgClassOID, d.ID, attnumOf(t, ic.ColumnID), 'a')
		}
	}
	for i := range t.Columns {
		col := &t.Columns[i]
		if col.Dropped || col.Hidden || !hasDefault(col) {
			continue
		}
		ad, err := attrdefOID(d.ID, i+1)
		if err != nil {
			return err
		}
		for _, fn := range col.Functions {
			dep(pgAttrdefOID, ad, pgProcOID, fn, 0, 'n')
		}
		if col.Generated != "" {
			// A generation expression is internal to its column and
			// depends on the columns it reads.
			dep(pgAttrdefOID, ad, pgClassOID, d.ID, i+1, 'i')
			for _, a := range checkColumns(t, col.Generated) {
				dep(pgAttrdefOID, ad, pgClassOID, d.ID, a, 'n')
			}
			continue
		}
		dep(pgAttrdefOID, ad, pgClassOID, d.ID, i+1, 'a')
		if isSerialDefault(col) && byID[col.Sequence] != nil {
			// nextval('seq'::regclass) depends on its sequence.
			dep(pgAttrdefOID, ad, pgClassOID, col.Sequence, 0, 'n')
		}
		for _, seq := range defaultSequences(col.Default, byID) {
			dep(pgAttrdefOID, ad, pgClassOID, seq, 0, 'n')
		}
	}
	slots := constraintSlots(t)
	for _, ck := range t.Checks {
		con, err := subOID(oidConstraintTag, d.ID, slots[ck.Name])
		if err != nil {
			return err
		}
		cols := checkColumns(t, ck.Expr)
		for _, a := range cols {
			dep(pgConstraintOID, con, pgClassOID, d.ID, a, 'a')
		}
		for _, a := range cols {
			dep(pgConstraintOID, con, pgClassOID, d.ID, a, 'n')
		}
		for _, fn := range ck.Functions {
			dep(pgConstraintOID, con, pgProcOID, fn, 0, 'n')
		}
	}
	for _, fk := range t.ForeignKeys {
		con, err := subOID(oidConstraintTag, d.ID, slots[fk.Name])
		if err != nil {
			return err
		}
		for _, col := range fk.Columns {
			dep(pgConstraintOID, con, pgClassOID, d.ID, attnumOf(t, col), 'a')
		}
		ref := byID[fk.RefTable]
		if ref == nil || ref.Table == nil {
			continue
		}
		for _, col := range fk.RefColumns {
			dep(pgConstraintOID, con, pgClassOID, ref.ID, attnumOf(ref.Table, col), 'n')
		}
		if ix := indexOn(ref.Table, fk.RefColumns); ix != nil {
			ixOID, err := indexOID(ref.ID, ix.ID)
			if err != nil {
				return err
			}
			dep(pgConstraintOID, con, pgClassOID, ixOID, 0, 'n')
		}
	}
	return nil
}

// functionDepends adds the rows of the user functions (which c.all
// keeps apart: they are not relations) on the functions they call: a
// SQL-standard body and the argument DEFAULTs are an expression each,
// whose functions PostgreSQL records once.
func functionDepends(functions []*catalog.Descriptor, dep func(class, obj, refClass, ref uint32, refSub int, kind byte)) {
	for _, d := range functions {
		for _, fn := range d.Function.Functions {
			dep(pgProcOID, d.ID, pgProcOID, fn, 0, 'n')
		}
		for _, fn := range defaultCallsOf(d.Function) {
			dep(pgProcOID, d.ID, pgProcOID, fn, 0, 'n')
		}
	}
}
