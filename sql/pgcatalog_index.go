package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_index, pg_constraint, pg_inherits and pg_sequence: what hangs off a
// table.

func init() {
	addVtable("pg_index", 2610, 'r', `indexrelid oid, indrelid oid, indnatts smallint, indnkeyatts smallint,
		indisunique boolean, indnullsnotdistinct boolean, indisprimary boolean, indisexclusion boolean,
		indimmediate boolean, indisclustered boolean, indisvalid boolean, indcheckxmin boolean,
		indisready boolean, indislive boolean, indisreplident boolean, indkey int2vector,
		indcollation oidvector, indclass oidvector, indoption int2vector, indexprs pg_node_tree,
		indpred pg_node_tree`, pgIndexRows)
	addVtable("pg_constraint", 2606, 'r', `oid oid, conname name, connamespace oid, contype "char",
		condeferrable boolean, condeferred boolean, convalidated boolean, conrelid oid, contypid oid,
		conindid oid, conparentid oid, confrelid oid, confupdtype "char", confdeltype "char",
		confmatchtype "char", conislocal boolean, coninhcount integer, connoinherit boolean,
		conkey smallint[], confkey smallint[], conpfeqop oid[], conppeqop oid[], conffeqop oid[],
		confdelsetcols smallint[], conexclop oid[], conbin pg_node_tree`, pgConstraintRows)
	// stela has no table inheritance or partitioning: empty, truthfully.
	addVtable("pg_inherits", 2611, 'r', `inhrelid oid, inhparent oid, inhseqno integer, inhdetachpending boolean`, emptyRows)
	addVtable("pg_sequence", 2224, 'r', `seqrelid oid, seqtypid oid, seqstart bigint, seqincrement bigint,
		seqmax bigint, seqmin bigint, seqcache bigint, seqcycle boolean`, pgSequenceRows)
}

// isPrimary reports whether an index is the table's primary key.
func isPrimary(ix *catalog.IndexDesc) bool { return ix.ID == 1 }

func pgIndexRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.ofKind(catalog.KindTable)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		t, err := c.at().shownTable(d.Table)
		if err != nil {
			return nil, err
		}
		for _, ix := range catalog.NamedIndexes(t) {
			oid, err := indexOID(d.ID, ix.ID)
			if err != nil {
				return nil, err
			}
			var keys, opts []int
			var colls, classes []uint32
			var exprs []string
			for _, ic := range ix.Columns {
				if c := t.Column(ic.ColumnID); c != nil && c.IndexKey {
					// An expression: attnum 0, the expression in indexprs.
					keys = append(keys, 0)
					exprs = append(exprs, indexKeyDef(t, c, true, false))
				} else {
					keys = append(keys, attnumOf(t, ic.ColumnID))
				}
				o := 0
				if ic.Desc {
					o |= 1 // INDOPTION_DESC
				}
				if ic.NullsFirst {
					o |= 2 // INDOPTION_NULLS_FIRST
				}
				opts = append(opts, o)
				coll, class := uint32(0), uint32(0)
				if col := t.Column(ic.ColumnID); col != nil {
					coll = indexKeyCollationOID(ic, col)
					class = indexClassOID(ic.Opclass, col.Type())
				}
				colls = append(colls, coll)
				classes = append(classes, class)
			}
			unique := ix.Unique || isPrimary(ix)
			// indpred: a pg_node_tree is its expression's SQL text here,
			// as pg_get_expr's pretty form (psql's \d) prints it.
			var pred types.Datum
			if ix.Predicate != "" {
				pred = predicateDef(t, ix.Predicate, true)
			}
			// indexprs, as indpred, is SQL text (pg_get_expr's form).
			var indexprs types.Datum
			if exprs != nil {
				indexprs = strings.Join(exprs, ", ")
			}
			out = append(out, []types.Datum{
				dOid(oid), dOid(d.ID), dInt(len(keys)), dInt(len(keys)), dBool(unique), dBool(false),
				dBool(isPrimary(ix)), dBool(false), dBool(true), dBool(false), dBool(true), dBool(false),
				dBool(true), dBool(true), dBool(false), int2Vector(keys), oidVector(colls),
				oidVector(classes), int2Vector(opts), indexprs, pred,
			})
		}
	}
	return out, nil
}

// fkAction is a foreign key action's pg_constraint code.
func fkAction(a string) byte {
	switch a {
	case "cascade":
		return 'c'
	case "set null":
		return 'n'
	case "set default":
		return 'd'
	case "restrict":
		return 'r'
	}
	return 'a' // NO ACTION
}

// constraintRow builds a pg_constraint row.
func constraintRow(oid uint32, name string, d *catalog.Descriptor, kind byte, index uint32, ref uint32,
	upd, del, match byte, keys, refKeys []int, bin types.Datum) []types.Datum {
	return []types.Datum{
		dOid(oid), name, dOid(d.Schema), dChar(kind), dBool(false), dBool(false), dBool(true), dOid(d.ID),
		dOid(0), dOid(index), dOid(0), dOid(ref), dChar(upd), dChar(del), dChar(match), dBool(true), dInt(0),
		dBool(false), int2Array(keys), int2Array(refKeys), nil, nil, nil, nil, nil, bin,
	}
}

func pgConstraintRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	byID := map[uint32]*catalog.Descriptor{}
	for _, d := range descs {
		byID[d.ID] = d
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		t := d.Table
		for _, ix := range catalog.NamedIndexes(t) {
			if !ix.Constraint && !isPrimary(ix) {
				continue
			}
			oid, err := subOID(oidConstraintTag, d.ID, int(ix.ID))
			if err != nil {
				return nil, err
			}
			ixOID, err := indexOID(d.ID, ix.ID)
			if err != nil {
				return nil, err
			}
			var keys []int
			for _, ic := range ix.Columns {
				keys = append(keys, attnumOf(t, ic.ColumnID))
			}
			kind := byte('u')
			if isPrimary(ix) {
				kind = 'p'
			}
			out = append(out, constraintRow(oid, ix.Name, d, kind, ixOID, 0, ' ', ' ', ' ', keys, nil, nil))
		}
		slots := constraintSlots(t)
		for _, ck := range t.Checks {
			oid, err := subOID(oidConstraintTag, d.ID, slots[ck.Name])
			if err != nil {
				return nil, err
			}
			bin, err := c.at().shownText(ck.Expr, false) // as pg_get_constraintdef prints it
			if err != nil {
				return nil, err
			}
			out = append(out, constraintRow(oid, ck.Name, d, 'c', 0, 0, ' ', ' ', ' ', checkColumns(t, ck.Expr), nil, bin))
		}
		for _, fk := range t.ForeignKeys {
			oid, err := subOID(oidConstraintTag, d.ID, slots[fk.Name])
			if err != nil {
				return nil, err
			}
			var keys, refKeys []int
			for _, col := range fk.Columns {
				keys = append(keys, attnumOf(t, col))
			}
			ixOID := uint32(0)
			if ref := byID[fk.RefTable]; ref != nil && ref.Kind == catalog.KindTable {
				for _, col := range fk.RefColumns {
					refKeys = append(refKeys, attnumOf(ref.Table, col))
				}
				if ix := indexOn(ref.Table, fk.RefColumns); ix != nil {
					if ixOID, err = indexOID(ref.ID, ix.ID); err != nil {
						return nil, err
					}
				}
			}
			match := byte('s')
			if fk.MatchFull {
				match = 'f'
			}
			row := constraintRow(oid, fk.Name, d, 'f', ixOID, fk.RefTable, fkAction(fk.OnUpdate), fkAction(fk.OnDelete), match, keys, refKeys, nil)
			row[4], row[5] = dBool(fk.Deferrable), dBool(fk.InitiallyDeferred) // condeferrable, condeferred
			out = append(out, row)
		}
	}
	domains, err := domainConstraintRows(c) // pgcatalog_domain.go
	if err != nil {
		return nil, err
	}
	return append(out, domains...), nil
}

// indexOn returns the unique index (or primary key) on exactly cols.
func indexOn(t *catalog.TableDesc, cols []uint32) *catalog.IndexDesc {
	for _, ix := range catalog.NamedIndexes(t) {
		if !(ix.Unique || isPrimary(ix)) || ix.Predicate != "" || len(ix.Columns) != len(cols) {
			continue
		}
		same := true
		for i := range cols {
			same = same && ix.Columns[i].ColumnID == cols[i]
		}
		if same {
			return ix
		}
	}
	return nil
}

// checkColumns returns the attnums of the columns a CHECK expression
// reads (conkey), from its parse tree.
func checkColumns(t *catalog.TableDesc, text string) []int {
	tree, err := pg_query.Parse("SELECT " + text)
	if err != nil || len(tree.Stmts) != 1 {
		return nil
	}
	seen := map[int]bool{}
	inspect(tree.Stmts[0].Stmt, func(n *pg_query.Node) bool {
		if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
			if s := cr.Fields[len(cr.Fields)-1].GetString_(); s != nil {
				if col := t.ColumnByName(s.Sval); col != nil {
					seen[attnumOf(t, col.ID)] = true
				}
			}
		}
		return true
	})
	var out []int
	for i := range t.Columns {
		if seen[i+1] {
			out = append(out, i+1)
		}
	}
	return out
}

func pgSequenceRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.ofKind(catalog.KindSequence)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		s := d.Sequence
		out = append(out, []types.Datum{dOid(d.ID), dOid(s.TypeOid), s.Start, s.Increment, s.Max, s.Min, int64(1), s.Cycle})
	}
	return out, nil
}
