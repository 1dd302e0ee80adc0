package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Operator classes of index keys (CREATE INDEX i ON t (name
// varchar_pattern_ops), as Django writes for every indexed CharField).
//
// A PostgreSQL operator class picks the ordering an index keeps. stela
// has one ordering per type, that of its key encoding (the default
// opclass's), and compares strings bytewise, as the C collation does:
// the *_pattern_ops classes, which PostgreSQL has to order strings
// bytewise whatever the collation (so that LIKE 'abc%' can use them),
// order exactly as the default does here. So an index names one of the
// classes that order its key as its type's default one does, and is
// the same index as without it; the name is kept for pg_index.indclass
// and pg_get_indexdef. A class PostgreSQL would take but that orders
// otherwise (oid_ops on an integer column: unsigned) answers 0A000.

// opclass is a row of PostgreSQL 15's pg_opclass for btree.
type opclass struct {
	name   string
	oid    uint32
	family uint32 // opcfamily
	intype uint32 // opcintype
	def    bool   // opcdefault
}

// btreeOpclasses are PostgreSQL 15's btree operator classes, all of
// them, so that one stela has no type for is refused as PostgreSQL
// refuses it for the column ("does not accept data type") rather than
// as unknown. The oids above 10000 are initdb's, the same on every
// PostgreSQL 15 cluster. They are in the order of PostgreSQL's
// pg_opclass table (ORDER BY ctid), which pg_opclass keeps: an
// unordered aggregate over it (psql's \dAf "Applicable types") lists
// them as PostgreSQL does.
var btreeOpclasses = []opclass{
	{"array_ops", 10000, 397, 2277, true},
	{"bit_ops", 10002, 423, 1560, true},
	{"bool_ops", 10003, 424, 16, true},
	{"bpchar_ops", 10004, 426, 1042, true},
	{"bytea_ops", 10006, 428, 17, true},
	{"char_ops", 10007, 429, 18, true},
	{"cidr_ops", 10009, 1974, 869, false},
	{"date_ops", 3122, 434, 1082, true},
	{"float4_ops", 10012, 1970, 700, true},
	{"float8_ops", 3123, 1970, 701, true},
	{"inet_ops", 10015, 1974, 869, true},
	{"int2_ops", 1979, 1976, 21, true},
	{"int4_ops", 1978, 1976, 23, true},
	{"int8_ops", 3124, 1976, 20, true},
	{"interval_ops", 10022, 1982, 1186, true},
	{"macaddr_ops", 10024, 1984, 829, true},
	{"macaddr8_ops", 10026, 3371, 774, true},
	{"name_ops", 10028, 1994, 19, true},
	{"numeric_ops", 3125, 1988, 1700, true},
	{"oid_ops", 1981, 1989, 26, true},
	{"oidvector_ops", 10032, 1991, 30, true},
	{"record_ops", 10034, 2994, 2249, true},
	{"record_image_ops", 10036, 3194, 2249, false},
	{"text_ops", 3126, 1994, 25, true},
	{"time_ops", 10038, 1996, 1083, true},
	{"timestamptz_ops", 3127, 434, 1184, true},
	{"timetz_ops", 10041, 2000, 1266, true},
	{"varbit_ops", 10043, 2002, 1562, true},
	{"varchar_ops", 10044, 1994, 25, false},
	{"timestamp_ops", 3128, 434, 1114, true},
	{"text_pattern_ops", 4217, 2095, 25, false},
	{"varchar_pattern_ops", 4218, 2095, 25, false},
	{"bpchar_pattern_ops", 4219, 2097, 1042, false},
	{"money_ops", 10047, 2099, 790, true},
	{"tid_ops", 10050, 2789, 27, true},
	{"xid8_ops", 10053, 5067, 5069, true},
	{"uuid_ops", 10065, 2968, 2950, true},
	{"pg_lsn_ops", 10067, 3253, 3220, true},
	{"enum_ops", 10069, 3522, 3500, true},
	{"tsvector_ops", 10071, 3626, 3614, true},
	{"tsquery_ops", 10074, 3683, 3615, true},
	{"range_ops", 10076, 3901, 3831, true},
	{"multirange_ops", 10080, 4199, 4537, true},
	{"jsonb_ops", 10088, 4033, 3802, true},
}

// opclassNamed returns the btree operator class called name (nil if
// none).
func opclassNamed(name string) *opclass {
	for i := range btreeOpclasses {
		if btreeOpclasses[i].name == name {
			return &btreeOpclasses[i]
		}
	}
	return nil
}

// implicitBinaryCasts are, among the types stela has, PostgreSQL's
// pg_cast entries WITHOUT FUNCTION AS IMPLICIT into an opclass's input
// type: a column of the source type may use the target's classes
// (IsBinaryCoercible).
var implicitBinaryCasts = map[uint32][]uint32{
	types.Varchar.Oid:      {types.Text.Oid, types.Bpchar.Oid},
	types.Text.Oid:         {types.Bpchar.Oid},
	types.Int4.Oid:         {types.OidType.Oid},
	types.PgNodeTree.Oid:   {types.Text.Oid},
	types.Regproc.Oid:      {types.OidType.Oid},
	types.Regprocedure.Oid: {types.OidType.Oid},
	types.Regoperator.Oid:  {types.OidType.Oid},
	types.Regclass.Oid:     {types.OidType.Oid},
	types.Regtype.Oid:      {types.OidType.Oid},
	types.Regnamespace.Oid: {types.OidType.Oid},
	types.Regrole.Oid:      {types.OidType.Oid},
	types.CIDRType.Oid:     {types.InetType.Oid},
}

// opclassAccepts reports whether PostgreSQL lets a key of type t use
// class c.
func opclassAccepts(c *opclass, t *types.T) bool {
	if c.intype == t.Oid {
		return true
	}
	if c.intype == types.Anyarray.Oid {
		return t.IsArray()
	}
	if c.intype == types.RecordType.Oid {
		return t.Family == types.RecordFamily
	}
	for _, to := range implicitBinaryCasts[t.Oid] {
		if to == c.intype {
			return true
		}
	}
	return false
}

// defaultOpclass is PostgreSQL's GetDefaultOpClass for btree: the class
// a key of type t gets when it names none (nil: t has none, as json).
func defaultOpclass(t *types.T) *opclass {
	switch {
	case t.IsArray():
		return opclassNamed("array_ops")
	case t.Oid == types.Varchar.Oid || t.Oid == types.PgNodeTree.Oid:
		// Of the defaults it casts to (text_ops, bpchar_ops), the one
		// of its category's preferred type.
		return opclassNamed("text_ops")
	case t.Family == types.RegFamily:
		return opclassNamed("oid_ops")
	}
	for i := range btreeOpclasses {
		if c := &btreeOpclasses[i]; c.def && c.intype == t.Oid {
			return c
		}
	}
	// Without one of its own, the only default class of a type t
	// converts to without a function (cidr takes inet_ops).
	var found *opclass
	for _, to := range implicitBinaryCasts[t.Oid] {
		for i := range btreeOpclasses {
			if c := &btreeOpclasses[i]; c.def && c.intype == to {
				if found != nil {
					return nil
				}
				found = c
			}
		}
	}
	return found
}

// orderingOf names the ordering a class's family keeps: text_ops and
// the pattern classes both order bytewise in stela (the C collation),
// and so do bpchar_ops and bpchar_pattern_ops, which also ignore
// trailing blanks.
func orderingOf(family uint32) uint32 {
	switch family {
	case 2095: // text_pattern_ops
		return 1994 // text_ops
	case 2097: // bpchar_pattern_ops
		return 426 // bpchar_ops
	}
	return family
}

// indexOpclass resolves an index key's operator class name (a possibly
// qualified name, as PostgreSQL's ResolveOpClass) for a key of type t:
// the class's name, or "" when it is t's default, which changes
// nothing (PostgreSQL then prints it neither).
func (x *execCtx) indexOpclass(names []string, t *types.T) (string, error) {
	schema, name, err := x.splitQualified(names)
	if err != nil {
		return "", err
	}
	shown := strings.Join(names, ".")
	c := opclassNamed(name)
	if schema != "" && schema != "pg_catalog" {
		if _, err := catalog.Schema(x.txn, schema); err != nil {
			return "", err
		}
		c = nil // stela has operator classes in pg_catalog only
	}
	if c == nil {
		return "", pgerror.Newf(pgcode.UndefinedObject, "operator class \"%s\" does not exist for access method \"btree\"", shown)
	}
	if !opclassAccepts(c, t) {
		return "", pgerror.Newf(pgcode.DatatypeMismatch, "operator class \"%s\" does not accept data type %s", shown, typeNameBe(t))
	}
	def := defaultOpclass(t)
	if def == nil || orderingOf(def.family) != orderingOf(c.family) {
		return "", pgerror.Newf(pgcode.FeatureNotSupported, "operator class \"%s\" is not supported for data type %s", shown, typeNameBe(t)).
			WithDetail("stela orders index keys of a type in one way only, that of the type's default operator class.")
	}
	if c == def {
		return "", nil
	}
	return c.name, nil
}

// retypeIndexKeys resolves again, for column c's new type, the
// operator classes and collations its index keys name, as PostgreSQL
// does when ALTER COLUMN ... TYPE rebuilds the indexes from their
// definitions (42804 when one no longer fits).
func (x *execCtx) retypeIndexKeys(t *catalog.TableDesc, c *catalog.ColumnDesc) error {
	typ := c.Type()
	for i := range t.Indexes {
		for k := range t.Indexes[i].Columns {
			ic := &t.Indexes[i].Columns[k]
			if ic.ColumnID != c.ID {
				continue
			}
			if ic.Collation != "" && !collatable(typ) {
				return pgerror.Newf(pgcode.DatatypeMismatch, "collations are not supported by type %s", typeNameBe(typ))
			}
			if ic.Opclass != "" {
				name, err := x.indexOpclass([]string{ic.Opclass}, typ)
				if err != nil {
					return err
				}
				ic.Opclass = name
			}
		}
	}
	return nil
}

// typeNameBe is PostgreSQL's format_type_be: a type's name without its
// modifier.
func typeNameBe(t *types.T) string {
	if t.IsArray() {
		return typeNameBe(t.Elem) + "[]"
	}
	return t.SQLStandardName()
}

// indexClassOID is pg_index.indclass of a key of type t that named the
// class called name ("" none).
func indexClassOID(name string, t *types.T) uint32 {
	c := defaultOpclass(t)
	if name != "" {
		c = opclassNamed(name)
	}
	if c == nil {
		return 0
	}
	return c.oid
}

// servedOpclass reports whether pg_opclass lists c: a class some
// column stela can index may use, of a type stela has.
func servedOpclass(c *opclass) bool {
	t, ok := types.ByOid(c.intype)
	if !ok || t.IsArray() || t.IsVector() || t.Family == types.RecordFamily || t.Family == types.PseudoFamily {
		return false
	}
	def := defaultOpclass(t)
	return def != nil && orderingOf(def.family) == orderingOf(c.family)
}

func init() {
	addVtable("pg_opclass", 2616, 'r', `oid oid, opcmethod oid, opcname name, opcnamespace oid, opcowner oid,
		opcfamily oid, opcintype oid, opcdefault boolean, opckeytype oid`, func(*vctx) ([][]types.Datum, error) {
		var out [][]types.Datum
		for i := range btreeOpclasses {
			c := &btreeOpclasses[i]
			if !servedOpclass(c) {
				continue
			}
			key := uint32(0)
			if c.name == "name_ops" {
				key = 2275 // cstring: name_ops stores its keys so
			}
			out = append(out, []types.Datum{dOid(c.oid), dOid(amBtree), c.name, dOid(catalog.PgCatalogID),
				dOid(adminRoleOID), dOid(c.family), dOid(c.intype), dBool(c.def), dOid(key)})
		}
		return out, nil
	})
	// Every served class is in pg_catalog, searched first; NULL for an
	// OID that is no served class, as PostgreSQL for an OID that is no
	// class.
	expr.AddFunc("pg_opclass_is_visible", []*types.T{types.OidType}, types.Bool, true,
		func(_ *expr.Context, a []types.Datum) (types.Datum, error) {
			for i := range btreeOpclasses {
				if c := &btreeOpclasses[i]; int64(c.oid) == a[0].(int64) && servedOpclass(c) {
					return true, nil
				}
			}
			return nil, nil
		})
}
