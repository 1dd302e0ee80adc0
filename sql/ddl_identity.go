package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Identity columns: their sequence, made by CREATE TABLE's GENERATED ...
// AS IDENTITY and by ALTER TABLE ... ALTER COLUMN ... ADD GENERATED ...
// AS IDENTITY (which pg_dump writes for every identity column), changed
// by ALTER COLUMN ... SET GENERATED / SET option, and dropped by ALTER
// COLUMN ... DROP IDENTITY. The checks and their order are PostgreSQL's:
// the sequence is made first (its name and options checked), then the
// column's state.

// identitySequence makes the sequence of identity column c, of type typ,
// from the options of GENERATED ... AS IDENTITY (...): named t_c_seq in
// the table's schema, or as SEQUENCE NAME says.
func (b *tableBuilder) identitySequence(c *catalog.ColumnDesc, typ *types.T, opts []*pg_query.Node) (uint32, error) {
	var nameOpt *pg_query.DefElem
	var rest []*pg_query.Node
	for _, o := range opts {
		de := o.GetDefElem()
		switch de.Defname {
		case "sequence_name":
			if nameOpt != nil {
				return 0, pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(int(de.Location) + 1)
			}
			nameOpt = de
			continue
		case "as":
			// The column's type is the sequence's: PostgreSQL gives it
			// as an AS option of its own, which the user's repeats.
			return 0, pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(int(de.Location) + 1)
		}
		rest = append(rest, o)
	}
	schema, name := b.schema, ""
	if nameOpt != nil {
		var err error
		if schema, name, err = b.x.sequenceNameOption(nameOpt, b.schema); err != nil {
			return 0, err
		}
	}
	if typ.Family != types.IntFamily {
		return 0, pgerror.New(pgcode.InvalidParameterValue, "identity column type must be smallint, integer, or bigint")
	}
	var id uint32
	var err error
	if name == "" {
		id, err = b.sequence(c.Name, typ, c)
	} else {
		id, err = b.newSequence(schema.ID, name, typ, c)
	}
	if err != nil {
		return 0, err
	}
	sq := b.seqs[len(b.seqs)-1]
	if _, err := b.x.applySeqOptions(sq, rest, true); err != nil {
		return 0, err
	}
	if name != "" {
		taken := name == b.d.Name && schema.ID == b.schema.ID // CREATE TABLE's own name
		for _, other := range b.seqs[:len(b.seqs)-1] {
			taken = taken || other.Name == name && other.Schema == schema.ID
		}
		if d, err := catalog.LookupRelation(b.x.txn, schema.ID, name); err != nil {
			return 0, err
		} else if taken || d != nil {
			return 0, pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
		}
	}
	if schema.ID != b.schema.ID {
		// PostgreSQL links the sequence to its column by a name qualified
		// with the sequence's schema, where the table is not.
		return 0, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist", schema.Name+"."+b.d.Name)
	}
	return id, nil
}

// sequenceNameOption resolves SEQUENCE NAME [schema.]name; an
// unqualified name is in the table's schema.
func (x *execCtx) sequenceNameOption(de *pg_query.DefElem, tableSchema *catalog.Descriptor) (*catalog.Descriptor, string, error) {
	parts := nodeStrings(de.Arg.GetList().GetItems())
	if len(parts) > 3 {
		return nil, "", pgerror.Newf(pgcode.Syntax, "improper relation name (too many dotted names): %s", strings.Join(parts, "."))
	}
	sn, name, err := x.splitQualified(parts)
	if err != nil {
		return nil, "", err
	}
	if sn == "" {
		return tableSchema, name, nil
	}
	schema, err := catalog.Schema(x.txn, sn)
	if err != nil {
		return nil, "", err
	}
	return schema, name, nil
}

// addIdentity is ALTER COLUMN c ADD GENERATED {ALWAYS|BY DEFAULT} AS
// IDENTITY [(options)]. The rows keep their values: the sequence starts
// where its options say, and pg_dump's setval moves it past them.
func (x *execCtx) addIdentity(d *catalog.Descriptor, name string, con *pg_query.Constraint) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	schema, err := catalog.Get(x.txn, d.Schema)
	if err != nil {
		return err
	}
	b := &tableBuilder{x: x, schema: schema, d: d, names: constraintNames(d.Table)}
	seq, err := b.identitySequence(c, c.Type(), con.Options)
	if err != nil {
		return err
	}
	prefix := "column \"" + c.Name + "\" of relation \"" + d.Name + "\" "
	switch {
	case !c.NotNull:
		// Identity implies NOT NULL: adding it to a nullable column
		// would make a state CREATE TABLE cannot (PostgreSQL's reason).
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, prefix+"must be declared NOT NULL before identity can be added")
	case c.Identity != "":
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, prefix+"is already an identity column")
	case hasDefault(c):
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, prefix+"already has a default value")
	}
	c.Sequence, c.Identity = seq, con.GeneratedWhen
	sq := b.seqs[0]
	sq.Sequence.OwnedByTable = d.ID
	if err := catalog.Put(x.txn, sq); err != nil {
		return err
	}
	return catalog.Put(x.txn, d)
}

// setIdentity is ALTER COLUMN c SET GENERATED {ALWAYS|BY DEFAULT} and
// SET sequence_option / RESTART: the options alter the column's sequence
// as ALTER SEQUENCE does. As in PostgreSQL they are applied before the
// column is checked, and only to an identity column's sequence.
func (x *execCtx) setIdentity(d *catalog.Descriptor, name string, def *pg_query.Node) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	var gens []*pg_query.DefElem
	var seqOpts []*pg_query.Node
	for _, o := range def.GetList().GetItems() {
		if de := o.GetDefElem(); de.Defname == "generated" {
			gens = append(gens, de)
		} else {
			seqOpts = append(seqOpts, o)
		}
	}
	if c.Identity != "" && len(seqOpts) > 0 {
		sq, err := catalog.Get(x.txn, c.Sequence)
		if err != nil {
			return err
		}
		if sq == nil || sq.Sequence == nil {
			return pgerror.Newf(pgcode.Internal, "identity column \"%s\" of relation \"%s\" has no sequence", c.Name, d.Name)
		}
		if err := x.alterSeqOptions(sq, seqOpts); err != nil {
			return err
		}
	}
	if len(gens) > 1 {
		return pgerror.New(pgcode.Syntax, "conflicting or redundant options")
	}
	if c.Identity == "" {
		return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "column \"%s\" of relation \"%s\" is not an identity column", c.Name, d.Name)
	}
	if len(gens) == 0 {
		return nil
	}
	// The grammar gives 'a' (ALWAYS) or 'd' (BY DEFAULT) as a number.
	c.Identity = string(rune(gens[0].Arg.GetInteger().GetIval()))
	return catalog.Put(x.txn, d)
}

// dropIdentity is ALTER COLUMN c DROP IDENTITY [IF EXISTS]: the column
// keeps its values and NOT NULL; its sequence is dropped.
func (x *execCtx) dropIdentity(d *catalog.Descriptor, name string, ifExists bool) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	if c.Identity == "" {
		return x.missing(ifExists, pgcode.ObjectNotInPrerequisiteState, "column \""+c.Name+"\" of relation \""+d.Name+"\" is not an identity column")
	}
	if sq, err := catalog.Get(x.txn, c.Sequence); err != nil {
		return err
	} else if sq != nil {
		// A default calling the sequence (nextval('t_id_seq') of another
		// column) refuses the drop, as in PostgreSQL, which has no
		// CASCADE for it.
		g, err := x.depGraph()
		if err != nil {
			return err
		}
		ds := g.newDropSet()
		ds.keep, ds.keepDropCol = d.ID, c.ID
		ds.sequenceUsers(sq, x.describe(sq))
		if err := ds.finish(false, x.describe(sq)); err != nil {
			return err
		}
		if err := catalog.Delete(x.txn, sq); err != nil {
			return err
		}
		x.sess.forgetGrantsAfterCommit([]uint32{sq.ID})
	}
	c.Identity, c.Sequence = "", 0
	return catalog.Put(x.txn, d)
}
