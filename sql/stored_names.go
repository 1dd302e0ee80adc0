package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
)

// stela keeps a view's query and a table's expressions (defaults,
// CHECKs, generated columns, index expressions) as SQL text, planned
// again by each later reader under the reader's search_path. PostgreSQL
// binds the names when the object is made, so a view over app.t made
// with search_path = app still reads app.t for a session whose path is
// the default. qualifiedStored gives stela that: the unqualified names
// of relations and user types that resolve, when the object is made, to
// a schema other than public get that schema written in. public is left
// out so that the text of the common case reads as it was written (and
// as pg_get_viewdef prints it under the default path); temporary
// relations and types are found first by their own session anyway.
// Sequences named by a default's nextval literal are kept by id
// (default_seqrefs.go), and relations read AS OF a past transaction
// resolve in that transaction's catalog (view_timetravel.go): both are
// left as written.

// qualifiedStored returns a copy of n with its relation (when relations
// is set) and user type names qualified as above; travel are a view's
// AS OF clauses, by the location of the relation they follow.
func (x *execCtx) qualifiedStored(n *pg_query.Node, relations bool, travel map[int32]*parser.TimeTravel) (*pg_query.Node, error) {
	n = proto.Clone(n).(*pg_query.Node)
	ctes := cteNames(n)
	var err error
	walk(n, func(m *pg_query.Node) bool {
		if err != nil {
			return false
		}
		if tn := m.GetTypeName(); tn != nil {
			err = x.qualifyTypeName(tn)
			return true
		}
		if tc := m.GetTypeCast(); tc != nil && tc.TypeName != nil {
			err = x.qualifyTypeName(tc.TypeName)
			return true
		}
		if cd := m.GetColumnDef(); cd != nil && cd.TypeName != nil {
			err = x.qualifyTypeName(cd.TypeName) // FROM's column definition lists
			return true
		}
		if f := m.GetFuncCall(); f != nil && len(f.Funcname) == 1 {
			var cast *pg_query.TypeCast
			if cast, err = x.userTypeCallCast(f); cast != nil {
				m.Node = &pg_query.Node_TypeCast{TypeCast: cast}
				err = x.qualifyTypeName(cast.TypeName)
				return true
			}
			if err == nil {
				err = x.qualifyExtensionCall(f)
			}
			return true
		}
		rv := m.GetRangeVar()
		if !relations || rv == nil || rv.Schemaname != "" || ctes[rv.Relname] || travel[rv.Location] != nil {
			return true
		}
		d, e := catalog.Relation(x.txn, "", rv.Relname, x.sess.searchPath())
		if e != nil {
			return true // the planner reported what does not resolve
		}
		rv.Schemaname, err = x.storedSchemaName(d.Schema)
		return true
	})
	return n, err
}

// qualifyTypeName writes the schema into an unqualified name of a user
// type (enum, domain, a relation's row type) outside public. Built-in names resolve first, as
// the expression builder resolves them.
func (x *execCtx) qualifyTypeName(tn *pg_query.TypeName) error {
	if len(tn.Names) != 1 || tn.Names[0].GetString_() == nil {
		return nil
	}
	if _, err := expr.TypeFromName(tn); err == nil {
		return nil
	}
	name := tn.Names[0].GetString_().Sval
	d, err := lookupUserType(x.txn, x.sess, "", name)
	if err == nil && d == nil {
		_, d, err = rowTypeNamed(x.txn, x.sess, "", name) // a relation's row type (rowtypes.go)
	}
	if err != nil || d == nil {
		return err
	}
	sn, err := x.storedSchemaName(d.Schema)
	if err == nil && sn == "" && x.schemaNameOf(d.Schema) == "public" {
		// A type of public that a temporary type of the same name
		// hides from a bare name (pg_temp is searched first for
		// types unless search_path names it later).
		var hidden bool
		if hidden, err = x.tempTypeNamed(name); hidden {
			sn = "public"
		}
	}
	if sn != "" {
		tn.Names = append([]*pg_query.Node{pg_query.MakeStrNode(sn)}, tn.Names...)
	}
	return err
}

// schemaNameOf is the name of schema id, "" when there is none.
func (x *execCtx) schemaNameOf(id uint32) string {
	s, err := catalog.Get(x.txn, id)
	if err != nil || s == nil {
		return ""
	}
	return s.Name
}

// tempTypeNamed reports whether the session's temp schema has a type, or
// a relation whose row type is, named name.
func (x *execCtx) tempTypeNamed(name string) (bool, error) {
	if !x.sess.temp.used {
		return false, nil
	}
	sd, err := catalog.Lookup(x.txn, 0, x.sess.tempSchemaName())
	if err != nil || sd == nil {
		return false, err
	}
	d, err := lookupUserType(x.txn, x.sess, sd.Name, name)
	if err == nil && d == nil {
		_, d, err = rowTypeNamed(x.txn, x.sess, sd.Name, name)
	}
	return d != nil, err
}

// storedSchemaName is the name qualifiedStored writes for schema id:
// "" for public and temporary schemas.
func (x *execCtx) storedSchemaName(id uint32) (string, error) {
	s, err := catalog.Get(x.txn, id)
	if err != nil || s == nil || s.Name == "public" || catalog.IsTempSchema(s.Name) {
		return "", err
	}
	return s.Name, nil
}

// storedExprText is the text kept for a table's own expression: its
// type names qualified (qualifiedStored), its column references not
// (unqualifiedText).
func (x *execCtx) storedExprText(n *pg_query.Node) (string, error) {
	q, err := x.qualifiedStored(n, false, nil)
	if err != nil {
		return "", err
	}
	return unqualifiedText(q)
}

// qualifyExtensionCall writes the schema into an unqualified call of an
// installed extension's function outside public (not of a name a
// built-in function has: that is found first).
func (x *execCtx) qualifyExtensionCall(f *pg_query.FuncCall) error {
	name := f.Funcname[0].GetString_()
	if name == nil {
		return nil
	}
	exts, builtin := expr.ExtensionsWithFunction(strings.ToLower(name.Sval))
	if builtin {
		return nil
	}
	hook := extensionHook(x.txn)
	for _, e := range exts {
		sn, ok, err := hook(e)
		if err != nil {
			return err
		}
		if ok && sn != "public" && x.sess.OnSearchPath(sn) {
			f.Funcname = append([]*pg_query.Node{pg_query.MakeStrNode(sn)}, f.Funcname...)
			return nil
		}
	}
	return nil
}

// userTypeCallCast returns the cast that a call of one argument whose
// name is a user type's (mood('a'), no function having the name) is, as
// the expression builder makes it (sql/expr/func_as_cast.go), or nil for
// any other call. The text keeps it as the cast ('a'::mood), as
// PostgreSQL stores and prints the coercion, so that the type name is
// qualified like any other and a function of the name made later cannot
// take the cast over. The expression built before it is stored: a call
// that is no cast failed there.
func (x *execCtx) userTypeCallCast(f *pg_query.FuncCall) (*pg_query.TypeCast, error) {
	if len(f.Args) != 1 || f.Over != nil || f.AggStar || f.AggDistinct || f.FuncVariadic || len(f.AggOrder) > 0 ||
		f.AggFilter != nil || f.AggWithinGroup || f.Args[0].GetNamedArgExpr() != nil {
		return nil, nil
	}
	sv := f.Funcname[0].GetString_()
	if sv == nil {
		return nil, nil
	}
	name := sv.Sval
	lower := strings.ToLower(name)
	if exts, builtin := expr.ExtensionsWithFunction(lower); builtin || len(exts) > 0 {
		return nil, nil
	}
	tn := &pg_query.TypeName{Names: []*pg_query.Node{pg_query.MakeStrNode(name)}, Typemod: -1, Location: f.Location}
	if _, err := expr.TypeFromName(tn); err == nil {
		return nil, nil // a built-in type's name (int4('1')): none of a user type
	}
	if fns, err := callableFunctions(x.txn, x.sess, "", name); err != nil || len(fns) > 0 {
		return nil, err
	}
	if t, ok, err := userTypeHook(x.txn, x.sess)("", name); err != nil || !ok || t == nil {
		return nil, err
	}
	return &pg_query.TypeCast{Arg: f.Args[0], TypeName: tn, Location: f.Location}, nil
}
