package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	pgparser "github.com/pganalyze/pg_query_go/v5/parser"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// regCatalog resolves reg* values (expr.Catalog) in the catalog the
// statement's transaction sees.
type regCatalog struct{}

var _ expr.Catalog = regCatalog{}

// execOf returns the statement state of an evaluation.
func execOf(ctx *expr.Context) (*execCtx, error) {
	x, ok := ctx.Exec.(*execCtx)
	if !ok || x == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "catalog functions cannot be used here")
	}
	return x, nil
}

// splitQualifiedName is stringToQualifiedNameList: dot-separated
// identifiers, double quotes keeping case and dots, others lower-cased.
func splitQualifiedName(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted, inQuotes, empty := false, false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			inQuotes = !inQuotes
			quoted, empty = true, false
		case inQuotes:
			cur.WriteByte(c)
		case c == '.':
			if empty {
				return nil, pgerror.New(pgcode.InvalidName, "invalid name syntax")
			}
			out = append(out, cur.String())
			cur.Reset()
			quoted, empty = false, true
		case c == ' ' && empty:
		default:
			if !quoted {
				c = lowerASCII(c)
			}
			cur.WriteByte(c)
			empty = false
		}
	}
	if inQuotes || empty {
		return nil, pgerror.New(pgcode.InvalidName, "invalid name syntax")
	}
	return append(out, strings.TrimRight(cur.String(), " ")), nil
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// catalogOnlyTypeOID reads the name of a pseudo-type or of a type that
// is only in pg_type (by its typname or as format_type prints it).
func catalogOnlyTypeOID(name string) (uint32, bool) {
	if oid, ok := pseudoTypeOID(name); ok {
		return oid, true
	}
	lower := strings.ToLower(name)
	for i := range pgTypeRows {
		r := &pgTypeRows[i]
		if r.typname == lower || typeNameOf(r.oid) == lower {
			return r.oid, true
		}
	}
	return 0, false
}

func (regCatalog) RegIn(ctx *expr.Context, t *types.T, s string) (uint32, error) {
	x, err := execOf(ctx)
	if err != nil {
		return 0, err
	}
	switch t.Oid {
	case types.Regclass.Oid:
		parts, err := splitQualifiedName(s)
		if err != nil {
			return 0, err
		}
		return relationOID(x, parts)
	case types.Regtype.Oid:
		name := strings.TrimSpace(stripTypmod(s))
		typ, err := types.ByName(name, nil)
		// A name in a schema of the user's (schema "..." does not exist
		// for ByName) is a user type's too.
		if err != nil && (pgerror.HasCode(err, pgcode.UndefinedObject) || pgerror.HasCode(err, pgcode.InvalidSchemaName)) {
			if ut, ok, uerr := x.userTypeByText(name); uerr != nil {
				return 0, uerr
			} else if ok {
				return typeOid(ut), nil
			}
		}
		if err != nil {
			// The pseudo-types and the types pg_type lists that stela
			// has no values of (_int2vector...) have OIDs all the same.
			if oid, ok := catalogOnlyTypeOID(name); ok {
				return oid, nil
			}
			if pgerror.HasCode(err, pgcode.FeatureNotSupported) {
				return 0, err
			}
			if serr := typeNameSyntax(x, s); serr != nil {
				return 0, serr
			}
			if pgerror.HasCode(err, pgcode.InvalidSchemaName) {
				if _, serr := catalog.Schema(x.txn, strings.SplitN(name, ".", 2)[0]); serr != nil {
					return 0, err
				}
			}
			return 0, pgerror.Newf(pgcode.UndefinedObject, "type \"%s\" does not exist", s)
		}
		return typ.Oid, nil
	case types.Regnamespace.Oid:
		parts, err := splitQualifiedName(s)
		if err != nil {
			return 0, err
		}
		if len(parts) != 1 {
			return 0, pgerror.New(pgcode.InvalidName, "invalid name syntax")
		}
		d, err := catalog.Schema(x.txn, parts[0])
		if err != nil {
			return 0, err
		}
		return d.ID, nil
	case types.Regrole.Oid:
		parts, err := splitQualifiedName(s)
		if err != nil {
			return 0, err
		}
		if len(parts) != 1 {
			return 0, pgerror.New(pgcode.InvalidName, "invalid name syntax")
		}
		if _, err := x.sess.engine.sys.User(parts[0]); err != nil {
			return 0, err
		}
		return roleOID(parts[0]), nil
	case types.Regproc.Oid:
		parts, err := splitQualifiedName(s)
		if err != nil {
			return 0, err
		}
		if err := checkQualifiedName(x, parts); err != nil {
			return 0, err
		}
		oid, err := procOIDByName(parts)
		if pgerror.HasCode(err, pgcode.UndefinedFunction) {
			if uoid, ok, uerr := userProcOIDByName(x, parts); ok || uerr != nil {
				return uoid, uerr
			}
		}
		return oid, err
	case types.Regprocedure.Oid:
		oid, err := procOIDBySignature(s)
		// A user function's signature may name user types, which the
		// built-in lookup does not know (42704).
		if pgerror.HasCode(err, pgcode.UndefinedFunction) || pgerror.HasCode(err, pgcode.UndefinedObject) {
			if uoid, ok, uerr := userProcOIDBySignature(x, s); ok || uerr != nil {
				return uoid, uerr
			}
		}
		return oid, err
	case types.Regoperator.Oid:
		return operatorOIDBySignature(s)
	}
	return 0, pgerror.Newf(pgcode.FeatureNotSupported, "%s input is not supported", t.Name)
}

// stripTypmod drops a type modifier: 'varchar(10)'::regtype is varchar.
func stripTypmod(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		if j := strings.LastIndexByte(s, ')'); j > i {
			return s[:i] + s[j+1:]
		}
	}
	return s
}

// relationOID resolves a relation name for regclass: pg_catalog's
// relations first, then the search path.
func relationOID(x *execCtx, parts []string) (uint32, error) {
	name := strings.Join(parts, ".")
	var schema, rel string
	switch len(parts) {
	case 1:
		rel = parts[0]
	case 2:
		schema, rel = parts[0], parts[1]
	case 3:
		if parts[0] != x.sess.db.Name {
			return 0, pgerror.Newf(pgcode.FeatureNotSupported, "cross-database references are not implemented: %s", name)
		}
		schema, rel = parts[1], parts[2]
	default:
		return 0, pgerror.Newf(pgcode.Syntax, "improper relation name (too many dotted names): %s", name)
	}
	if schema == "pg_catalog" || schema == "" && !catalogShadowed(x.txn, x.sess.searchPath(), rel) {
		if vt := vtables[rel]; vt != nil {
			return vt.oid, nil
		}
	}
	if schema != "" {
		// regclassin names a missing schema (FROM calls it a missing
		// relation). pg_temp is the session's temp schema when it has
		// one (a missing schema otherwise, as in PostgreSQL).
		stored := schema
		if t := x.sess.searchPath().TempSchema(); schema == catalog.TempSchemaAlias && t != "" {
			stored = t
		}
		if _, err := catalog.Schema(x.txn, stored); err != nil {
			return 0, err
		}
	}
	d, err := catalog.RelationOrComposite(x.txn, schema, rel, x.sess.searchPath())
	if err != nil {
		return 0, err
	}
	if d.Kind == catalog.KindIndex {
		return indexOID(d.Index.Table, d.Index.ID)
	}
	if d.IsComposite() {
		return d.Type.Composite.Relid, nil
	}
	return d.ID, nil
}

func (regCatalog) RegOut(ctx *expr.Context, t *types.T, oid uint32) (string, error) {
	x, err := execOf(ctx)
	if err != nil {
		return "", err
	}
	switch t.Oid {
	case types.Regclass.Oid:
		return relationName(x, oid)
	case types.Regtype.Oid:
		typ, ok, err := x.typeByOID(oid)
		if err != nil {
			return "", err
		}
		if ok && isUserType(typ) {
			return x.userTypeName(typ), nil
		}
		if ok {
			return formatType(typ, false), nil
		}
		if n, ok := pseudoTypeNames[oid]; ok {
			return n, nil
		}
		return "", nil
	case types.Regnamespace.Oid:
		d, err := catalog.Get(x.txn, oid)
		if err != nil || d == nil || d.Kind != catalog.KindSchema {
			return "", err
		}
		return expr.QuoteIdent(d.Name), nil
	case types.Regrole.Oid:
		return roleName(x, oid)
	case types.Regproc.Oid:
		if n := procName(oid); n != "" {
			return n, nil
		}
		u, err := userProcByOID(x.txn, oid)
		if err != nil || u == nil {
			return "", err
		}
		return x.regprocName(u.d)
	case types.Regprocedure.Oid:
		if n := procSignature(oid); n != "" {
			return n, nil
		}
		u, err := userProcByOID(x.txn, oid)
		if err != nil || u == nil {
			return "", err
		}
		return x.regprocedureName(u.d)
	case types.Regoperator.Oid:
		return operatorSignature(oid), nil
	}
	return "", nil
}

// relationName is regclassout: the relation's name, qualified when it is
// not the one its bare name finds on the search path; "" when no
// relation has the OID.
func relationName(x *execCtx, oid uint32) (string, error) {
	for _, vt := range vtables {
		if vt.oid == oid {
			return vt.name, nil
		}
	}
	var d *catalog.Descriptor
	name := ""
	if tag, table, sub := splitSubOID(oid); tag == oidIndexTag {
		td, err := catalog.Get(x.txn, table)
		if err != nil || td == nil || td.Kind != catalog.KindTable {
			return "", err
		}
		for _, ix := range catalog.NamedIndexes(td.Table) {
			if int(ix.ID) == sub {
				d, name = td, ix.Name
			}
		}
		if d == nil {
			return "", nil
		}
	} else if tag == 0 {
		var err error
		// Only relations have pg_class OIDs; schemas, types and
		// functions have theirs in other catalogs.
		if d, err = catalog.Get(x.txn, oid); err != nil || d != nil && !isRelationKind(d.Kind) {
			return "", err
		}
		if d == nil {
			// A composite type's relation has an OID of its own.
			if d, err = compositeByRelid(x, oid); err != nil || d == nil {
				return "", err
			}
		}
		name = d.Name
	} else {
		return "", nil
	}
	if visibleRelation(x, d.Schema, name) {
		return expr.QuoteIdent(name), nil
	}
	s, err := catalog.Get(x.txn, d.Schema)
	if err != nil || s == nil {
		return "", err
	}
	return expr.QuoteIdent(s.Name) + "." + expr.QuoteIdent(name), nil
}

// visibleRelation reports whether the bare name finds the relation of
// that name in schema (RelationIsVisible).
func visibleRelation(x *execCtx, schema uint32, name string) bool {
	if vtables[name] != nil && !catalogShadowed(x.txn, x.sess.searchPath(), name) {
		return schema == catalog.PgCatalogID
	}
	d, err := catalog.RelationOrComposite(x.txn, "", name, x.sess.searchPath())
	if err != nil || d == nil {
		return false
	}
	return d.Schema == schema
}

// roleName returns the name of the role with an OID, "" if none.
func roleName(x *execCtx, oid uint32) (string, error) {
	users, err := x.sess.engine.sys.Users()
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if roleOID(u.Name) == oid {
			return u.Name, nil
		}
	}
	return "", nil
}

// formatType is format_type(oid, typmod): with typmod false it is the
// name without modifier, as format_type(oid, NULL) and regtypeout give.
func formatType(t *types.T, typmod bool) string {
	if !typmod {
		t = t.Base()
		if t.Oid == types.Bpchar.Oid {
			return "character"
		}
		if t.IsArray() && t.Elem.Oid == types.Bpchar.Oid {
			return "character[]"
		}
		// bit without a modifier is quoted only where a typmod of -1 is
		// given (bit alone would be bit(1)).
		if t.Oid == types.Bit.Oid {
			return "bit"
		}
		if t.IsArray() && t.Elem.Oid == types.Bit.Oid {
			return "bit[]"
		}
	}
	switch t.Oid {
	case types.Char.Oid:
		return `"char"`
	case types.Int2Vector.Oid, types.OidVector.Oid:
		return t.Name // arrays inside, but types of their own
	}
	if t.IsArray() && t.Elem.Oid == types.Char.Oid {
		return `"char"[]`
	}
	return t.String()
}

// isRelationKind reports whether descriptors of a kind are relations,
// whose ids are pg_class OIDs.
func isRelationKind(kind string) bool {
	return kind == catalog.KindTable || kind == catalog.KindView || kind == catalog.KindSequence
}

// typeNameSyntax is the error regtypein gives a name that is no type
// name at all (parseTypeString's): empty, not in the grammar, or with
// too many dots; nil for a well-formed name, which is then a missing
// type.
func typeNameSyntax(x *execCtx, s string) error {
	if strings.TrimSpace(s) == "" {
		return pgerror.Newf(pgcode.Syntax, "invalid type name \"%s\"", s)
	}
	// PostgreSQL parses the text as a type name alone; parsed as a cast's
	// target, a word after the name is the column's alias instead. The
	// text is bounded first, as every statement is: a deep modifier
	// would overflow the parser's C stack.
	if err := parser.CheckDepth(s); err != nil {
		return err
	}
	tree, err := pg_query.Parse("SELECT NULL::" + s)
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*pgparser.Error); ok {
			msg = pe.Message
		}
		return pgerror.New(pgcode.Syntax, msg)
	}
	var target *pg_query.ResTarget
	if len(tree.Stmts) == 1 {
		if sel := tree.Stmts[0].Stmt.GetSelectStmt(); sel != nil && len(sel.TargetList) == 1 && sel.FromClause == nil {
			target = sel.TargetList[0].GetResTarget()
		}
	}
	if target == nil {
		return pgerror.Newf(pgcode.Syntax, "invalid type name \"%s\"", s)
	}
	if target.Name != "" {
		return pgerror.Newf(pgcode.Syntax, "syntax error at or near \"%s\"", target.Name)
	}
	parts, err := splitQualifiedName(stripTypmod(strings.TrimSuffix(strings.TrimSpace(s), "[]")))
	if err != nil {
		return nil
	}
	return checkQualifiedName(x, parts)
}

// checkQualifiedName refuses a dotted name of more than three parts
// (42601), or of three whose first is not this database (0A000).
func checkQualifiedName(x *execCtx, parts []string) error {
	if len(parts) < 3 {
		return nil
	}
	_, _, err := x.splitQualified(parts)
	return err
}
