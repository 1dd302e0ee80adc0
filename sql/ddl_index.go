package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planCreateIndex plans CREATE [UNIQUE] INDEX: a btree over columns of a
// table, filled from the rows the table holds in the same transaction
// (those its WHERE is true of, for a partial index: index_predicate.go).
func (pl *planner) planCreateIndex(n *pg_query.IndexStmt) (plan, error) {
	p := &ddlPlan{tag: "CREATE INDEX", fn: func(x *execCtx) error { return x.createIndex(n) }}
	if n.Concurrent {
		return concurrently("CREATE INDEX CONCURRENTLY", p), nil // ddl_concurrently.go
	}
	return p, nil
}

// relationFor resolves the relation a DDL statement works on, with the
// position of its name on errors.
func (x *execCtx) relationFor(rv *pg_query.RangeVar) (*catalog.Descriptor, error) {
	return writableRelation(x.txn, x.sess.searchPath(), rv)
}

// writableRelation resolves a relation a statement changes: not a system
// catalog, and a missing one reported at its name's position.
func writableRelation(txn *engine.Txn, path catalog.SearchPath, rv *pg_query.RangeVar) (*catalog.Descriptor, error) {
	if err := refuseSystemCatalog(txn, path, rv.Schemaname, rv.Relname); err != nil {
		return nil, err
	}
	d, err := catalog.Relation(txn, rv.Schemaname, rv.Relname, path)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			return nil, pe.WithPosition(int(rv.Location) + 1)
		}
		return nil, err
	}
	return d, nil
}

// kindPlural names a kind in PostgreSQL's "not supported for ..." details.
func kindPlural(kind string) string {
	switch kind {
	case catalog.KindIndex:
		return "indexes"
	}
	return kind + "s"
}

func (x *execCtx) createIndex(n *pg_query.IndexStmt) error {
	d, err := x.relationFor(n.Relation)
	if err != nil {
		return err
	}
	if err := x.mustOwn(d); err != nil {
		return err
	}
	if d.Kind != catalog.KindTable {
		return pgerror.Newf(pgcode.WrongObjectType, "cannot create index on relation \"%s\"", d.Name).
			WithDetail("This operation is not supported for " + kindPlural(d.Kind) + ".")
	}
	switch {
	case n.AccessMethod == catalog.IndexMethodHash:
		if err := checkHashIndex(n); err != nil {
			return err
		}
	case n.AccessMethod != "" && n.AccessMethod != "btree":
		if n.AccessMethod == "gist" || n.AccessMethod == "gin" || n.AccessMethod == "spgist" || n.AccessMethod == "brin" {
			return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" is not supported", n.AccessMethod)
		}
		return pgerror.Newf(pgcode.UndefinedObject, "access method \"%s\" does not exist", n.AccessMethod)
	}
	switch {
	case len(n.IndexIncludingParams) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "INCLUDE columns of indexes are not supported")
	case n.NullsNotDistinct:
		return pgerror.New(pgcode.FeatureNotSupported, "NULLS NOT DISTINCT is not supported")
	case len(n.Options) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "index storage parameters are not supported")
	case n.TableSpace != "":
		return pgerror.New(pgcode.FeatureNotSupported, "tablespaces are not supported")
	}
	var pred string
	if n.WhereClause != nil {
		// PostgreSQL transforms the predicate before it looks at the
		// key columns.
		if pred, err = x.indexPredicateText(d, n.WhereClause); err != nil {
			return err
		}
	}
	t := d.Table
	var cols []catalog.IndexColumn
	var names []string
	// keys are the key expressions, by position in cols (nil for a
	// column): their columns are added once the index is known to be
	// made.
	var keys []*pg_query.Node
	// elems are the key elements, by position in cols: their COLLATE
	// and operator class are resolved once the key's type is known.
	var elems []*pg_query.IndexElem
	for _, p := range n.IndexParams {
		e := p.GetIndexElem()
		elems = append(elems, e)
		name := e.Name
		if e.Expr != nil {
			name = plainColumnElem(e.Expr)
		}
		var c *catalog.ColumnDesc
		if name != "" {
			if c = t.ColumnByName(name); c == nil && (pgSystemColumns[name] || name == tableOIDColumn) {
				return pgerror.New(pgcode.FeatureNotSupported, "index creation on system columns is not supported")
			}
			if c == nil || c.Hidden {
				return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", name)
			}
			if err := checkKeyColumn(c); err != nil {
				return err
			}
		} else {
			keys = append(keys, e.Expr)
			name = indexColname(e.Expr)
		}
		if c != nil {
			keys = append(keys, nil)
		}
		ic := catalog.IndexColumn{Desc: e.Ordering == pg_query.SortByDir_SORTBY_DESC}
		switch e.NullsOrdering {
		case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
			ic.NullsFirst = true
		case pg_query.SortByNulls_SORTBY_NULLS_LAST:
		default:
			ic.NullsFirst = ic.Desc // PostgreSQL: NULLS FIRST is the default for DESC
		}
		if c != nil {
			ic.ColumnID = c.ID
			if err := x.keyCollationAndClass(&ic, e, c); err != nil {
				return err
			}
		}
		cols = append(cols, ic)
		names = append(names, name)
	}
	if len(cols) > 32 {
		return pgerror.New(pgcode.TooManyColumns, "cannot use more than 32 columns in an index")
	}
	name := n.Idxname
	if name == "" {
		if name, err = chooseName(x.txn, d.Schema, nil, []string{d.Name, indexNameAddition(names)}, "idx"); err != nil {
			return err
		}
	} else if existing, err := catalog.LookupRelation(x.txn, d.Schema, name); err != nil {
		return err
	} else if existing != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateTable, "relation \""+name+"\" already exists, skipping")
			return nil
		}
		return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
	}
	for i, k := range keys {
		if k == nil {
			continue
		}
		c, err := x.indexKeyColumn(d, k)
		if err != nil {
			return err
		}
		cols[i].ColumnID = c.ID
		if err := x.keyCollationAndClass(&cols[i], elems[i], c); err != nil {
			return err
		}
	}
	ix := catalog.IndexDesc{ID: t.NextIndexID, Name: name, Unique: n.Unique, Columns: cols, Predicate: pred}
	if n.AccessMethod == catalog.IndexMethodHash {
		ix.Method = catalog.IndexMethodHash
	}
	if pred != "" {
		ix.PredicateSettings = exprSettingsOf(x.sess)
	}
	t.NextIndexID++
	t.Indexes = append(t.Indexes, ix)
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	l, err := writeLayout(x.sess, x.txn, d)
	if err != nil {
		return err
	}
	x.lockTableRows(l)
	return x.aboutTable(l.Backfill(x.txn, ix.ID), d)
}

// indexNameAddition is PostgreSQL's ChooseIndexNameAddition: the column
// names joined by underscores, stopped once as long as NAMEDATALEN
// (makeObjectName shortens it to fit).
func indexNameAddition(cols []string) string {
	var sb strings.Builder
	for _, c := range cols {
		if sb.Len() > 0 {
			sb.WriteByte('_')
		}
		sb.WriteString(c)
		if sb.Len() >= maxIdentifierLength+1 {
			break
		}
	}
	return sb.String()
}

// keyCollationAndClass resolves an index key's COLLATE and operator
// class into ic, for the key column c, as PostgreSQL's
// ComputeIndexAttrs does (collation first).
func (x *execCtx) keyCollationAndClass(ic *catalog.IndexColumn, e *pg_query.IndexElem, c *catalog.ColumnDesc) error {
	t := c.Type()
	if len(e.Collation) > 0 {
		name, err := collationNamed(nodeStrings(e.Collation))
		if err != nil {
			return err
		}
		if !collatable(t) {
			return pgerror.Newf(pgcode.DatatypeMismatch, "collations are not supported by type %s", typeNameBe(t))
		}
		ic.Collation = name
	}
	if len(e.Opclass) > 0 {
		name, err := x.indexOpclass(nodeStrings(e.Opclass), t)
		if err != nil {
			return err
		}
		ic.Opclass = name
		if len(e.Opclassopts) > 0 {
			// No btree class of PostgreSQL 15 takes options.
			return pgerror.Newf(pgcode.InvalidParameterValue, "operator class %s has no options", nodeStrings(e.Opclass)[len(e.Opclass)-1])
		}
	}
	return nil
}
