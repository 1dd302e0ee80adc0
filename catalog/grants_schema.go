package catalog

// Privileges on schemas: USAGE (U, looking up objects in the schema) and
// CREATE (C, creating objects in it), kept as PostgreSQL keeps a
// schema's ACL, by the schema's descriptor id in each role's grant
// record (Grant.Schemas): ids are never reused in a database, so a
// dropped schema's grants cannot pass to a new one of the same name, and
// a renamed schema keeps its grants.
//
// A schema's ACL is either its default or explicit, as PostgreSQL's
// nspacl is NULL until the first GRANT or REVOKE on the schema: then the
// default is written out and changed. An entry present in a grant
// record, even one holding no letter, is part of an explicit ACL: the
// owner who revoked its own rights holds an empty one. What the default
// is (the owner's UC, PUBLIC's U on the built-in schemas) depends on the
// schema's owner, which the database's catalog keeps: the sql package
// works it out.

// SchemaPrivs are a schema's privilege letters in PostgreSQL's print
// order.
const SchemaPrivs = "UC"

// OnSchema returns the grant's entry in schema id's ACL, and whether it
// has one.
func (g Grant) OnSchema(id uint32) (string, bool) {
	l, ok := g.Schemas[id]
	return l, ok
}

// SetSchema makes letters the grant's entry in schema id's ACL (none is
// an entry too: see ForgetSchema).
func (g *Grant) SetSchema(id uint32, letters string) {
	if g.Schemas == nil {
		g.Schemas = map[uint32]string{}
	}
	g.Schemas[id] = NormPrivs(letters, SchemaPrivs)
}

// ForgetSchema removes the grant's entry in schema id's ACL.
func (g *Grant) ForgetSchema(id uint32) { delete(g.Schemas, id) }

// normSchemaEntries puts each entry's letters in print order, keeping
// the empty ones; nil when there are none.
func normSchemaEntries(m map[uint32]string) map[uint32]string {
	if len(m) == 0 {
		return nil
	}
	for id, l := range m {
		m[id] = NormPrivs(l, SchemaPrivs)
	}
	return m
}

// sameSchemaEntries reports whether two grants have the same entries in
// the same schemas' ACLs.
func sameSchemaEntries(a, b map[uint32]string) bool {
	if len(a) != len(b) {
		return false
	}
	for id, l := range a {
		if o, ok := b[id]; !ok || o != l {
			return false
		}
	}
	return true
}
