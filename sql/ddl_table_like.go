package sql

import (
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE TABLE t (... LIKE source [INCLUDING | EXCLUDING option] ...), as
// PostgreSQL 15's. The source's columns take LIKE's place among the
// table's own, with their names, types, collations and NOT NULL; what
// else is copied the options say (the parser has already folded them
// into one set, the later overriding the earlier):
//
//   - DEFAULTS: the columns' defaults, as stored. A serial column's
//     implicit nextval becomes an ordinary default calling the same
//     sequence, which stays owned by the source's column, as PostgreSQL
//     copies nextval('s_id_seq'::regclass).
//   - IDENTITY: each identity column gets a sequence of its own, named
//     as CREATE TABLE names one, with the source sequence's options.
//   - GENERATED: the generation expressions (else the column is plain).
//   - CONSTRAINTS: the CHECK constraints, under their names. Foreign
//     keys are never copied.
//   - INDEXES: the primary key, the UNIQUE constraints and the other
//     indexes (expression and partial ones too), named as if declared
//     without a name.
//   - COMMENTS: the comments of the columns, the CHECK constraints and
//     the indexes (not those of the PRIMARY KEY and UNIQUE constraints,
//     nor the table's).
//   - COMPRESSION, STORAGE, STATISTICS: there is nothing to copy. A
//     stela column's storage and compression are its type's, the same
//     in the new table; it has no statistics target and stela no
//     extended statistics (ALTER COLUMN ... SET STORAGE, SET
//     COMPRESSION and SET STATISTICS and CREATE STATISTICS are refused).
//
// As in PostgreSQL the constraints and indexes of a LIKE come after the
// table's own, so these take the names they would have without it, and
// a copied CHECK whose name the table uses already fails with 42710.

// likeOption is the bit of a TableLikeOption in TableLikeClause.Options
// (PostgreSQL's CREATE_TABLE_LIKE_* flags).
func likeOption(o pg_query.TableLikeOption) uint32 {
	return 1 << (uint32(o) - 1)
}

// likeSource is a LIKE clause whose constraints and indexes are still
// to be copied.
type likeSource struct {
	src  *catalog.Descriptor
	opts uint32
}

func (l likeSource) has(o pg_query.TableLikeOption) bool { return l.opts&likeOption(o) != 0 }

// like copies the columns of a LIKE clause's source into the table, and
// notes a table's for likeConstraints and likeIndexes (a view has no
// constraint or index). stela's view columns keep no collation: a view's
// copy has the default one.
func (b *tableBuilder) like(lc *pg_query.TableLikeClause) error {
	src, err := b.x.likeSourceRelation(lc.Relation)
	if err != nil {
		return err
	}
	l := likeSource{src: src, opts: lc.Options}
	if src.Kind == catalog.KindView {
		for _, vc := range src.View.Columns {
			c, err := b.likeColumn(vc.Name)
			if err != nil {
				return err
			}
			c.SetType(vc.Type())
			if l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_COMMENTS) {
				c.Comment = vc.Comment
			}
		}
		return nil
	}
	for _, sc := range src.Table.LiveColumns() {
		if sc.Hidden {
			continue // the row id, the keys of expression indexes
		}
		c, err := b.likeColumn(sc.Name)
		if err != nil {
			return err
		}
		c.SetType(sc.Type())
		c.Collation, c.NotNull = sc.Collation, sc.NotNull
		if l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_DEFAULTS) {
			if isSerialDefault(sc) {
				if c.Default, err = serialDefaultStored(sc.Sequence); err != nil {
					return err
				}
			} else if sc.Default != "" {
				// Bound to the same functions (table_funcs.go). A
				// generated column's functions are its expression's,
				// copied only with it (INCLUDING GENERATED).
				c.Default, c.Functions = sc.Default, sc.Functions
			}
		}
		if l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_GENERATED) && sc.Generated != "" {
			c.Generated, c.Functions = sc.Generated, sc.Functions
		}
		if sc.Identity != "" && l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_IDENTITY) {
			if err := b.likeIdentity(c, sc); err != nil {
				return err
			}
		}
		if l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_COMMENTS) {
			c.Comment = sc.Comment
		}
	}
	b.likes = append(b.likes, l)
	return nil
}

// likeSourceRelation resolves a LIKE clause's source: a table, view or
// materialized view the user may read (PostgreSQL asks for SELECT; a
// user who may create a table in stela holds it on every relation of
// the database today, but the rule is PostgreSQL's).
func (x *execCtx) likeSourceRelation(rv *pg_query.RangeVar) (*catalog.Descriptor, error) {
	// The name is found as FROM finds it: pg_catalog's relations first.
	if vt, err := lookupVtable(rv, x.txn, x.sess.searchPath()); err != nil {
		return nil, err
	} else if vt != nil {
		// Their columns are not described fully (no NOT NULL, no
		// collation): a copy would not be PostgreSQL's.
		return nil, pgerror.New(pgcode.FeatureNotSupported, "CREATE TABLE ... LIKE a system catalog or information_schema view is not supported").
			WithPosition(int(rv.Location) + 1)
	}
	src, err := x.relationFor(rv)
	if err != nil {
		return nil, err
	}
	if src.Kind != catalog.KindTable && src.Kind != catalog.KindView {
		return nil, pgerror.Newf(pgcode.WrongObjectType, "relation \"%s\" is invalid in LIKE clause", src.Name).
			WithDetail("This operation is not supported for " + kindPlural(src.Kind) + ".").WithPosition(int(rv.Location) + 1)
	}
	if err := x.sess.checkTable("r", src); err != nil {
		return nil, err
	}
	return src, nil
}

// likeColumn adds a column named name to the table, refusing a name the
// table has already as PostgreSQL does (without a position).
func (b *tableBuilder) likeColumn(name string) (*catalog.ColumnDesc, error) {
	t := b.d.Table
	if t.ColumnByName(name) != nil {
		return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", name)
	}
	t.Columns = append(t.Columns, catalog.ColumnDesc{ID: t.NextColumnID, Name: name})
	t.NextColumnID++
	return &t.Columns[len(t.Columns)-1], nil
}

// serialDefaultStored is the stored form of a default calling nextval of
// sequence id, as storedDefault keeps nextval('name').
func serialDefaultStored(id uint32) (string, error) {
	n, err := parser.ParseExpr("nextval(" + quoteLiteralPG(strconv.FormatUint(uint64(id), 10)) + "::regclass)")
	if err != nil {
		return "", err
	}
	return parser.DeparseExpr(n)
}

// likeIdentity makes c an identity column like sc, with a new sequence
// that has the options of sc's.
func (b *tableBuilder) likeIdentity(c, sc *catalog.ColumnDesc) error {
	from, err := catalog.Get(b.x.txn, sc.Sequence)
	if err != nil {
		return err
	}
	if from == nil || from.Sequence == nil {
		return pgerror.Newf(pgcode.DataCorrupted, "column \"%s\": its sequence %d is missing", sc.Name, sc.Sequence)
	}
	if c.Sequence, err = b.sequence(c.Name, c.Type(), c); err != nil {
		return err
	}
	q, fq := b.seqs[len(b.seqs)-1].Sequence, from.Sequence
	q.Start, q.Increment, q.Min, q.Max, q.Cycle = fq.Start, fq.Increment, fq.Min, fq.Max, fq.Cycle
	// PostgreSQL 15 copies the options but not the type (AS), so the
	// new sequence is a bigint one, with the bounds of the old.
	q.TypeOid = types.Int8.Oid
	c.Identity = sc.Identity
	return nil
}

// likeConstraints copies the CHECK constraints, primary keys and UNIQUE
// constraints of the table's LIKE clauses, once the table's own are
// known (finish builds them all).
func (b *tableBuilder) likeConstraints() error {
	for _, l := range b.likes {
		if l.src.Kind != catalog.KindTable {
			continue
		}
		st := l.src.Table
		comments := l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_COMMENTS)
		if l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_CONSTRAINTS) {
			for _, ck := range st.Checks {
				raw, err := parser.ParseExpr(ck.Expr)
				if err != nil {
					return pgerror.Newf(pgcode.DataCorrupted, "check constraint \"%s\": stored expression does not parse", ck.Name)
				}
				// The copy calls what the source's calls (table_funcs.go).
				b.x.bindLike(raw, ck.Functions)
				con := &pg_query.Constraint{Contype: pg_query.ConstrType_CONSTR_CHECK, Conname: ck.Name, RawExpr: raw, Location: -1}
				b.checks = append(b.checks, con)
				b.checkCol = append(b.checkCol, "")
				if comments {
					b.setComment(con, ck.Comment)
				}
			}
		}
		if !l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_INDEXES) {
			continue
		}
		for _, ix := range st.AllIndexes() {
			if !ix.Constraint {
				continue // the row id's key; plain indexes (likeIndexes)
			}
			con := &pg_query.Constraint{Contype: pg_query.ConstrType_CONSTR_UNIQUE, Keys: strNodes(indexColumnNames(st, ix)), Location: -1}
			if ix.ID == st.PrimaryKey.ID {
				con.Contype = pg_query.ConstrType_CONSTR_PRIMARY
			}
			if err := b.tableConstraint(con, ""); err != nil {
				return err
			}
			if comments {
				b.setComment(con, ix.Comment)
			}
		}
	}
	return nil
}

// setComment notes the comment a constraint copied by LIKE takes.
func (b *tableBuilder) setComment(con *pg_query.Constraint, text string) {
	if text == "" {
		return
	}
	if b.comments == nil {
		b.comments = map[*pg_query.Constraint]string{}
	}
	b.comments[con] = text
}

// indexColumnNames names the key columns of an index of a plain column.
func indexColumnNames(t *catalog.TableDesc, ix *catalog.IndexDesc) []string {
	out := make([]string, len(ix.Columns))
	for i, ic := range ix.Columns {
		out[i] = t.Column(ic.ColumnID).Name
	}
	return out
}

// likeIndexes makes, on the stored new table, the indexes of the LIKE
// ... INCLUDING INDEXES sources that back no constraint, as CREATE
// INDEX without a name would.
func (x *execCtx) likeIndexes(b *tableBuilder) error {
	for _, l := range b.likes {
		if l.src.Kind != catalog.KindTable || !l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_INDEXES) {
			continue
		}
		st := l.src.Table
		for i := range st.Indexes {
			ix := &st.Indexes[i]
			if ix.Constraint {
				continue // likeConstraints copied it
			}
			stmt, err := x.clonedIndexStmt(b.schema.Name, b.d.Name, st, ix)
			if err != nil {
				return err
			}
			if err := x.createIndex(stmt); err != nil {
				return err
			}
			if err := x.likeIndexFinish(b.d.ID, ix, l.has(pg_query.TableLikeOption_CREATE_TABLE_LIKE_COMMENTS)); err != nil {
				return err
			}
		}
	}
	return nil
}

// clonedIndexStmt is the CREATE INDEX that makes index ix of table st on
// table schema.name. Its key expressions call what the source's call
// (bindLike).
func (x *execCtx) clonedIndexStmt(schema, name string, st *catalog.TableDesc, ix *catalog.IndexDesc) (*pg_query.IndexStmt, error) {
	stmt := &pg_query.IndexStmt{Relation: &pg_query.RangeVar{Schemaname: schema, Relname: name, Inh: true, Relpersistence: "p", Location: -1},
		Unique: ix.Unique, AccessMethod: ix.Method}
	for _, ic := range ix.Columns {
		c := st.Column(ic.ColumnID)
		e := &pg_query.IndexElem{Ordering: pg_query.SortByDir_SORTBY_ASC, NullsOrdering: pg_query.SortByNulls_SORTBY_NULLS_LAST}
		if ix.Method == catalog.IndexMethodHash {
			// A hash index's keys have no order to repeat.
			e.Ordering, e.NullsOrdering = pg_query.SortByDir_SORTBY_DEFAULT, pg_query.SortByNulls_SORTBY_NULLS_DEFAULT
		}
		if ic.Desc {
			e.Ordering = pg_query.SortByDir_SORTBY_DESC
		}
		if ic.NullsFirst {
			e.NullsOrdering = pg_query.SortByNulls_SORTBY_NULLS_FIRST
		}
		if ic.Collation != "" {
			e.Collation = strNodes([]string{ic.Collation})
		}
		if ic.Opclass != "" {
			e.Opclass = strNodes([]string{ic.Opclass})
		}
		if c.IndexKey {
			n, err := parser.ParseExpr(c.Generated)
			if err != nil {
				return nil, pgerror.Newf(pgcode.DataCorrupted, "index \"%s\": stored key expression does not parse", ix.Name)
			}
			e.Expr = n
			x.bindLike(n, c.Functions)
		} else {
			e.Name = c.Name
		}
		stmt.IndexParams = append(stmt.IndexParams, &pg_query.Node{Node: &pg_query.Node_IndexElem{IndexElem: e}})
	}
	if ix.Predicate != "" {
		n, err := parser.ParseExpr(ix.Predicate)
		if err != nil {
			return nil, pgerror.Newf(pgcode.DataCorrupted, "index \"%s\": stored predicate does not parse", ix.Name)
		}
		stmt.WhereClause = n
	}
	return stmt, nil
}

// likeIndexFinish gives the index createIndex just added to table id
// what it copies of source index from beyond its definition: the
// settings its predicate is read with (the source's, so that the copy
// holds the same rows) and, with INCLUDING COMMENTS, its comment.
func (x *execCtx) likeIndexFinish(id uint32, from *catalog.IndexDesc, comments bool) error {
	d, err := catalog.Get(x.txn, id)
	if err != nil {
		return err
	}
	var ix *catalog.IndexDesc
	for i := range d.Table.Indexes {
		if d.Table.Indexes[i].ID == d.Table.NextIndexID-1 {
			ix = &d.Table.Indexes[i]
		}
	}
	if ix == nil {
		return pgerror.Newf(pgcode.Internal, "index copied from \"%s\" was not stored", from.Name)
	}
	if from.Predicate != "" {
		ix.PredicateSettings = nil
		if s := from.PredicateSettings; s != nil {
			cp := *s
			ix.PredicateSettings = &cp
		}
	}
	if comments {
		ix.Comment = from.Comment
	}
	return catalog.Put(x.txn, d)
}
