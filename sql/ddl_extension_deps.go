package sql

import (
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// What depends on an extension: the column defaults, views (materialized
// ones too), CHECK constraints, generated columns, index expressions and
// partial-index predicates whose text calls one of its functions, found
// by reading the calls in that text, as stela keeps no pg_depend rows
// for function calls. A call is the extension's when its name is one of
// the extension's functions, unqualified or qualified with the
// extension's schema, and its arity one of that function's.

// extensionProcs are the pg_proc signatures of an extension's
// functions, in OID order.
func extensionProcs(ext string) []expr.Signature { return expr.ExtensionSignatures(ext) }

// extDependent is an object that calls an extension's function: a
// column's default (table, col) or a view.
type extDependent struct {
	table *catalog.Descriptor
	col   uint32
	view  *catalog.Descriptor
	// fn is the OID of the function PostgreSQL would name, desc the
	// detail line without the function.
	fn   uint32
	desc string
	what string
	// stored is set for a CHECK, generated column or index: CASCADE,
	// which would drop it, is not supported yet.
	stored bool
}

// extCallee returns the OID and description ("function
// uuid_generate_v3(uuid,text)") of the extension function with the
// highest OID that the text calls, as PostgreSQL reports the last of
// the extension's functions it finds the object depending on; ok false
// when it calls none.
func (x *execCtx) extCallee(n *pg_query.Node, exts []*catalog.Extension, schemas map[uint32]string) (oid uint32, desc string, ok bool) {
	walk(n, func(m *pg_query.Node) bool {
		f := m.GetFuncCall()
		if f == nil {
			return true
		}
		parts := nodeStrings(f.Funcname)
		name := strings.ToLower(parts[len(parts)-1])
		for _, e := range exts {
			if len(parts) > 2 || len(parts) == 2 && parts[0] != schemas[e.Schema] {
				continue
			}
			for _, s := range extensionProcs(e.Name) {
				if s.Name != name || len(s.Args) != len(f.Args) {
					continue
				}
				r, id := extProcOID(e, s)
				if r != nil && (!ok || id > oid) {
					args := make([]string, len(s.Args))
					for k, a := range s.Args {
						args[k] = typeNameOf(a)
					}
					oid, desc, ok = id, "function "+s.Name+"("+strings.Join(args, ",")+")", true
				}
				break
			}
		}
		return true
	})
	return oid, desc, ok
}

// extensionDependents lists the defaults and views that call the
// functions of exts, in the order of the functions' OIDs.
func (x *execCtx) extensionDependents(g *depGraph, exts []*catalog.Extension) []extDependent {
	schemas := map[uint32]string{}
	for _, e := range exts {
		if s, err := catalog.Get(x.txn, e.Schema); err == nil && s != nil {
			schemas[e.Schema] = s.Name
		}
	}
	var out []extDependent
	for _, d := range g.all {
		switch {
		case d.Kind == catalog.KindView || d.IsMatView():
			stmts, err := parser.Parse(d.View.Query)
			if err != nil || len(stmts) != 1 {
				continue
			}
			if oid, desc, ok := x.extCallee(stmts[0].AST, exts, schemas); ok {
				out = append(out, extDependent{view: d, fn: oid, desc: x.describe(d), what: desc})
			}
		case d.Kind == catalog.KindTable:
			for _, c := range d.Table.Columns {
				if c.Dropped || c.Default == "" {
					continue
				}
				n, err := parser.ParseExpr(c.Default)
				if err != nil {
					continue
				}
				if oid, desc, ok := x.extCallee(n, exts, schemas); ok {
					out = append(out, extDependent{table: d, col: c.ID, fn: oid, what: desc,
						desc: "default value for column " + c.Name + " of " + x.describe(d)})
				}
			}
			out = append(out, x.storedExtensionDependents(d, exts, schemas)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].fn < out[j].fn })
	return out
}

// storedExtensionDependents lists table d's CHECKs, generated columns
// and indexes (by key expression or predicate) that call the functions
// of exts.
func (x *execCtx) storedExtensionDependents(d *catalog.Descriptor, exts []*catalog.Extension, schemas map[uint32]string) []extDependent {
	var out []extDependent
	add := func(text, desc string) {
		n, err := parser.ParseExpr(text)
		if err != nil {
			return
		}
		if oid, what, ok := x.extCallee(n, exts, schemas); ok {
			out = append(out, extDependent{table: d, fn: oid, what: what, desc: desc, stored: true})
		}
	}
	t := d.Table
	for _, ck := range t.Checks {
		add(ck.Expr, "constraint "+ck.Name+" on "+x.describe(d))
	}
	for _, c := range t.Columns {
		if c.Dropped || c.Generated == "" {
			continue
		}
		if !c.Hidden {
			add(c.Generated, "column "+c.Name+" of "+x.describe(d))
			continue
		}
		// A key expression is a hidden generated column of the table.
		for _, ix := range t.AllIndexes() {
			for _, k := range ix.Columns {
				if k.ColumnID == c.ID {
					add(c.Generated, "index "+ix.Name)
				}
			}
		}
	}
	for _, ix := range t.AllIndexes() {
		if ix.Predicate != "" {
			add(ix.Predicate, "index "+ix.Name)
		}
	}
	return out
}

// dropExtensionDependents refuses (2BP01) to drop extensions whose
// functions defaults or views call, or with cascade drops those defaults
// and views (and what depends on the views).
func (x *execCtx) dropExtensionDependents(exts []*catalog.Extension, cascade bool) error {
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	deps := x.extensionDependents(g, exts)
	if len(deps) == 0 {
		return nil
	}
	if !cascade {
		lines := make([]string, len(deps))
		for i, d := range deps {
			lines[i] = d.desc + " depends on " + d.what
		}
		return errDependents("extension "+exts[0].Name, len(exts) > 1, lines)
	}
	for _, d := range deps {
		if d.stored {
			return pgerror.Newf(pgcode.FeatureNotSupported, "DROP EXTENSION ... CASCADE is not supported when %s depends on %s", d.desc, d.what).
				WithHint("Drop it first.")
		}
	}
	ds := g.newDropSet()
	var cascaded []string
	for _, d := range deps {
		cascaded = append(cascaded, d.desc)
		if d.view != nil {
			ds.add(d.view)
			continue
		}
		t, err := catalog.Get(x.txn, d.table.ID)
		if err != nil {
			return err
		}
		if c := t.Table.Column(d.col); c != nil {
			c.Default, c.Functions = "", nil
		}
		if err := catalog.Put(x.txn, t); err != nil {
			return err
		}
	}
	ds.expand()
	x.cascadeNotice("drop", append(cascaded, ds.cascaded...))
	return ds.apply()
}
