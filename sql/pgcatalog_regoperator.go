package sql

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// regoperator: an operator named with its operand types, as psql's
// \dAo prints pg_amop.amopopr ("<(integer,bigint)"; NONE for the missing
// operand of a prefix operator). It names the operators pg_operator
// serves; all are in pg_catalog, which the search path always finds, so
// the names are never qualified. Operator names are not identifiers and
// are not quoted.

// operatorSignature is regoperatorout: "" when pg_operator serves no
// operator of the OID (the value then prints as its number).
func operatorSignature(oid uint32) string {
	r := operatorByOID()[oid]
	if r == nil {
		return ""
	}
	operand := func(t uint32) string {
		if t == 0 {
			return "NONE"
		}
		return typeNameOf(t)
	}
	return r.name + "(" + operand(r.left) + "," + operand(r.right) + ")"
}

// operatorOIDBySignature is regoperatorin: 'name(type, type)', with
// PostgreSQL's errors for a malformed text or an operator that does not
// exist.
func operatorOIDBySignature(s string) (uint32, error) {
	open, close, err := signatureParens(s)
	if err != nil {
		return 0, err
	}
	var operands []uint32
	for _, a := range strings.Split(s[open+1:close], ",") {
		a = strings.TrimSpace(stripTypmod(a))
		if a == "" {
			return 0, pgerror.New(pgcode.InvalidTextRepresentation, "expected a type name")
		}
		if strings.EqualFold(a, "none") {
			operands = append(operands, 0)
			continue
		}
		oid, err := argTypeOID(a)
		if err != nil {
			return 0, err
		}
		operands = append(operands, oid)
	}
	switch {
	case len(operands) == 1:
		return 0, pgerror.New(pgcode.UndefinedParameter, "missing argument").
			WithHint("Use NONE to denote the missing argument of a unary operator.")
	case len(operands) > 2:
		return 0, pgerror.New(pgcode.TooManyArguments, "too many arguments").
			WithHint("Provide two argument types for operator.")
	}
	name := strings.TrimSpace(s[:open])
	// An operator name has no dot: one separates the schema, where
	// pg_catalog is the only one with operators.
	if schema, bare, ok := strings.Cut(name, "."); ok {
		if strings.Trim(schema, `"`) != "pg_catalog" {
			return 0, pgerror.Newf(pgcode.UndefinedFunction, "operator does not exist: %s", s)
		}
		name = bare
	}
	for _, r := range servedOperators() {
		if r.name == name && r.left == operands[0] && r.right == operands[1] {
			return r.oid, nil
		}
	}
	return 0, pgerror.Newf(pgcode.UndefinedFunction, "operator does not exist: %s", s)
}
