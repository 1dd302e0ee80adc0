package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_extension, pg_available_extensions and
// pg_available_extension_versions: the database's installed extensions
// (catalog/extensions.go) and the ones stela can install
// (availableExtensions), with PostgreSQL 15's values for them.

// pgExtensionOID is pg_extension's OID, the classoid of extensions'
// comments.
const pgExtensionOID = 3079

func init() {
	addVtable("pg_extension", pgExtensionOID, 'r', `oid oid, extname name, extowner oid, extnamespace oid,
		extrelocatable boolean, extversion text, extconfig oid[], extcondition text[]`, pgExtensionRows)
	addVtable("pg_available_extensions", 12081, 'v', `name name, default_version text,
		installed_version text, comment text`, pgAvailableExtensionRows)
	addVtable("pg_available_extension_versions", 12085, 'v', `name name, version text, installed boolean,
		superuser boolean, trusted boolean, relocatable boolean, schema name, requires name[], comment text`,
		pgAvailableExtensionVersionRows)
}

// extensionOwnerOID is an extension's extowner: its creator's role, the
// bootstrap superuser's for the built-in plpgsql.
func extensionOwnerOID(e *catalog.Extension) uint32 {
	if e.Owner == "" {
		return adminRoleOID
	}
	return roleOID(e.Owner)
}

func pgExtensionRows(c *vctx) ([][]types.Datum, error) {
	exts, err := catalog.Extensions(c.txn)
	if err != nil {
		return nil, err
	}
	out := make([][]types.Datum, 0, len(exts))
	for _, e := range exts {
		avail := availableExtensionNamed(e.Name)
		out = append(out, []types.Datum{dOid(e.OID), e.Name, dOid(extensionOwnerOID(e)), dOid(e.Schema),
			dBool(avail != nil && avail.relocatable), e.Version, nil, nil})
	}
	return out, nil
}

// installedVersions maps the installed extensions to their versions.
func installedVersions(c *vctx) (map[string]string, error) {
	exts, err := catalog.Extensions(c.txn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range exts {
		out[e.Name] = e.Version
	}
	return out, nil
}

func pgAvailableExtensionRows(c *vctx) ([][]types.Datum, error) {
	installed, err := installedVersions(c)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, a := range availableExtensions {
		out = append(out, []types.Datum{a.name, a.version, dTextOrNull(installed[a.name]), a.comment})
	}
	return out, nil
}

func pgAvailableExtensionVersionRows(c *vctx) ([][]types.Datum, error) {
	installed, err := installedVersions(c)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, a := range availableExtensions {
		// All of them are trusted (their control files say so), and
		// marked as needing a superuser but for that.
		out = append(out, []types.Datum{a.name, a.version, dBool(installed[a.name] == a.version), dBool(true),
			dBool(true), dBool(a.relocatable), dTextOrNull(a.schema), nil, a.comment})
	}
	return out, nil
}

// extensionComments are pg_description's rows of the extensions'
// comments.
func extensionComments(c *vctx) ([][]types.Datum, error) {
	exts, err := catalog.Extensions(c.txn)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, e := range exts {
		if e.Comment != "" {
			out = append(out, []types.Datum{dOid(e.OID), dOid(pgExtensionOID), dInt(0), e.Comment})
		}
	}
	return out, nil
}

// extensionComment is the comment of the extension with that OID, nil
// when none (or no extension has it).
func extensionComment(x *execCtx, oid uint32) (types.Datum, error) {
	exts, err := catalog.Extensions(x.txn)
	if err != nil {
		return nil, err
	}
	for _, e := range exts {
		if e.OID == oid {
			return dTextOrNull(e.Comment), nil
		}
	}
	return nil, nil
}
