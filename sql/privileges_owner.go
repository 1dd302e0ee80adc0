package sql

import (
	"github.com/stela-db/stela/catalog"
)

// Owners' rights over DDL. As in PostgreSQL, only a relation's owner may
// ALTER, DROP, RENAME, COMMENT ON, REFRESH or index it; in stela the
// database's admins (CREATE on it, its owner, superusers) may too, as
// they could before relations had owners of their own. Stela has no role
// membership, so the owner is the only role that holds the right.
//
// The check is made where the statement resolves the relation, while it
// runs, and not when it is planned: the name is resolved then, against
// the search_path and catalog of that moment, and the check must be of
// the relation the statement changes. It comes where PostgreSQL's comes
// (its RangeVar callbacks): for ALTER, CREATE INDEX, ALTER SEQUENCE and
// REFRESH right after the lookup, for DROP and COMMENT ON after the
// relation's kind is checked.

// relationOwner is the role that owns relation d: an index is owned by
// its table's owner, as PostgreSQL keeps an index's relowner its
// table's. Empty is the creator stela had before relations had owners:
// the admin.
func (x *execCtx) relationOwner(d *catalog.Descriptor) (string, error) {
	if d.Kind != catalog.KindIndex {
		return d.Owner, nil
	}
	t, err := catalog.Get(x.txn, d.Index.Table)
	if err != nil || t == nil {
		return "", err
	}
	return t.Owner, nil
}

// mustOwn refuses the change of relation d to a user who is neither one
// of the database's admins nor d's owner: 42501 "must be owner of
// <kind> <name>", the kind as d's own (PostgreSQL names the relation by
// what it is, not by the statement's word).
func (x *execCtx) mustOwn(d *catalog.Descriptor) error {
	return x.mustOwnAs(d, relKindWord(d))
}

// mustOwnAs is mustOwn naming d as word: COMMENT ON COLUMN and ON
// CONSTRAINT say "relation".
func (x *execCtx) mustOwnAs(d *catalog.Descriptor, word string) error {
	ok, err := x.ownsOrAdmin(d)
	if err != nil || ok {
		return err
	}
	return x.sess.denied(privNeed{object: word + " " + d.Name, owner: true})
}

// mustOwnToDrop is mustOwn for DROP, where the owner of the relation's
// schema may drop it too (PostgreSQL's RangeVarCallbackForDropRelation).
func (x *execCtx) mustOwnToDrop(d *catalog.Descriptor) error {
	if ok, err := x.ownsOrAdmin(d); err != nil || ok {
		return err
	}
	r, err := x.sess.rights()
	if err != nil {
		return err
	}
	if s, err := catalog.Get(x.txn, d.Schema); err != nil {
		return err
	} else if s != nil && r.owns(s.Owner) {
		return nil
	}
	return x.mustOwn(d)
}

// ownsOrAdmin reports whether the session's user may change relation d:
// as one of the database's admins, or as its owner.
func (x *execCtx) ownsOrAdmin(d *catalog.Descriptor) (bool, error) {
	r, err := x.sess.rights()
	if err != nil {
		return false, err
	}
	if r.hasDatabase("C") {
		return true, nil
	}
	owner, err := x.relationOwner(d)
	if err != nil {
		return false, err
	}
	return r.owns(owner), nil
}
