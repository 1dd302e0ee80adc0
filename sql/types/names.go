package types

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// typeNames maps every spelling of a supported type, as pg_query's parse
// tree gives it (catalog names such as "int4", "bpchar", "timestamptz")
// or as SQL writes it ("integer", "double precision", "character
// varying"), to its descriptor.
var typeNames = map[string]*T{
	"bool": Bool, "boolean": Bool,
	"bytea": Bytea,
	"name":  Name,
	"int8":  Int8, "bigint": Int8,
	"int2": Int2, "smallint": Int2,
	"int4": Int4, "int": Int4, "integer": Int4,
	"text":   Text,
	"oid":    OidType,
	"json":   JSON,
	"jsonb":  JSONB,
	"float4": Float4, "real": Float4,
	"float8": Float8, "double precision": Float8, "float": Float8,
	"unknown": Unknown,
	"bpchar":  Bpchar, "character": Bpchar, "char": Bpchar,
	"varchar": Varchar, "character varying": Varchar, "char varying": Varchar,
	"date":                        DateType,
	"time":                        Time,
	"time without time zone":      Time,
	"timestamp":                   TimestampType,
	"timestamp without time zone": TimestampType,
	"timestamptz":                 TimestampTZType,
	"timestamp with time zone":    TimestampTZType,
	"interval":                    IntervalType,
	"numeric":                     Numeric, "decimal": Numeric, "dec": Numeric,
	"uuid": UUIDType,
	"bit":  Bit, "varbit": VarBit, "bit varying": VarBit,
	"inet": InetType, "cidr": CIDRType, "macaddr": MacAddrType, "macaddr8": MacAddr8Type,
	"void": Void,
	// The catalogs' types ("char", the quoted name, is told apart from
	// the keyword char by the parse tree: see expr.TypeFromName).
	"int2vector": Int2Vector, "regproc": Regproc, "xid": Xid,
	"oidvector": OidVector, "pg_node_tree": PgNodeTree, "aclitem": Aclitem,
	"regclass": Regclass, "regtype": Regtype, "regnamespace": Regnamespace,
	"regrole": Regrole, "regprocedure": Regprocedure, "regoperator": Regoperator, "anyarray": Anyarray,
}

// knownUnsupported are PostgreSQL types stela does not implement: they
// get 0A000 rather than "does not exist".
var knownUnsupported = map[string]bool{
	"timetz": true, "time with time zone": true, "money": true, "xml": true, "point": true, "line": true,
	"lseg": true, "box": true, "path": true, "polygon": true, "circle": true,
	"tsvector": true, "tsquery": true, "int4range": true, "int8range": true,
	"numrange": true, "tsrange": true, "tstzrange": true, "daterange": true,
	"regprocedure": true, "regoper": true,
	"pg_lsn": true, "txid_snapshot": true, "pg_snapshot": true,
	"xid8": true, "cid": true, "tid": true, "jsonpath": true, "record": true,
}

// ByName resolves a type name and its modifiers as PostgreSQL's parser
// does (typenameType and the types' typmodin functions). name may be
// qualified with pg_catalog. typmods are the integers written in
// parentheses, as pg_query gives them: for interval the grammar puts the
// field range mask first (INTERVAL(3) is [0x7FFF, 3]; INTERVAL DAY TO
// SECOND(3) is [mask, 3]). "char" and "character" without a length are
// character(1); float(p) is real for p <= 24 and double precision up to
// 53. A precision above 6 for time, timestamp and interval is reduced to
// 6 (PostgreSQL also warns). Singletons are returned when there is no
// modifier.
func ByName(name string, typmods []int32) (*T, error) {
	written := name
	base := strings.Join(strings.Fields(name), " ")
	if i := strings.IndexByte(base, '.'); i >= 0 {
		schema := base[:i]
		base = base[i+1:]
		switch schema {
		case "pg_catalog":
		case "public":
			return nil, pgerror.Newf(pgcode.UndefinedObject, "type \"%s\" does not exist", written)
		default:
			return nil, pgerror.Newf(pgcode.InvalidSchemaName, "schema \"%s\" does not exist", schema)
		}
	}
	t, ok := typeNames[base]
	if !ok && strings.HasPrefix(base, "_") {
		// "_int4" is pg_type's name of int4[].
		if e, found := typeNames[base[1:]]; found && base[1:] == e.Name {
			if a, isArray := ArrayOf(e); isArray {
				if len(typmods) != 0 {
					return nil, pgerror.Newf(pgcode.Syntax, "type modifier is not allowed for type \"%s\"", written)
				}
				return a, nil
			}
		}
	}
	if !ok {
		if knownUnsupported[base] {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "type %s is not supported", base)
		}
		return nil, pgerror.Newf(pgcode.UndefinedObject, "type \"%s\" does not exist", written)
	}
	switch t.Oid {
	case Float8.Oid:
		if base != "float" || len(typmods) == 0 {
			break
		}
		if len(typmods) != 1 {
			return nil, errInvalidTypmod()
		}
		switch p := typmods[0]; {
		case p < 1:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "precision for type float must be at least 1 bit")
		case p <= 24:
			return Float4, nil
		case p <= 53:
			return Float8, nil
		default:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "precision for type float must be less than 54 bits")
		}
	case Bpchar.Oid, Varchar.Oid:
		if len(typmods) == 0 {
			if t.Oid == Bpchar.Oid && base != "bpchar" {
				return t.WithTypmod(1 + varHeader), nil
			}
			return t, nil
		}
		if len(typmods) != 1 {
			return nil, errInvalidTypmod()
		}
		msgName := "varchar"
		if t.Oid == Bpchar.Oid {
			msgName = "char"
		}
		switch n := typmods[0]; {
		case n < 1:
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "length for type %s must be at least 1", msgName)
		case n > 10485760:
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "length for type %s cannot exceed %d", msgName, 10485760)
		default:
			return t.WithTypmod(n + varHeader), nil
		}
	case Numeric.Oid:
		return numericByTypmods(typmods)
	case Time.Oid, TimestampType.Oid, TimestampTZType.Oid:
		if len(typmods) == 0 {
			return t, nil
		}
		if len(typmods) != 1 {
			return nil, errInvalidTypmod()
		}
		p := typmods[0]
		if p < 0 {
			word, suffix := "TIMESTAMP", ""
			if t.Oid == Time.Oid {
				word = "TIME"
			}
			if t.Oid == TimestampTZType.Oid {
				suffix = " WITH TIME ZONE"
			}
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "%s(%d)%s precision must not be negative", word, p, suffix)
		}
		if p > maxTimePrecision {
			p = maxTimePrecision
		}
		return t.WithTypmod(p), nil
	case IntervalType.Oid:
		return intervalByTypmods(typmods)
	case Bit.Oid, VarBit.Oid:
		return bitTypmod(t, typmods)
	}
	if len(typmods) != 0 {
		return nil, pgerror.Newf(pgcode.Syntax, "type modifier is not allowed for type \"%s\"", written)
	}
	return t, nil
}

func errInvalidTypmod() *pgerror.Error {
	return pgerror.New(pgcode.InvalidParameterValue, "invalid type modifier")
}

// numericByTypmods is numerictypmodin. Since PostgreSQL 15 the scale
// may be negative or larger than the precision.
func numericByTypmods(typmods []int32) (*T, error) {
	var p, s int32
	switch len(typmods) {
	case 0:
		return Numeric, nil
	case 1:
		p = typmods[0]
	case 2:
		p, s = typmods[0], typmods[1]
		if s < numericMinScale || s > numericMaxScale {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "NUMERIC scale %d must be between %d and %d", s, numericMinScale, numericMaxScale)
		}
	default:
		return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid NUMERIC type modifier")
	}
	if p < 1 || p > numericMaxPrecision {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "NUMERIC precision %d must be between 1 and %d", p, numericMaxPrecision)
	}
	return Numeric.WithTypmod(((p << 16) | (s & 0x7ff)) + varHeader), nil
}

// intervalByTypmods is intervaltypmodin: the first modifier is a field
// range mask, the optional second a precision.
func intervalByTypmods(typmods []int32) (*T, error) {
	if len(typmods) == 0 {
		return IntervalType, nil
	}
	r := typmods[0]
	if _, ok := intervalRangeNames[int(r)]; !ok {
		return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid INTERVAL type modifier")
	}
	switch len(typmods) {
	case 1:
		if r == intervalFullRange {
			return IntervalType, nil
		}
		return IntervalType.WithTypmod(r<<16 | intervalFullPrecision), nil
	case 2:
		p := typmods[1]
		if p < 0 {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "INTERVAL(%d) precision must not be negative", p)
		}
		if p > maxIntervalPrecision {
			p = maxIntervalPrecision
		}
		return IntervalType.WithTypmod(r<<16 | p), nil
	}
	return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid INTERVAL type modifier")
}
