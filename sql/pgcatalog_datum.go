package sql

import "github.com/stela-db/stela/sql/types"

// Helpers that build the Datums of catalog rows.

func dOid(v uint32) types.Datum { return int64(v) }
func dBool(v bool) types.Datum  { return v }
func dInt(v int) types.Datum    { return int64(v) }

// dChar is a "char" value.
func dChar(c byte) types.Datum {
	if c == 0 {
		return ""
	}
	return string([]byte{c})
}

// dText is a text value, NULL when empty.
func dTextOrNull(s string) types.Datum {
	if s == "" {
		return nil
	}
	return s
}

// dReg is a reg* value whose name is known.
func dReg(oid uint32, name string) types.Datum {
	if oid == 0 {
		return types.Reg{}
	}
	return types.Reg{Oid: oid, Name: name}
}

// int2Vector builds an int2vector.
func int2Vector(vals []int) types.Datum {
	elems := make([]types.Datum, len(vals))
	for i, v := range vals {
		elems[i] = int64(v)
	}
	return types.NewVector(elems)
}

// oidVector builds an oidvector.
func oidVector(vals []uint32) types.Datum {
	elems := make([]types.Datum, len(vals))
	for i, v := range vals {
		elems[i] = int64(v)
	}
	return types.NewVector(elems)
}

// int2Array builds a smallint[] (NULL when empty, as conkey of a
// constraint without columns).
func int2Array(vals []int) types.Datum {
	if len(vals) == 0 {
		return nil
	}
	elems := make([]types.Datum, len(vals))
	for i, v := range vals {
		elems[i] = int64(v)
	}
	return types.NewArray(elems)
}
