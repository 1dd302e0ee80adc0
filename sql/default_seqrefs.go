package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/types"
)

// A DEFAULT calling nextval, currval or setval of a sequence named by a
// literal (nextval('s'), nextval('public.s'::regclass), also inside a
// larger expression: nextval('s') * 10) keeps the sequence by its id, as
// PostgreSQL keeps the analyzed regclass constant's OID: the stored text
// is nextval('16385'::regclass), regclass input reading a number as an
// OID. So a later search_path does not change which sequence the default
// calls, renaming the sequence or moving it to another schema leaves the
// default calling it, and the default depends on the sequence: pg_depend
// has the row, DROP SEQUENCE (or DROP TABLE or DROP COLUMN of the column
// owning it) is refused without CASCADE and drops the default with it.
// The catalogs print the sequence's name back as regclass output does
// (seqDefaultShown).
//
// Defaults stored before kept the schema-qualified name instead
// (nextval('public.s'::regclass), made when the default was set): they
// still call and print that sequence, and depend on it while it has the
// name. A sequence named by a text value ('s'::text) is looked up when
// called, as in PostgreSQL, and is no dependency.

// seqCallLiterals calls fn for each call of nextval, currval or setval
// under n whose sequence is a string literal, bare or cast to regclass.
// fn may change the literal, or the call's first argument.
func seqCallLiterals(n *pg_query.Node, fn func(f *pg_query.FuncCall, lit *pg_query.String)) {
	walk(n, func(m *pg_query.Node) bool {
		f := m.GetFuncCall()
		if f == nil || !isSeqFuncName(f.Funcname) || len(f.Args) == 0 {
			return true
		}
		a := f.Args[0]
		if tc := a.GetTypeCast(); tc != nil {
			if !isRegclassName(tc.TypeName) {
				return true
			}
			a = tc.Arg
		}
		if k := a.GetAConst(); k != nil && k.GetSval() != nil {
			fn(f, k.GetSval())
		}
		return true
	})
}

// isSeqFuncName reports whether a function name is nextval, currval or
// setval, unqualified or in pg_catalog.
func isSeqFuncName(names []*pg_query.Node) bool {
	switch len(names) {
	case 2:
		if names[0].GetString_().GetSval() != "pg_catalog" {
			return false
		}
	case 1:
	default:
		return false
	}
	switch names[len(names)-1].GetString_().GetSval() {
	case "nextval", "currval", "setval":
		return true
	}
	return false
}

// isRegclassName reports whether a cast's type is regclass.
func isRegclassName(t *pg_query.TypeName) bool {
	if t == nil || len(t.ArrayBounds) > 0 || len(t.Typmods) > 0 || t.Setof {
		return false
	}
	names := t.Names
	switch {
	case len(names) == 2 && names[0].GetString_().GetSval() == "pg_catalog":
	case len(names) == 1:
	default:
		return false
	}
	return names[len(names)-1].GetString_().GetSval() == "regclass"
}

// regclassCast is 'lit'::regclass.
func regclassCast(lit *pg_query.Node) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_TypeCast{TypeCast: &pg_query.TypeCast{
		Arg: lit, TypeName: &pg_query.TypeName{Names: []*pg_query.Node{pg_query.MakeStrNode("regclass")}, Typemod: -1}, Location: -1,
	}}}
}

// storedDefault is the text stela keeps for a DEFAULT parsed as n: its
// deparsed text, with the sequences its sequence functions name by a
// literal replaced by their ids. n is not changed (a prepared statement
// may run again, when the name may find another sequence).
func (x *execCtx) storedDefault(n *pg_query.Node) (string, error) {
	n = proto.Clone(n).(*pg_query.Node)
	var err error
	seqCallLiterals(n, func(f *pg_query.FuncCall, lit *pg_query.String) {
		if err != nil {
			return
		}
		id, ok, e := x.sequenceLiteralID(lit.Sval)
		if e != nil || !ok {
			err = e
			return
		}
		lit.Sval = strconv.FormatUint(uint64(id), 10)
		if f.Args[0].GetTypeCast() == nil {
			f.Args[0] = regclassCast(f.Args[0])
		}
	})
	if err != nil {
		return "", err
	}
	if n, err = x.qualifiedStored(n, false, nil); err != nil {
		return "", err
	}
	return parser.DeparseExpr(n)
}

// sequenceLiteralID is the id of the sequence a regclass literal names
// now; ok is false when it is an OID already, or names a relation that is
// not a stela sequence (the call fails when made, as in PostgreSQL).
func (x *execCtx) sequenceLiteralID(lit string) (id uint32, ok bool, err error) {
	if _, err := types.Regclass.ParseText(lit, nil); err == nil {
		return 0, false, nil // an OID: kept as is
	}
	parts, err := splitQualifiedName(lit)
	if err != nil {
		return 0, false, err
	}
	oid, err := relationOID(x, parts)
	if err != nil {
		return 0, false, err
	}
	if tag, _, _ := splitSubOID(oid); tag != 0 {
		return 0, false, nil // an index
	}
	d, err := catalog.Get(x.txn, oid)
	if err != nil || d == nil || d.Kind != catalog.KindSequence {
		return 0, false, err // a table, a view, one of pg_catalog's relations
	}
	return d.ID, true, nil
}

// mayCallSequence is a cheap test before parsing a stored default.
func mayCallSequence(text string) bool {
	return strings.Contains(text, "val(")
}

// defaultSequences returns the ids of the sequences a stored default's
// sequence functions name: by id, or by the qualified name older
// defaults kept (found in byID, which holds the catalog's descriptors).
func defaultSequences(text string, byID map[uint32]*catalog.Descriptor) []uint32 {
	if !mayCallSequence(text) {
		return nil
	}
	n, err := parser.ParseExpr(text)
	if err != nil {
		return nil
	}
	var ids []uint32
	seqCallLiterals(n, func(_ *pg_query.FuncCall, lit *pg_query.String) {
		if d := storedSequence(lit.Sval, byID); d != nil && !containsID(ids, d.ID) {
			ids = append(ids, d.ID)
		}
	})
	return ids
}

// storedSequence is the sequence a stored default's literal names: an
// id, or (older defaults) schema.name; nil when none.
func storedSequence(lit string, byID map[uint32]*catalog.Descriptor) *catalog.Descriptor {
	if r, err := types.Regclass.ParseText(lit, nil); err == nil {
		if d := byID[r.(types.Reg).Oid]; d != nil && d.Kind == catalog.KindSequence {
			return d
		}
		return nil
	}
	parts, err := splitQualifiedName(lit)
	if err != nil || len(parts) != 2 {
		return nil
	}
	for _, d := range byID {
		if d.Kind == catalog.KindSequence && d.Name == parts[1] {
			if s := byID[d.Schema]; s != nil && s.Name == parts[0] {
				return d
			}
		}
	}
	return nil
}

// seqDefaultShown prints a stored default that calls a sequence function
// as pg_get_expr does: each sequence named as regclass output names it
// (qualified when its schema is not on the search path), the expression
// around it as pgDeparser prints it (the deparsed text when it cannot).
// ok is false for a default naming no sequence by a literal.
func seqDefaultShown(text string, col *catalog.ColumnDesc, t *catalog.TableDesc, byID map[uint32]*catalog.Descriptor, schemas map[uint32]string, path catalog.SearchPath) (string, bool) {
	if !mayCallSequence(text) {
		return "", false
	}
	n, err := parser.ParseExpr(text)
	if err != nil {
		return "", false
	}
	found := false
	seqCallLiterals(n, func(f *pg_query.FuncCall, lit *pg_query.String) {
		found = true
		if d := storedSequence(lit.Sval, byID); d != nil {
			lit.Sval = relationShown(d, byID, schemas, path)
		} else if parts, err := splitQualifiedName(lit.Sval); err == nil && len(parts) == 2 {
			lit.Sval = seqNameShown(parts[0], parts[1], path) // a sequence dropped since
		}
		if f.Args[0].GetTypeCast() == nil {
			f.Args[0] = regclassCast(f.Args[0])
		}
	})
	if !found {
		return "", false
	}
	shown, err := parser.DeparseExpr(n)
	if err != nil {
		return "", false
	}
	p := pgDeparser{table: t}
	if s, ok := p.defaultText(shown, col.Type()); ok {
		return s, true
	}
	return shown, true
}

// seqNameShown is the name a default stored before kept, of a sequence
// no longer there: qualified when its schema is not on the search path.
func seqNameShown(schema, name string, path catalog.SearchPath) string {
	shown := expr.QuoteIdent(name)
	if !onPath(path, schema) {
		shown = expr.QuoteIdent(schema) + "." + shown
	}
	return shown
}

// relationShown is a relation's name as regclass output prints it:
// qualified when the search path does not find it.
func relationShown(d *catalog.Descriptor, byID map[uint32]*catalog.Descriptor, schemas map[uint32]string, path catalog.SearchPath) string {
	name := expr.QuoteIdent(d.Name)
	if !relationVisible(d, byID, path) {
		name = expr.QuoteIdent(schemas[d.Schema]) + "." + name
	}
	return name
}

// relationVisible reports whether d's name, unqualified, finds d on the
// search path (PostgreSQL's RelationIsVisible, which regclass output
// asks): no schema before d's on the path holds a relation of the name.
// byID holds the catalog's descriptors.
func relationVisible(d *catalog.Descriptor, byID map[uint32]*catalog.Descriptor, path catalog.SearchPath) bool {
	for _, sn := range path {
		var schema *catalog.Descriptor
		for _, o := range byID {
			if o.Kind == catalog.KindSchema && o.Name == sn {
				schema = o
				break
			}
		}
		if schema == nil {
			continue
		}
		if schema.ID == d.Schema {
			return true
		}
		for _, o := range byID {
			isRel := o.Kind == catalog.KindTable || o.Kind == catalog.KindView || o.Kind == catalog.KindSequence
			if isRel && o.Schema == schema.ID && o.Name == d.Name {
				return false
			}
		}
	}
	return false
}
