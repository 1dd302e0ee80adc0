package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// Domains (ddl_domain.go) in pg_type and pg_constraint. A domain's
// pg_type row copies its base type's storage and output functions, as
// PostgreSQL's DefineDomain does, with domain_in and domain_recv for
// input (they check the constraints); its CHECKs are pg_constraint rows
// with contypid set and conrelid 0, which psql's \dD reads.

// domainIOFuncs are domain_in and domain_recv, with PostgreSQL 15's OIDs.
var domainIOFuncs = map[uint32]string{2597: "domain_in", 2598: "domain_recv"}

// typeRowFunc is a regproc column of a user type's pg_type row.
func typeRowFunc(oid uint32) types.Datum {
	if name, ok := domainIOFuncs[oid]; ok {
		return dReg(oid, name)
	}
	return enumFunc(oid)
}

// domainStorage is what a domain's pg_type row copies from its base
// type: the built-in type's row, or an enum's values.
type domainStorage struct {
	len                   int16
	byval                 bool
	category              byte
	subscript, elem       uint32
	output, send, analyze uint32
	align, storage        byte
	collation             uint32
	ndims                 int
}

// domainStorageOf finds the storage of the type under a domain's chain
// of domains.
func domainStorageOf(base *types.T) domainStorage {
	base = base.StripDomain()
	if base.Enum != nil {
		return domainStorage{len: 4, byval: true, category: 'E', output: 3505, send: 3533, align: 'i', storage: 'p'}
	}
	r, ok := pgTypeByOid[base.Oid]
	if !ok && base.Elem != nil {
		// An array of a user type: the arrays' functions.
		return domainStorage{len: -1, category: 'A', output: 751, send: 2401, analyze: 3816, align: 'i', storage: 'x', ndims: 1}
	}
	if !ok {
		return domainStorage{len: -1, category: 'U', align: 'i', storage: 'x'}
	}
	s := domainStorage{len: r.typlen, byval: r.typbyval, category: r.typcategory,
		output: r.typoutput, send: r.typsend, analyze: r.typanalyze, align: r.typalign, storage: r.typstorage, collation: r.typcollation}
	if base.Elem != nil {
		s.ndims = 1
	}
	return s
}

// domainTypeRow is a domain's pg_type row; t is its type. Like
// PostgreSQL's, it has no element type nor subscript handler, even over
// an array.
func domainTypeRow(d *catalog.Descriptor, t *types.T) []types.Datum {
	dd := d.Type.Domain
	s := domainStorageOf(t.Domain.Base)
	var def types.Datum
	if dd.Default != "" {
		def = dd.Default
	}
	return []types.Datum{
		dOid(d.ID), d.Name, dOid(d.Schema), dOid(ownerOID(d)), int64(s.len),
		s.byval, dChar('d'), dChar(s.category), false, true,
		dChar(','), dOid(0), typeRowFunc(0), dOid(0), dOid(d.Type.ArrayOid),
		typeRowFunc(2597), typeRowFunc(s.output), typeRowFunc(2598), typeRowFunc(s.send),
		typeRowFunc(0), typeRowFunc(0), typeRowFunc(s.analyze), dChar(s.align),
		dChar(s.storage), dd.NotNull, dOid(dd.BaseOid), dInt(int(dd.BaseTypmod)), dInt(s.ndims), dOid(s.collation), def, def, nil,
	}
}

// domainArrayTypeRow is the pg_type row of a domain's array type.
func domainArrayTypeRow(d *catalog.Descriptor, elem *types.T) []types.Datum {
	align := byte('i')
	if s := domainStorageOf(elem); s.align == 'd' {
		align = 'd'
	}
	return []types.Datum{
		dOid(d.ID), d.Name, dOid(d.Schema), dOid(ownerOID(d)), int64(-1),
		false, dChar('b'), dChar('A'), false, true,
		dChar(','), dOid(0), typeRowFunc(6179), dOid(d.Type.ArrayOf), dOid(0),
		typeRowFunc(750), typeRowFunc(751), typeRowFunc(2400), typeRowFunc(2401),
		typeRowFunc(0), typeRowFunc(0), typeRowFunc(3816), dChar(align),
		dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(domainStorageOf(elem).collation), nil, nil, nil,
	}
}

// domainConstraintRows are pg_constraint's rows of the domains' CHECKs.
func domainConstraintRows(c *vctx) ([][]types.Datum, error) {
	if _, err := c.all(); err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range c.userTypes {
		if d.Type.Domain == nil {
			continue
		}
		for _, ck := range d.Type.Domain.Checks {
			out = append(out, []types.Datum{
				dOid(ck.Oid), ck.Name, dOid(d.Schema), dChar('c'), dBool(false), dBool(false), dBool(!ck.NotValid), dOid(0),
				dOid(d.ID), dOid(0), dOid(0), dOid(0), dChar(' '), dChar(' '), dChar(' '), dBool(true), dInt(0),
				dBool(false), nil, nil, nil, nil, nil, nil, nil, domainCheckText(ck.Expr),
			})
		}
	}
	return out, nil
}

// domainCheckDef is pg_get_constraintdef of a domain's CHECK, by its
// oid; ok is false when no domain has one with that oid.
func (x *execCtx) domainCheckDef(oid uint32, pretty bool) (def string, ok bool, err error) {
	all, err := catalog.All(x.txn)
	if err != nil {
		return "", false, err
	}
	for _, d := range all {
		if d.Kind != catalog.KindType || d.Type.Domain == nil {
			continue
		}
		for _, ck := range d.Type.Domain.Checks {
			if ck.Oid == oid {
				// The pretty form (psql's \dD) drops the expression's
				// own parentheses.
				s := "CHECK ((" + domainCheckText(ck.Expr) + "))"
				if pretty {
					s = "CHECK (" + domainCheckText(ck.Expr) + ")"
				}
				if ck.NotValid {
					s += " NOT VALID"
				}
				return s, true, nil
			}
		}
	}
	return "", false, nil
}

// domainCheckText prints a domain CHECK's stored text as PostgreSQL's
// deparser does, VALUE in capitals: the stored text spells the keyword
// as the parser's column reference, value.
func domainCheckText(text string) string {
	res, err := pg_query.Scan(text)
	if err != nil {
		return text
	}
	var sb strings.Builder
	last := 0
	for _, tok := range res.Tokens {
		if (tok.Token == pg_query.Token_IDENT || tok.Token == pg_query.Token_VALUE_P) && text[tok.Start:tok.End] == "value" {
			sb.WriteString(text[last:tok.Start])
			sb.WriteString("VALUE")
			last = int(tok.End)
		}
	}
	sb.WriteString(text[last:])
	return sb.String()
}

// domainRow is the pg_type row of d when it is a domain or a domain's
// array type; ok is false for the other user types.
func (c *vctx) domainRow(d *catalog.Descriptor) (row []types.Datum, ok bool, err error) {
	if d.Type.Domain == nil && d.Type.ArrayOf == 0 {
		return nil, false, nil
	}
	t, found, err := catalog.TypeByOid(c.txn, d.ID)
	if err != nil || !found {
		return nil, false, err
	}
	switch {
	case t.Domain != nil:
		return domainTypeRow(d, t), true, nil
	case t.Elem != nil && t.Elem.Domain != nil:
		return domainArrayTypeRow(d, t.Elem), true, nil
	}
	return nil, false, nil
}
