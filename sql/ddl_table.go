package sql

import (
	"math"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ddlPlan runs a DDL statement in the session's transaction and bumps the
// catalog version, so that prepared plans notice the change.
type ddlPlan struct {
	tag string
	fn  func(x *execCtx) error
}

func (p *ddlPlan) run(s *Session, ec *expr.Context) (Result, error) {
	// A full execution context: DDL evaluates defaults and checks too
	// (ADD COLUMN fills existing rows).
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	if x.txn.ReadOnly() {
		return nil, pgerror.Newf(pgcode.ReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", p.tag)
	}
	// The bump comes first: from it on the transaction counts as one
	// that changed the schema (catalog.ChangedIn), so that what the
	// statement plans while it runs (a writer to fill a new column or
	// check a constraint) reads its own uncommitted descriptors and
	// does not keep them in a cache shared by sessions (relcache.go,
	// fk_referencing.go).
	if err := catalog.BumpVersion(x.txn); err != nil {
		return nil, err
	}
	if err := p.fn(x); err != nil {
		return nil, err
	}
	return &tagResult{tag: p.tag}, nil
}

// schemaFor resolves the schema a new object is created in: the one
// named, or for an unqualified name the search path's first
// (creation_schema.go).
func (s *Session) schemaFor(txn *engine.Txn, name string) (*catalog.Descriptor, error) {
	var sc *catalog.Descriptor
	var err error
	if name == "" {
		sc, err = s.creationSchema(txn)
	} else {
		sc, err = catalog.Schema(txn, name)
	}
	if err != nil {
		return nil, err
	}
	if sc.ID == catalog.PgCatalogID || sc.ID == catalog.InformationSchemaID {
		return nil, pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied to create objects in schema \"%s\"", sc.Name)
	}
	return sc, nil
}

func (s *Session) planCreateTable(n *pg_query.CreateStmt) (plan, error) {
	switch {
	case len(n.InhRelations) > 0:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "table inheritance is not supported")
	case n.Partspec != nil || n.Partbound != nil:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "partitioned tables are not supported")
	case n.OfTypename != nil:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "typed tables are not supported")
	}
	return &ddlPlan{tag: "CREATE TABLE", fn: func(x *execCtx) error { return x.createTable(n) }}, nil
}

// tableBuilder collects a table's definition from CREATE TABLE.
type tableBuilder struct {
	x        *execCtx
	schema   *catalog.Descriptor
	d        *catalog.Descriptor
	names    map[string]bool // constraint and index names taken
	pk       *pg_query.Constraint
	pkLoc    int32
	uniq     []*pg_query.Constraint
	checks   []*pg_query.Constraint
	checkCol []string // the column of a column-level check
	fks      []*pg_query.Constraint
	fkCol    []string
	seqs     []*catalog.Descriptor
	gens     []genPending // generated columns (ddl_generated.go)
	likes    []likeSource // LIKE clauses (ddl_table_like.go)
	// comments are what LIKE ... INCLUDING COMMENTS gives the
	// constraints it copies: a CHECK's own comment, the index's for a
	// PRIMARY KEY or UNIQUE constraint.
	comments map[*pg_query.Constraint]string
}

func (x *execCtx) createTable(n *pg_query.CreateStmt) error {
	txn := x.txn
	schema, err := x.creationSchema(n.Relation) // temp.go
	if err != nil {
		return err
	}
	if err := checkOnCommit(schema, n.Oncommit); err != nil {
		return err
	}
	name := n.Relation.Relname
	if existing, err := catalog.LookupRelation(txn, schema.ID, name); err != nil {
		return err
	} else if existing != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateTable, "relation \""+name+"\" already exists, skipping")
			return nil
		}
		return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
	}
	if err := x.newRowTypeNameFree(schema.ID, name); err != nil {
		return err
	}
	id, err := catalog.NewID(txn)
	if err != nil {
		return err
	}
	b := &tableBuilder{x: x, schema: schema, names: map[string]bool{},
		d: &catalog.Descriptor{Kind: catalog.KindTable, ID: id, Name: name, Schema: schema.ID, Owner: x.creator(),
			Table: &catalog.TableDesc{NextColumnID: 1, NextIndexID: 2}}}
	for _, elt := range n.TableElts {
		switch e := elt.Node.(type) {
		case *pg_query.Node_ColumnDef:
			if err := b.column(e.ColumnDef); err != nil {
				return err
			}
		case *pg_query.Node_Constraint:
			if err := b.tableConstraint(e.Constraint, ""); err != nil {
				return err
			}
		case *pg_query.Node_TableLikeClause:
			if err := b.like(e.TableLikeClause); err != nil {
				return err
			}
		default:
			return pgerror.New(pgcode.FeatureNotSupported, "this table element is not supported")
		}
	}
	if len(b.d.Table.Columns) > 1600 {
		return pgerror.New(pgcode.TooManyColumns, "tables can have at most 1600 columns")
	}
	for _, c := range n.Constraints {
		if err := b.tableConstraint(c.GetConstraint(), ""); err != nil {
			return err
		}
	}
	if err := b.likeConstraints(); err != nil {
		return err
	}
	if err := b.finish(); err != nil {
		return err
	}
	for _, sq := range b.seqs {
		sq.Sequence.OwnedByTable = id
		if err := catalog.Put(txn, sq); err != nil {
			return err
		}
	}
	if err := catalog.Put(txn, b.d); err != nil {
		return err
	}
	x.noteOnCommit(id, n.Oncommit)
	return x.likeIndexes(b)
}

// serialTypes are the serial pseudo-types: an integer column with a
// sequence.
var serialTypes = map[string]*types.T{
	"serial": types.Int4, "serial4": types.Int4,
	"bigserial": types.Int8, "serial8": types.Int8,
	"smallserial": types.Int2, "serial2": types.Int2,
}

func (b *tableBuilder) column(cd *pg_query.ColumnDef) error {
	t := b.d.Table
	if t.ColumnByName(cd.Colname) != nil {
		return pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", cd.Colname)
	}
	if err := systemColumnConflict(cd.Colname); err != nil {
		return err
	}
	if err := generationClauses(cd, b.d.Name); err != nil {
		return err
	}
	col := catalog.ColumnDesc{ID: t.NextColumnID, Name: cd.Colname}
	t.NextColumnID++
	var typ *types.T
	names := cd.TypeName.Names
	last := names[len(names)-1].GetString_().GetSval()
	if st, ok := serialTypes[last]; ok && len(names) == 1 && len(cd.TypeName.ArrayBounds) == 0 {
		typ = st
		seq, err := b.sequence(cd.Colname, st, &col)
		if err != nil {
			return err
		}
		col.Sequence = seq
		col.NotNull = true
	} else {
		var err error
		if typ, err = b.x.typeFromName(cd.TypeName); err != nil {
			return err
		}
		// void, anyarray: no stored value can have them.
		if err := checkStorableType(cd.Colname, typ); err != nil {
			return err
		}
	}
	col.SetType(typ)
	if cd.CollClause != nil {
		var err error
		if col.Collation, err = columnCollation(cd.CollClause, typ); err != nil {
			return err
		}
	}
	t.Columns = append(t.Columns, col)
	c := &t.Columns[len(t.Columns)-1]
	constraints, err := foldConstraintAttrs(cd.Constraints)
	if err != nil {
		return err
	}
	for _, cn := range constraints {
		con := cn.GetConstraint()
		switch con.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			c.NotNull = true
		case pg_query.ConstrType_CONSTR_NULL:
			c.NotNull = false
		case pg_query.ConstrType_CONSTR_DEFAULT:
			if c.Sequence != 0 {
				return pgerror.Newf(pgcode.Syntax, "multiple default values specified for column \"%s\" of table \"%s\"", c.Name, b.d.Name)
			}
			def, fns, err := b.x.columnDefault(con.RawExpr, c)
			if err != nil {
				return err
			}
			c.Default, c.Functions = def, fns
		case pg_query.ConstrType_CONSTR_IDENTITY:
			// GENERATED ... AS IDENTITY (START WITH 100 INCREMENT BY 10).
			seq, err := b.identitySequence(c, typ, con.Options) // ddl_identity.go
			if err != nil {
				return err
			}
			c.Sequence, c.Identity, c.NotNull = seq, con.GeneratedWhen, true
		case pg_query.ConstrType_CONSTR_GENERATED:
			// Checked once all columns are known (cookGenerated).
			b.gens = append(b.gens, genPending{col: c.ID, raw: con.RawExpr})
		default:
			if err := b.tableConstraint(con, c.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// sequence creates the sequence of a serial or identity column, named
// table_column_seq (or with a number, when taken).
func (b *tableBuilder) sequence(col string, t *types.T, c *catalog.ColumnDesc) (uint32, error) {
	name, err := chooseName(b.x.txn, b.schema.ID, b.names, []string{b.d.Name, col}, "seq")
	if err != nil {
		return 0, err
	}
	return b.newSequence(b.schema.ID, name, t, c)
}

// newSequence adds the sequence of column c, of type t, to the ones the
// builder stores with the table.
func (b *tableBuilder) newSequence(schema uint32, name string, t *types.T, c *catalog.ColumnDesc) (uint32, error) {
	if schema == b.schema.ID {
		b.names[name] = true
	}
	id, err := catalog.NewID(b.x.txn)
	if err != nil {
		return 0, err
	}
	max := int64(math.MaxInt64)
	switch t.Oid {
	case types.Int2.Oid:
		max = math.MaxInt16
	case types.Int4.Oid:
		max = math.MaxInt32
	}
	// The sequence is its table's owner's, as PostgreSQL's: ADD COLUMN
	// by an admin on another user's table does not make it the admin's.
	b.seqs = append(b.seqs, &catalog.Descriptor{Kind: catalog.KindSequence, ID: id, Name: name, Schema: schema, Owner: b.d.Owner,
		Sequence: &catalog.SequenceDesc{Start: 1, Increment: 1, Min: 1, Max: max, TypeOid: t.Oid, OwnedByColumn: c.ID}})
	return id, nil
}

// defaultText checks a domain's DEFAULT expression against its type (c
// stands for a column of it) and returns its SQL text. It calls no user
// function: a domain keeps no binding.
func (x *execCtx) defaultText(n *pg_query.Node, c *catalog.ColumnDesc) (string, error) {
	text, _, err := x.defaultCalls(n, c, nil)
	return text, err
}

// columnDefault checks a column's DEFAULT expression and returns its SQL
// text and the user functions it is bound to (table_funcs.go).
func (x *execCtx) columnDefault(n *pg_query.Node, c *catalog.ColumnDesc) (string, []uint32, error) {
	return x.defaultCalls(n, c, map[int32]uint32{})
}

// defaultCalls checks a DEFAULT expression against its column and
// returns its SQL text; with calls set it may call user functions, and
// returns those it called.
func (x *execCtx) defaultCalls(n *pg_query.Node, c *catalog.ColumnDesc, calls map[int32]uint32) (string, []uint32, error) {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	if calls != nil {
		if err := x.hookUserCalls(b, n, calls); err != nil { // table_funcs.go
			return "", nil, err
		}
	}
	// nextval('seq') and the other sequence functions are planner-level.
	pl := &planner{s: x.sess, txn: x.txn, params: b.Params}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return pl.specialFunc(b, f, name) }
	b.CheckReg = pl.checkReg // nextval('nope') fails here, as in PostgreSQL
	e, err := b.Build(n)
	if err != nil {
		if pgerror.HasCode(err, pgcode.UndefinedColumn) {
			return "", nil, pgerror.New(pgcode.FeatureNotSupported, "cannot use column reference in DEFAULT expression")
		}
		return "", nil, err
	}
	if err := assignsToColumn(b, e, c, n); err != nil {
		return "", nil, err
	}
	n, fns, err := x.boundCallsOf(n, calls)
	if err != nil {
		return "", nil, err
	}
	text, err := x.storedDefault(n) // default_seqrefs.go
	return text, fns, err
}

// assignsToColumn checks that the value of e, built from n, can be
// assigned to column c, with PostgreSQL's error for a default (which
// PostgreSQL 15 gives for a generation expression too).
func assignsToColumn(b *expr.Builder, e expr.Expr, c *catalog.ColumnDesc, n *pg_query.Node) error {
	if _, err := b.Assign(e, c.Type(), c.Name, expr.Location(n)); err != nil {
		if pgerror.HasCode(err, pgcode.DatatypeMismatch) {
			return pgerror.Newf(pgcode.DatatypeMismatch, "column \"%s\" is of type %s but default expression is of type %s", c.Name, c.Type(), e.Type()).
				WithHint("You will need to rewrite or cast the expression.")
		}
		return err
	}
	return nil
}

// tableConstraint records a table-level (or column-level, col != "")
// constraint; the keys of a column-level one are its column.
func (b *tableBuilder) tableConstraint(con *pg_query.Constraint, col string) error {
	keys := func() []string {
		if col != "" {
			return []string{col}
		}
		var out []string
		for _, k := range con.Keys {
			out = append(out, k.GetString_().GetSval())
		}
		return out
	}
	if len(con.Including) > 0 || len(con.Exclusions) > 0 || con.WhereClause != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "INCLUDE, EXCLUDE and partial constraints are not supported")
	}
	switch con.Contype {
	case pg_query.ConstrType_CONSTR_PRIMARY:
		if err := deferrableKeyError(con); err != nil {
			return err
		}
		if b.pk != nil {
			return pgerror.Newf(pgcode.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", b.d.Name).WithPosition(int(con.Location) + 1)
		}
		con.Keys = strNodes(keys())
		b.pk = con
	case pg_query.ConstrType_CONSTR_UNIQUE:
		if err := deferrableKeyError(con); err != nil {
			return err
		}
		if col != "" {
			// ADD COLUMN ... UNIQUE builds its index without indexColumns.
			if err := checkKeyColumn(b.d.Table.ColumnByName(col)); err != nil {
				return err
			}
		}
		con.Keys = strNodes(keys())
		b.uniq = append(b.uniq, con)
	case pg_query.ConstrType_CONSTR_CHECK:
		b.checks = append(b.checks, con)
		b.checkCol = append(b.checkCol, col)
	case pg_query.ConstrType_CONSTR_FOREIGN:
		if col != "" {
			con.FkAttrs = strNodes([]string{col})
		}
		b.fks = append(b.fks, con)
		b.fkCol = append(b.fkCol, col)
	default:
		return pgerror.Newf(pgcode.FeatureNotSupported, "constraint type %s is not supported", strings.TrimPrefix(con.Contype.String(), "CONSTR_"))
	}
	return nil
}

func strNodes(ss []string) []*pg_query.Node {
	out := make([]*pg_query.Node, len(ss))
	for i, s := range ss {
		out[i] = &pg_query.Node{Node: &pg_query.Node_String_{String_: &pg_query.String{Sval: s}}}
	}
	return out
}

func nodeStrings(ns []*pg_query.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.GetString_().GetSval()
	}
	return out
}

// indexColumns resolves constraint keys to index columns.
func indexColumns(t *catalog.TableDesc, keys []string, table string) ([]catalog.IndexColumn, error) {
	var out []catalog.IndexColumn
	seen := map[string]bool{}
	for _, k := range keys {
		c := t.ColumnByName(k)
		if c == nil || c.Hidden {
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" named in key does not exist", k)
		}
		if seen[k] {
			return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" appears twice in primary key constraint", k)
		}
		if err := checkKeyColumn(c); err != nil {
			return nil, err
		}
		seen[k] = true
		out = append(out, catalog.IndexColumn{ColumnID: c.ID})
	}
	return out, nil
}

// checkKeyColumn refuses a column that cannot be an index key: arrays
// and composite values have no key encoding in engine/keyenc yet.
func checkKeyColumn(c *catalog.ColumnDesc) error {
	if c != nil && c.Type().IsArray() {
		return pgerror.New(pgcode.FeatureNotSupported, "arrays cannot be index keys yet")
	}
	if c != nil && c.Type().Family == types.RecordFamily {
		return pgerror.Newf(pgcode.FeatureNotSupported, "column \"%s\" of composite type %s cannot be an index key yet", c.Name, c.Type())
	}
	return nil
}

// primaryKey makes b.pk the table's primary key: its columns become NOT
// NULL, and it takes its name (t_pkey unless given).
func (b *tableBuilder) primaryKey() error {
	t := b.d.Table
	cols, err := indexColumns(t, nodeStrings(b.pk.Keys), b.d.Name)
	if err != nil {
		return err
	}
	for _, ic := range cols {
		t.Column(ic.ColumnID).NotNull = true
	}
	name := b.pk.Conname
	if name == "" {
		if name, err = chooseName(b.x.txn, b.schema.ID, b.names, []string{b.d.Name}, "pkey"); err != nil {
			return err
		}
	}
	if err := b.claim(name); err != nil {
		return err
	}
	t.PrimaryKey = catalog.IndexDesc{ID: engine.PrimaryIndexID, Name: name, Unique: true, Columns: cols, Constraint: true, Comment: b.comments[b.pk]}
	return nil
}

// finish builds the primary key, unique indexes, checks and foreign keys.
func (b *tableBuilder) finish() error {
	t := b.d.Table
	if err := b.cookGenerated(); err != nil {
		return err
	}
	if b.pk != nil {
		if err := b.primaryKey(); err != nil {
			return err
		}
	} else {
		// No primary key: a hidden row id keys the rows.
		rowid := catalog.ColumnDesc{ID: t.NextColumnID, Name: "_rowid", NotNull: true, Hidden: true}
		rowid.SetType(types.Int8)
		t.NextColumnID++
		t.Columns = append(t.Columns, rowid)
		t.PrimaryKey = catalog.IndexDesc{ID: engine.PrimaryIndexID, Name: b.d.Name + "_rowid", Unique: true,
			Columns: []catalog.IndexColumn{{ColumnID: rowid.ID}}}
	}
	for _, u := range b.uniq {
		keys := nodeStrings(u.Keys)
		cols, err := indexColumns(t, keys, b.d.Name)
		if err != nil {
			return err
		}
		name := u.Conname
		if name == "" {
			if name, err = chooseName(b.x.txn, b.schema.ID, b.names, append([]string{b.d.Name}, keys...), "key"); err != nil {
				return err
			}
		}
		if err := b.claim(name); err != nil {
			return err
		}
		t.Indexes = append(t.Indexes, catalog.IndexDesc{ID: t.NextIndexID, Name: name, Unique: true, Columns: cols, Constraint: true, Comment: b.comments[u]})
		t.NextIndexID++
	}
	if err := b.addChecks(); err != nil {
		return err
	}
	for i, fk := range b.fks {
		if err := b.foreignKey(fk, b.fkCol[i]); err != nil {
			return err
		}
	}
	return nil
}

// claim reserves a constraint name in the table.
func (b *tableBuilder) claim(name string) error {
	if b.names[name] {
		return pgerror.Newf(pgcode.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", name, b.d.Name)
	}
	b.names[name] = true
	return nil
}

// firstColumnRef names the first column an expression refers to.
func firstColumnRef(n *pg_query.Node) string {
	var found string
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil && found == "" {
			if f := cr.Fields; len(f) > 0 {
				found = f[len(f)-1].GetString_().GetSval()
			}
		}
		return found == ""
	})
	return found
}
