package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CREATE EXTENSION and DROP EXTENSION, for the extensions stela has
// built in (availableExtensions). An installed extension is a catalog
// record of its database (catalog/extensions.go); its functions are
// sql/expr's, which a statement finds only while the record exists
// (extensionHook), so that installing, dropping and rolling back behave
// as the catalog's other objects.

// availableExtension is an extension stela can install, as PostgreSQL
// 15's control file describes it.
type availableExtension struct {
	name, version, comment string
	relocatable            bool
	// schema is the schema a non-relocatable extension must be in.
	schema string
}

// availableExtensions, by name.
var availableExtensions = []availableExtension{
	{name: "pgcrypto", version: "1.3", comment: "cryptographic functions", relocatable: true},
	{name: "plpgsql", version: "1.0", comment: "PL/pgSQL procedural language", schema: "pg_catalog"},
	{name: "uuid-ossp", version: "1.1", comment: "generate universally unique identifiers (UUIDs)", relocatable: true},
}

func availableExtensionNamed(name string) *availableExtension {
	for i := range availableExtensions {
		if availableExtensions[i].name == name {
			return &availableExtensions[i]
		}
	}
	return nil
}

// errExtensionNotAvailable is PostgreSQL 15's error for an extension
// without a control file; its detail names the file it could not open,
// which stela has not: the detail says what stela has instead.
func errExtensionNotAvailable(name string) error {
	names := make([]string, len(availableExtensions))
	for i, e := range availableExtensions {
		names[i] = e.name
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "extension \"%s\" is not available", name).
		WithDetail("stela has the extensions " + strings.Join(names, ", ") + " built in, and no other.")
}

func (pl *planner) planCreateExtension(n *pg_query.CreateExtensionStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE EXTENSION", fn: func(x *execCtx) error { return x.createExtension(n) }}, nil
}

func (x *execCtx) createExtension(n *pg_query.CreateExtensionStmt) error {
	if e, err := catalog.GetExtension(x.txn, n.Extname); err != nil {
		return err
	} else if e != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateObject, "extension \""+n.Extname+"\" already exists, skipping")
			return nil
		}
		return pgerror.Newf(pgcode.DuplicateObject, "extension \"%s\" already exists", n.Extname)
	}
	var schemaName, version string
	for _, o := range n.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "schema":
			schemaName = d.Arg.GetString_().GetSval()
		case "new_version":
			version = d.Arg.GetString_().GetSval()
		case "cascade":
			// None of the built-in extensions requires another.
		}
	}
	avail := availableExtensionNamed(n.Extname)
	if avail == nil {
		return errExtensionNotAvailable(n.Extname)
	}
	if version != "" && version != avail.version {
		return pgerror.Newf(pgcode.InvalidParameterValue,
			"extension \"%s\" has no installation script nor update path for version \"%s\"", n.Extname, version)
	}
	schema, err := x.extensionSchema(avail, schemaName)
	if err != nil {
		return err
	}
	oid, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	// The comment starts as the control file's, as PostgreSQL's
	// install scripts set it.
	e := &catalog.Extension{OID: oid, Name: avail.name, Schema: schema.ID, Version: avail.version, Owner: x.sess.currentUser(),
		Comment: avail.comment}
	// The functions' OIDs follow the extension's, consecutive, one for
	// each function PostgreSQL's install script creates
	// (pgcatalog_extproc.go).
	for i := range pgExtProcCount(avail.name) {
		id, err := catalog.NewID(x.txn)
		if err != nil {
			return err
		}
		if i == 0 {
			e.FuncOIDs = id
		}
		e.FuncSlots++
	}
	return catalog.PutExtension(x.txn, e)
}

// extensionSchema is the schema an extension is installed in: the one
// SCHEMA names, a non-relocatable extension's own, or the first schema
// of the search path that exists (3F000 when none does).
func (x *execCtx) extensionSchema(avail *availableExtension, name string) (*catalog.Descriptor, error) {
	if avail.schema != "" {
		if name != "" && name != avail.schema {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "extension \"%s\" must be installed in schema \"%s\"", avail.name, avail.schema)
		}
		return catalog.Schema(x.txn, avail.schema)
	}
	if name != "" {
		return catalog.Schema(x.txn, name)
	}
	return x.sess.creationSchema(x.txn)
}

// dropExtensions is DROP EXTENSION: each extension named, refused
// (2BP01) while a column default or a view calls one of its functions,
// unless CASCADE, which drops those defaults and views too.
func (x *execCtx) dropExtensions(n *pg_query.DropStmt) error {
	var exts []*catalog.Extension
	for _, o := range n.Objects {
		name := o.GetString_().GetSval()
		e, err := catalog.GetExtension(x.txn, name)
		if err != nil {
			return err
		}
		if e == nil {
			if err := x.missing(n.MissingOk, pgcode.UndefinedObject, "extension \""+name+"\" does not exist"); err != nil {
				return err
			}
			continue
		}
		if err := x.mustOwnExtension(e); err != nil {
			return err
		}
		exts = append(exts, e)
	}
	if len(exts) == 0 {
		return nil
	}
	if err := x.dropExtensionDependents(exts, n.Behavior == pg_query.DropBehavior_DROP_CASCADE); err != nil {
		return err
	}
	for _, e := range exts {
		if err := catalog.DeleteExtension(x.txn, e.Name); err != nil {
			return err
		}
	}
	return nil
}

// mustOwnExtension refuses (42501) a user who neither owns the
// extension nor administers the database (CREATE on it, as for the
// other objects: privileges_owner.go).
func (x *execCtx) mustOwnExtension(e *catalog.Extension) error {
	r, err := x.sess.rights()
	if err != nil {
		return err
	}
	if r.hasDatabase("C") || r.owns(e.Owner) {
		return nil
	}
	return x.sess.denied(privNeed{object: "extension " + e.Name, owner: true})
}

// extensionHook is the expression builder's Extension hook over a
// transaction's catalog: whether an extension is installed, and the
// name of its schema.
func extensionHook(txn *engine.Txn) func(name string) (string, bool, error) {
	return func(name string) (string, bool, error) {
		if txn == nil {
			return "", false, nil
		}
		e, err := catalog.GetExtension(txn, name)
		if err != nil || e == nil {
			return "", false, err
		}
		s, err := catalog.Get(txn, e.Schema)
		if err != nil || s == nil {
			return "", false, err
		}
		return s.Name, true, nil
	}
}

// commentExtension is COMMENT ON EXTENSION.
func (x *execCtx) commentExtension(name, text string) error {
	e, err := catalog.GetExtension(x.txn, name)
	if err != nil {
		return err
	}
	if e == nil {
		return pgerror.Newf(pgcode.UndefinedObject, "extension \"%s\" does not exist", name)
	}
	if err := x.mustOwnExtension(e); err != nil {
		return err
	}
	e.Comment = text
	return catalog.PutExtension(x.txn, e)
}

// dropSchemaExtensions refuses (2BP01) to drop schemas an extension is
// installed in, or with cascade drops those extensions first (with what
// calls their functions).
func (x *execCtx) dropSchemaExtensions(schemas []*catalog.Descriptor, cascade bool) error {
	all, err := catalog.Extensions(x.txn)
	if err != nil {
		return err
	}
	var in []*catalog.Extension
	var lines, names []string
	for _, s := range schemas {
		if s.Kind != catalog.KindSchema {
			continue
		}
		for _, e := range all {
			if e.Schema == s.ID {
				in = append(in, e)
				lines = append(lines, "extension "+e.Name+" depends on schema "+s.Name)
				names = append(names, "extension "+e.Name)
			}
		}
	}
	if len(in) == 0 {
		return nil
	}
	if !cascade {
		return errDependents(x.describe(schemas[0]), false, lines)
	}
	if err := x.dropExtensionDependents(in, true); err != nil {
		return err
	}
	x.cascadeNotice("drop", names)
	for _, e := range in {
		if err := catalog.DeleteExtension(x.txn, e.Name); err != nil {
			return err
		}
	}
	return nil
}
