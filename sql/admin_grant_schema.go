package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// GRANT and REVOKE USAGE, CREATE, ALL ON SCHEMA s. Each grantee's
// entries change in one system transaction (catalog/grants_schema.go).
// The first change of a schema's ACL writes out its default first, the
// owner's USAGE and CREATE, as PostgreSQL's nspacl goes from NULL to the
// owner's item and the change: a REVOKE from a role that held nothing
// still shows the owner's rights. A role's entry is dropped when it
// holds nothing and holds nothing by default; an emptied owner's or
// PUBLIC's (on the built-in schemas) entry stays, for it differs from
// the default. The schema's owner and the database's admins grant; the
// grant is recorded as made by the owner, as PostgreSQL records it
// (stela has no grant options, so nobody else grants).

// grantSchemas resolves the schemas ON SCHEMA names; 3F000 for one that
// does not exist.
func (s *Session) grantSchemas(objs []*pg_query.Node) ([]*catalog.Descriptor, error) {
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	if s.txn.eng != txn {
		defer txn.Rollback()
	}
	var out []*catalog.Descriptor
	for _, name := range grantSchemaNames(objs) {
		d, err := catalog.Schema(txn, name)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// schemaGrantor returns who a grant on the schemas is recorded as made
// by, or PostgreSQL's 42501 "permission denied for schema s" when the
// session's user neither owns one nor is an admin.
func (s *Session) schemaGrantor(schemas []*catalog.Descriptor) (string, error) {
	r, err := s.rights()
	if err != nil {
		return "", err
	}
	for _, sc := range schemas {
		if !r.hasDatabase("C") && !r.owns(schemaOwner(sc)) {
			return "", s.grantDenied(s.db.Name, "schema "+sc.Name)
		}
	}
	return schemaOwner(schemas[0]), nil
}

// applySchemaGrant records a GRANT or REVOKE on schemas.
func (s *Session) applySchemaGrant(ec *expr.Context, req *grantRequest) error {
	db := s.db.Name
	grantor := req.grantor
	if grantor == "" {
		var err error
		if grantor, err = s.schemaGrantor(req.schemas); err != nil {
			return err
		}
	}
	if err := s.materializeSchemaACLs(ec, req.schemas); err != nil {
		return err
	}
	for _, u := range req.grantees {
		changed, err := s.engine.sys.ChangeGrant(ec.Ctx, u, db, grantor, func(g *catalog.Grant) error {
			for _, sc := range req.schemas {
				held := schemaLetters(*g, sc)
				if req.grant {
					held += req.letters
				} else {
					held = withoutLetters(held, req.letters)
				}
				if held == "" && defaultSchemaPrivs(u, sc) == "" {
					g.ForgetSchema(sc.ID)
				} else {
					g.SetSchema(sc.ID, held)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if changed {
			s.log.Info().Str("user", s.currentUser()).Str("db", db).Str("grantee", u).Str("on", "schemas").
				Str("privileges", req.letters).Bool("grant", req.grant).Msg("privileges changed")
		}
	}
	return nil
}

// materializeSchemaACLs writes out the default ACL of each schema whose
// ACL is still its default: the owner's entry.
func (s *Session) materializeSchemaACLs(ec *expr.Context, schemas []*catalog.Descriptor) error {
	gs, err := s.engine.sys.Grants(0)
	if err != nil {
		return err
	}
	var mine []catalog.Grant
	for _, g := range gs {
		if g.Database == s.db.Name {
			mine = append(mine, g)
		}
	}
	for _, sc := range schemas {
		if explicitSchemaACL(sc, mine) {
			continue
		}
		owner := schemaOwner(sc)
		_, err := s.engine.sys.ChangeGrant(ec.Ctx, owner, s.db.Name, owner, func(g *catalog.Grant) error {
			g.SetSchema(sc.ID, defaultSchemaPrivs(owner, sc))
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// moveSchemaEntriesAfterCommit queues, for after the commit of a change
// of schema id's owner from one role to another (ALTER SCHEMA OWNER TO,
// REASSIGN OWNED), the move of the old owner's entry in its ACL to the
// new owner, merged with the new owner's own, as PostgreSQL's
// aclnewowner: the rights the old owner held as owner pass on. Grants
// live in the system log, which the transaction does not reach.
func (s *Session) moveSchemaEntriesAfterCommit(id uint32, from, to string) {
	db := s.db.Name
	s.txn.queueAfterCommit(func(ctx context.Context) {
		if err := s.moveSchemaEntry(ctx, db, id, from, to); err != nil {
			s.afterCommitFailed("the schema's owner changed but its privileges could not pass to the new owner", "GRANT them to the new owner.", err)
		}
	})
}

func (s *Session) moveSchemaEntry(ctx context.Context, db string, id uint32, from, to string) error {
	old, err := s.engine.sys.GrantOf(from, db)
	if err != nil {
		return err
	}
	letters, ok := old.OnSchema(id)
	if !ok {
		return nil // the default ACL follows the owner
	}
	_, err = s.engine.sys.ChangeGrant(ctx, to, db, to, func(g *catalog.Grant) error {
		held, _ := g.OnSchema(id)
		g.SetSchema(id, held+letters)
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.engine.sys.ChangeGrant(ctx, from, db, to, func(g *catalog.Grant) error {
		g.ForgetSchema(id)
		return nil
	})
	if pgerror.HasCode(err, pgcode.UndefinedObject) {
		return nil // the old owner was dropped meanwhile
	}
	return err
}
