package sql

import (
	"fmt"
	"math"
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE SEQUENCE and ALTER SEQUENCE, with PostgreSQL's options, defaults
// and checks. A sequence's values live in the engine (engine/sequence.go);
// its descriptor holds the parameters.

func (pl *planner) planCreateSequence(n *pg_query.CreateSeqStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE SEQUENCE", fn: func(x *execCtx) error { return x.createSequence(n) }}, nil
}

func (pl *planner) planAlterSequence(n *pg_query.AlterSeqStmt) (plan, error) {
	return &ddlPlan{tag: "ALTER SEQUENCE", fn: func(x *execCtx) error { return x.alterSequence(n) }}, nil
}

func (x *execCtx) createSequence(n *pg_query.CreateSeqStmt) error {
	schema, err := x.creationSchema(n.Sequence) // temp.go
	if err != nil {
		return err
	}
	name := n.Sequence.Relname
	if existing, err := catalog.LookupRelation(x.txn, schema.ID, name); err != nil {
		return err
	} else if existing != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateTable, "relation \""+name+"\" already exists, skipping")
			return nil
		}
		return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
	}
	// A sequence has no row type in PostgreSQL 15, but it is made as a
	// table is (heap_create_with_catalog), which checks the name.
	if err := x.newRowTypeNameFree(schema.ID, name); err != nil {
		return err
	}
	id, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	d := &catalog.Descriptor{Kind: catalog.KindSequence, ID: id, Name: name, Schema: schema.ID, Owner: x.creator(),
		Sequence: &catalog.SequenceDesc{TypeOid: types.Int8.Oid}}
	if _, err := x.applySeqOptions(d, n.Options, true); err != nil {
		return err
	}
	return catalog.Put(x.txn, d)
}

func (x *execCtx) alterSequence(n *pg_query.AlterSeqStmt) error {
	rv := n.Sequence
	d, err := catalog.Relation(x.txn, rv.Schemaname, rv.Relname, x.sess.searchPath())
	if pgerror.HasCode(err, pgcode.UndefinedTable) {
		return x.missing(n.MissingOk, pgcode.UndefinedTable, "relation \""+rv.Relname+"\" does not exist")
	}
	if err != nil {
		return err
	}
	if err := x.mustOwn(d); err != nil {
		return err
	}
	if d.Kind != catalog.KindSequence {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a sequence", d.Name)
	}
	return x.alterSeqOptions(d, n.Options)
}

// alterSeqOptions applies ALTER SEQUENCE options to sequence d (also an
// identity column's, by ALTER TABLE ... ALTER COLUMN ... SET) and
// stores it; RESTART sets the value it hands out next, in a new
// incarnation of the sequence, so that a rollback undoes it
// (catalog.Reincarnate).
func (x *execCtx) alterSeqOptions(d *catalog.Descriptor, opts []*pg_query.Node) error {
	restart, err := x.applySeqOptions(d, opts, false)
	if err != nil {
		return err
	}
	if restart != nil {
		if err := catalog.Reincarnate(d); err != nil {
			return err
		}
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	if restart != nil {
		return x.sess.db.DB.SetVal(x.ctx, seqParams(d), *restart, false)
	}
	return nil
}

// seqTypeRange is the range of a sequence's data type.
func seqTypeRange(oid uint32) (lo, hi int64) {
	switch oid {
	case types.Int2.Oid:
		return math.MinInt16, math.MaxInt16
	case types.Int4.Oid:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// applySeqOptions applies CREATE or ALTER SEQUENCE options to d, filling
// what CREATE leaves out with PostgreSQL's defaults, and checks the
// result. It returns the RESTART value, if any.
func (x *execCtx) applySeqOptions(d *catalog.Descriptor, opts []*pg_query.Node, create bool) (*int64, error) {
	q := d.Sequence
	var (
		asType                        *types.T
		inc, min, max, start, restart *int64
		noMin, noMax, restartAtStart  bool
		cycle                         *bool
		ownedBy                       []string
		ownedGiven                    bool
		seen                          = map[string]bool{}
	)
	for _, o := range opts {
		de := o.GetDefElem()
		if seen[de.Defname] {
			return nil, pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(int(de.Location) + 1)
		}
		seen[de.Defname] = true
		switch de.Defname {
		case "as":
			t, err := expr.TypeFromName(de.Arg.GetTypeName())
			if err != nil {
				return nil, err
			}
			if t.Oid != types.Int2.Oid && t.Oid != types.Int4.Oid && t.Oid != types.Int8.Oid {
				return nil, pgerror.New(pgcode.InvalidParameterValue, "sequence type must be smallint, integer, or bigint")
			}
			asType = t
		case "increment", "minvalue", "maxvalue", "start", "cache", "restart":
			if de.Arg == nil {
				switch de.Defname {
				case "minvalue":
					noMin = true
				case "maxvalue":
					noMax = true
				case "restart":
					restartAtStart = true
				}
				continue
			}
			v, err := defInt(de)
			if err != nil {
				return nil, err
			}
			switch de.Defname {
			case "increment":
				if v == 0 {
					return nil, pgerror.New(pgcode.InvalidParameterValue, "INCREMENT must not be zero")
				}
				inc = &v
			case "minvalue":
				min = &v
			case "maxvalue":
				max = &v
			case "start":
				start = &v
			case "restart":
				restart = &v
			case "cache":
				if v < 1 {
					return nil, pgerror.Newf(pgcode.InvalidParameterValue, "CACHE (%d) must be greater than zero", v)
				}
			}
		case "cycle":
			c := de.Arg.GetBoolean().GetBoolval()
			cycle = &c
		case "owned_by":
			ownedBy, ownedGiven = nodeStrings(de.Arg.GetList().GetItems()), true
		default:
			return nil, pgerror.Newf(pgcode.Syntax, "option \"%s\" not recognized", de.Defname)
		}
	}
	if asType != nil {
		oldLo, oldHi := seqTypeRange(q.TypeOid)
		q.TypeOid = asType.Oid
		lo, hi := seqTypeRange(q.TypeOid)
		// As PostgreSQL: bounds that were the old type's limits follow
		// the new type.
		if !create && q.Max == oldHi {
			q.Max = hi
		}
		if !create && q.Min == oldLo {
			q.Min = lo
		}
	}
	if inc != nil {
		q.Increment = *inc
	} else if create {
		q.Increment = 1
	}
	lo, hi := seqTypeRange(q.TypeOid)
	switch {
	case max != nil:
		q.Max = *max
	case noMax || create || (asType != nil && q.Max > hi):
		q.Max = hi
		if q.Increment < 0 {
			q.Max = -1
		}
	}
	switch {
	case min != nil:
		q.Min = *min
	case noMin || create || (asType != nil && q.Min < lo):
		q.Min = 1
		if q.Increment < 0 {
			q.Min = lo
		}
	}
	typeName := map[uint32]string{types.Int2.Oid: "smallint", types.Int4.Oid: "integer", types.Int8.Oid: "bigint"}[q.TypeOid]
	if q.Max < lo || q.Max > hi {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "MAXVALUE (%d) is out of range for sequence data type %s", q.Max, typeName)
	}
	if q.Min < lo || q.Min > hi {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "MINVALUE (%d) is out of range for sequence data type %s", q.Min, typeName)
	}
	if q.Min >= q.Max {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "MINVALUE (%d) must be less than MAXVALUE (%d)", q.Min, q.Max)
	}
	oldStart := q.Start
	switch {
	case start != nil:
		q.Start = *start
	case create:
		q.Start = q.Min
		if q.Increment < 0 {
			q.Start = q.Max
		}
	}
	if q.Start < q.Min {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "START value (%d) cannot be less than MINVALUE (%d)", q.Start, q.Min)
	}
	if q.Start > q.Max {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "START value (%d) cannot be greater than MAXVALUE (%d)", q.Start, q.Max)
	}
	if restartAtStart {
		restart = &q.Start
	}
	if restart != nil {
		if *restart < q.Min {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "RESTART value (%d) cannot be less than MINVALUE (%d)", *restart, q.Min)
		}
		if *restart > q.Max {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "RESTART value (%d) cannot be greater than MAXVALUE (%d)", *restart, q.Max)
		}
	}
	if restart == nil && !create {
		// The value the sequence is at must stay within new bounds
		// (ALTER SEQUENCE ... AS smallint, MAXVALUE; or an identity
		// column's type change), as PostgreSQL checks its last_value,
		// called or not. A new START does not move an unused sequence:
		// PostgreSQL's last_value stays where CREATE or setval put it,
		// so the value it hands out next is pinned in a new incarnation.
		p := seqParams(d)
		p.Start = oldStart
		row, err := x.sess.db.DB.SeqRow(p)
		if err != nil {
			return nil, err
		}
		if row.LastValue < q.Min {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "RESTART value (%d) cannot be less than MINVALUE (%d)", row.LastValue, q.Min)
		}
		if row.LastValue > q.Max {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "RESTART value (%d) cannot be greater than MAXVALUE (%d)", row.LastValue, q.Max)
		}
		if !row.IsCalled && q.Start != oldStart {
			restart = &row.LastValue
		}
	}
	if cycle != nil {
		q.Cycle = *cycle
	}
	if ownedGiven {
		if err := x.seqOwnedBy(d, ownedBy); err != nil {
			return nil, err
		}
	}
	return restart, nil
}

// seqOwnedBy links a sequence to a table column (dropped with it) or, for
// OWNED BY NONE, unlinks it.
func (x *execCtx) seqOwnedBy(d *catalog.Descriptor, names []string) error {
	q := d.Sequence
	if len(names) == 1 && names[0] == "none" {
		q.OwnedByTable, q.OwnedByColumn = 0, 0
		return nil
	}
	if len(names) < 2 {
		return pgerror.New(pgcode.InvalidParameterValue, "invalid OWNED BY option").
			WithHint("Specify OWNED BY table.column or OWNED BY NONE.")
	}
	col := names[len(names)-1]
	schema, table, err := x.splitQualified(names[:len(names)-1])
	if err != nil {
		return err
	}
	t, err := catalog.Relation(x.txn, schema, table, x.sess.searchPath())
	if err != nil {
		return err
	}
	if t.Kind != catalog.KindTable {
		return pgerror.Newf(pgcode.WrongObjectType, "sequence cannot be owned by relation \"%s\"", t.Name).
			WithDetail(fmt.Sprintf("This operation is not supported for %s.", kindPlural(t.Kind)))
	}
	// A linked sequence follows its table's owner (ddl_owner.go), so it
	// must start with it.
	if ownerName(t) != ownerName(d) {
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, "sequence must have same owner as table it is linked to")
	}
	if t.Schema != d.Schema {
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, "sequence must be in same schema as table it is linked to")
	}
	c := t.Table.ColumnByName(col)
	if c == nil || c.Hidden || c.Dropped {
		return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col, t.Name)
	}
	q.OwnedByTable, q.OwnedByColumn = t.ID, c.ID
	return nil
}

// defInt reads an option's integer argument (an Integer node, or a Float
// node holding a value beyond int32).
func defInt(de *pg_query.DefElem) (int64, error) {
	switch a := de.Arg.Node.(type) {
	case *pg_query.Node_Integer:
		return int64(a.Integer.Ival), nil
	case *pg_query.Node_Float:
		v, err := strconv.ParseInt(a.Float.Fval, 10, 64)
		if err != nil {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%s requires an integer value", de.Defname)
		}
		return v, nil
	}
	return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%s requires a numeric value", de.Defname)
}
