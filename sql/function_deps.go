package sql

import (
	"github.com/stela-db/stela/catalog"
)

// What a SQL function depends on, beyond its schema. PostgreSQL records
// the functions a SQL-standard body (RETURN expr, BEGIN ATOMIC ... END)
// calls, since it keeps that body as a parse tree bound by Oid; a string
// body (AS $$ ... $$) is only text, planned at each call, and records
// nothing. stela does the same: FunctionDesc.Functions are the functions
// a SQL-standard body called when it was made, and DROP FUNCTION of one
// of them is refused (2BP01) or cascades to the caller (ddl_deps.go).
//
// Unlike a view's (view_funcs.go), a body's calls are not bound: they
// still resolve by name when the body is planned, so ALTER FUNCTION ...
// RENAME TO of a function a body calls leaves that body calling the old
// name.
//
// A function depends on the user types of its signature too: its
// arguments', its result's and its RETURNS TABLE columns'. DROP TYPE and
// DROP DOMAIN refuse to drop one (2BP01), or with CASCADE drop the
// function and what calls it (ddl_enum.go, ddl_droptype_cascade.go).

// bodyCalls are the functions d's SQL-standard body calls (calls, by
// location, as planning found them), but d itself (the version a CREATE
// OR REPLACE replaces).
func bodyCalls(d *catalog.Descriptor, calls map[int32]uint32) []uint32 {
	var ids []uint32
	for _, id := range boundFunctions(calls) {
		if id != d.ID {
			ids = append(ids, id)
		}
	}
	return ids
}

// signatureOids are the types of a function's signature.
func signatureOids(f *catalog.FunctionDesc) []uint32 {
	out := append([]uint32{f.ResultOid}, f.ArgOids...)
	return append(out, f.TableOids...)
}

// functionUsesType returns which of a type (id) and its array type
// (array, 0 for none) function o's signature uses, the type first; 0
// when neither.
func functionUsesType(o *catalog.Descriptor, id, array uint32) uint32 {
	oids := signatureOids(o.Function)
	if containsID(oids, id) {
		return id
	}
	if array != 0 && containsID(oids, array) {
		return array
	}
	return 0
}

// functionUsesTypes reports whether function o's signature uses one of
// the types.
func functionUsesTypes(o *catalog.Descriptor, ids map[uint32]bool) bool {
	for _, oid := range signatureOids(o.Function) {
		if ids[oid] {
			return true
		}
	}
	return false
}
