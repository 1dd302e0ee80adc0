package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// Domains (ddl_domain.go) in information_schema: domains lists them
// with their base types' facts, domain_constraints their CHECKs, and a
// column of a domain is described by its domain's base type, with
// domain_schema and domain_name set (describeDomain).

func init() {
	addInfoRel("domain_constraints", 13310, `constraint_catalog sql_identifier, constraint_schema sql_identifier,
		constraint_name sql_identifier, domain_catalog sql_identifier, domain_schema sql_identifier,
		domain_name sql_identifier, is_deferrable yes_or_no, initially_deferred yes_or_no`, infoDomainConstraintsRows)
}

// describeDomain is describeType for a domain (or an array of one): the
// facts of the type it is declared over, a domain over a domain being a
// user-defined type there, as PostgreSQL's columns view shows it.
func describeDomain(t *types.T, db string) typeFacts {
	if t.Domain == nil {
		// An array of a domain.
		e := t.Elem.Domain
		return typeFacts{dataType: "ARRAY", udtSchema: e.SchemaName, udtName: arrayTypeName(e.Name)}
	}
	base := t.Domain.Base
	var f typeFacts
	if base.Domain != nil {
		f = typeFacts{dataType: "USER-DEFINED", udtSchema: base.Domain.SchemaName, udtName: base.Domain.Name}
	} else {
		f = describeType(base, db)
	}
	f.domainSchema, f.domainName = t.Domain.SchemaName, t.Domain.Name
	return f
}

// userDomains are the database's domains, with their types, and the
// names information_schema's domain views print beside them.
func (c *vctx) userDomains() (*infoNames, []*catalog.Descriptor, []*types.T, error) {
	n, _, err := c.infoNames() // reads the descriptors, c.userTypes with them
	if err != nil {
		return nil, nil, nil, err
	}
	var ds []*catalog.Descriptor
	var ts []*types.T
	for _, d := range c.userTypes {
		if d.Type.Domain == nil {
			continue
		}
		t, ok, err := catalog.TypeByOid(c.txn, d.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		if ok && t.Domain != nil {
			ds, ts = append(ds, d), append(ts, t)
		}
	}
	return n, ds, ts, nil
}

func infoDomainsRows(c *vctx) ([][]types.Datum, error) {
	n, ds, ts, err := c.userDomains()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for i, d := range ds {
		f := describeDomain(ts[i], n.db)
		if b := ts[i].Domain.Base; b.Elem != nil && b.Domain == nil {
			// The domains view tests the domain's own row for an
			// array, which has no element type: int[] is named.
			f.dataType = formatType(b, false)
		}
		var def types.Datum
		if dd := d.Type.Domain; dd.Default != "" {
			def = dd.Default
		}
		out = append(out, []types.Datum{
			n.db, f.domainSchema, f.domainName, f.dataType, f.charMaxLen, f.charOctetLen, nil, nil, nil,
			f.collationCatalog, f.collationSchema, f.collationName, f.numPrecision, f.numRadix, f.numScale,
			f.dtPrecision, f.intervalType, nil, def, n.db, f.udtSchema, f.udtName, nil, nil, nil, nil, "1",
		})
	}
	return out, nil
}

func infoDomainConstraintsRows(c *vctx) ([][]types.Datum, error) {
	n, ds, ts, err := c.userDomains()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for i, d := range ds {
		schema := ts[i].Domain.SchemaName
		for _, ck := range d.Type.Domain.Checks {
			out = append(out, []types.Datum{n.db, schema, ck.Name, n.db, schema, d.Name, "NO", "NO"})
		}
	}
	return out, nil
}
