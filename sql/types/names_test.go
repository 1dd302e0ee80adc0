package types

import (
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// TestByName checks name resolution and typmod validation; the display
// strings are what PostgreSQL 15's format_type(oid, typmod) prints and
// the typmods what it stores in atttypmod.
func TestByName(t *testing.T) {
	for _, c := range []struct {
		name    string
		mods    []int32
		oid     Oid
		typmod  int32
		display string
	}{
		{"int4", nil, 23, -1, "integer"},
		{"pg_catalog.int4", nil, 23, -1, "integer"},
		{"integer", nil, 23, -1, "integer"},
		{"int", nil, 23, -1, "integer"},
		{"smallint", nil, 21, -1, "smallint"},
		{"int2", nil, 21, -1, "smallint"},
		{"bigint", nil, 20, -1, "bigint"},
		{"int8", nil, 20, -1, "bigint"},
		{"real", nil, 700, -1, "real"},
		{"float4", nil, 700, -1, "real"},
		{"double precision", nil, 701, -1, "double precision"},
		{"float8", nil, 701, -1, "double precision"},
		{"float", nil, 701, -1, "double precision"},
		{"float", []int32{24}, 700, -1, "real"},
		{"float", []int32{25}, 701, -1, "double precision"},
		{"float", []int32{53}, 701, -1, "double precision"},
		{"numeric", nil, 1700, -1, "numeric"},
		{"decimal", []int32{10, 2}, 1700, 655366, "numeric(10,2)"},
		{"numeric", []int32{10}, 1700, 655364, "numeric(10,0)"},
		{"numeric", []int32{5, 6}, 1700, 327690, "numeric(5,6)"},
		{"numeric", []int32{5, -2}, 1700, 329730, "numeric(5,-2)"},
		{"bool", nil, 16, -1, "boolean"},
		{"boolean", nil, 16, -1, "boolean"},
		{"text", nil, 25, -1, "text"},
		{"varchar", nil, 1043, -1, "character varying"},
		{"varchar", []int32{10}, 1043, 14, "character varying(10)"},
		{"character varying", []int32{10}, 1043, 14, "character varying(10)"},
		{"bpchar", nil, 1042, -1, "bpchar"},
		{"bpchar", []int32{1}, 1042, 5, "character(1)"},
		{"char", nil, 1042, 5, "character(1)"},
		{"character", nil, 1042, 5, "character(1)"},
		{"character", []int32{3}, 1042, 7, "character(3)"},
		{"name", nil, 19, -1, "name"},
		{"unknown", nil, 705, -1, "unknown"},
		{"bytea", nil, 17, -1, "bytea"},
		{"date", nil, 1082, -1, "date"},
		{"time", nil, 1083, -1, "time without time zone"},
		{"time without time zone", []int32{3}, 1083, 3, "time(3) without time zone"},
		{"timestamp", nil, 1114, -1, "timestamp without time zone"},
		{"timestamp without time zone", []int32{3}, 1114, 3, "timestamp(3) without time zone"},
		{"timestamp", []int32{7}, 1114, 6, "timestamp(6) without time zone"},
		{"timestamptz", nil, 1184, -1, "timestamp with time zone"},
		{"timestamp with time zone", []int32{0}, 1184, 0, "timestamp(0) with time zone"},
		{"interval", nil, 1186, -1, "interval"},
		{"interval", []int32{0x7fff, 3}, 1186, 2147418115, "interval(3)"},
		{"interval", []int32{8}, 1186, 589823, "interval day"},
		{"interval", []int32{6}, 1186, 458751, "interval year to month"},
		{"interval", []int32{8 | 1024 | 2048 | 4096, 2}, 1186, 470286338, "interval day to second(2)"},
		{"interval", []int32{0x7fff}, 1186, -1, "interval"},
		{"uuid", nil, 2950, -1, "uuid"},
		{"json", nil, 114, -1, "json"},
		{"jsonb", nil, 3802, -1, "jsonb"},
		{"oid", nil, 26, -1, "oid"},
		{"void", nil, 2278, -1, "void"},
	} {
		typ, err := ByName(c.name, c.mods)
		if err != nil {
			t.Errorf("%s %v: %v", c.name, c.mods, err)
			continue
		}
		if typ.Oid != c.oid || typ.Typmod != c.typmod || typ.String() != c.display {
			t.Errorf("%s %v: got oid %d typmod %d %q, want %d %d %q", c.name, c.mods, typ.Oid, typ.Typmod, typ.String(), c.oid, c.typmod, c.display)
		}
	}
}

func TestByNameErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		mods []int32
		code string
		msg  string
	}{
		{"x", nil, "42704", `type "x" does not exist`},
		{"public.foo", nil, "42704", `type "public.foo" does not exist`},
		{"x.int4", nil, "3F000", `schema "x" does not exist`},
		{"INT4", nil, "42704", `type "INT4" does not exist`},
		{"text", []int32{3}, "42601", `type modifier is not allowed for type "text"`},
		{"pg_catalog.int4", []int32{3}, "42601", `type modifier is not allowed for type "pg_catalog.int4"`},
		{"varchar", []int32{0}, "22023", "length for type varchar must be at least 1"},
		{"varchar", []int32{10485761}, "22023", "length for type varchar cannot exceed 10485760"},
		{"char", []int32{0}, "22023", "length for type char must be at least 1"},
		{"varchar", []int32{1, 2}, "22023", "invalid type modifier"},
		{"numeric", []int32{1001}, "22023", "NUMERIC precision 1001 must be between 1 and 1000"},
		{"numeric", []int32{0}, "22023", "NUMERIC precision 0 must be between 1 and 1000"},
		{"numeric", []int32{5, 1001}, "22023", "NUMERIC scale 1001 must be between -1000 and 1000"},
		{"numeric", []int32{1, 2, 3}, "22023", "invalid NUMERIC type modifier"},
		{"float", []int32{0}, "22023", "precision for type float must be at least 1 bit"},
		{"float", []int32{54}, "22023", "precision for type float must be less than 54 bits"},
		{"timestamptz", []int32{-1}, "22023", "TIMESTAMP(-1) WITH TIME ZONE precision must not be negative"},
		{"time", []int32{-1}, "22023", "TIME(-1) precision must not be negative"},
		{"interval", []int32{3}, "22023", "invalid INTERVAL type modifier"},
		{"interval", []int32{0x7fff, -1}, "22023", "INTERVAL(-1) precision must not be negative"},
		{"timetz", nil, "0A000", "type timetz is not supported"},
	} {
		_, err := ByName(c.name, c.mods)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || string(pe.Code) != c.code || pe.Message != c.msg {
			t.Errorf("%s %v: got %v, want %s %s", c.name, c.mods, err, c.code, c.msg)
		}
	}
}

func TestByOid(t *testing.T) {
	for _, typ := range All {
		got, ok := ByOid(typ.Oid)
		if !ok || got != typ || got.Typmod != -1 {
			t.Errorf("ByOid(%d) = %v, %v", typ.Oid, got, ok)
		}
		if typ == Char {
			continue // "char" is written quoted; the SQL word char is bpchar
		}
		byName, err := ByName(typ.Name, nil)
		if err != nil || byName.Oid != typ.Oid {
			t.Errorf("ByName(%q) = %v, %v", typ.Name, byName, err)
		}
	}
	if _, ok := ByOid(9999); ok {
		t.Error("ByOid(9999) found a type")
	}
}
