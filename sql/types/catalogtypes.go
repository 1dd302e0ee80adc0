package types

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The types of PostgreSQL's system catalogs, which pg_catalog's relations
// and the functions clients call on them use:
//
//	"char" (18)           string of at most one byte (charin keeps the first)
//	int2vector (22)       *Array of int2, lower bound 0, text "1 2 3"
//	oidvector (30)        *Array of oid, lower bound 0, text "23 25"
//	xid (28)              int64 (0 .. 4294967295), as oid
//	pg_node_tree (194)    string: stela keeps expressions as SQL text, so
//	                      its trees are that text (pg_get_expr returns it)
//	aclitem (1033)        string, as PostgreSQL prints it
//	                      ("bob=c/admin"); input is refused
//	regproc (24), regclass (2205), regtype (2206),
//	regnamespace (4089), regrole (4096), regprocedure (2202),
//	regoperator (2204)
//	                      Reg: the object's OID and the name its output
//	                      function prints (resolved where the value is made,
//	                      by the code that can read the catalog)
//	anyarray (2277)       AnyArray: an array and its array type (the
//	                      output functions are that type's, as
//	                      anyarray_out and anyarray_send use the
//	                      element type the array carries); only
//	                      pg_stats makes them. Input is refused as
//	                      anyarray_in refuses it
var (
	// Char is "char"; the keyword char is bpchar (Bpchar).
	Char         = &T{Oid: 18, Name: "char", Typmod: -1, Len: 1, Category: 'Z', Family: StringFamily, ArrayOid: 1002}
	Int2Vector   = &T{Oid: 22, Name: "int2vector", Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: Int2}
	Regproc      = &T{Oid: 24, Name: "regproc", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 1008}
	Xid          = &T{Oid: 28, Name: "xid", Typmod: -1, Len: 4, Category: 'U', Family: OidFamily, ArrayOid: 1011}
	OidVector    = &T{Oid: 30, Name: "oidvector", Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: OidType}
	PgNodeTree   = &T{Oid: 194, Name: "pg_node_tree", Typmod: -1, Len: -1, Category: 'Z', Family: StringFamily}
	Aclitem      = &T{Oid: 1033, Name: "aclitem", Typmod: -1, Len: 12, Category: 'U', Family: StringFamily, ArrayOid: 1034}
	Regclass     = &T{Oid: 2205, Name: "regclass", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 2210}
	Regtype      = &T{Oid: 2206, Name: "regtype", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 2211}
	Regnamespace = &T{Oid: 4089, Name: "regnamespace", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 4090}
	Regrole      = &T{Oid: 4096, Name: "regrole", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 4097}
	// Regprocedure is a function with its argument types: upper(text).
	Regprocedure = &T{Oid: 2202, Name: "regprocedure", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 2207}
	// Regoperator is an operator with its operand types: +(integer,integer).
	Regoperator = &T{Oid: 2204, Name: "regoperator", Typmod: -1, Len: 4, Category: 'N', Family: RegFamily, ArrayOid: 2209}
	Anyarray    = &T{Oid: 2277, Name: "anyarray", Typmod: -1, Len: -1, Category: 'P', Family: PseudoFamily}
)

// AnyArray is a value of type anyarray: A, of array type T.
type AnyArray struct {
	T *T
	A *Array
}

// errPseudoInput is anyarray_in's and anyarray_recv's refusal.
func errPseudoInput(t *T) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "cannot accept a value of type %s", t.Name)
}

// Reg is a value of a reg* type (regclass, regtype, ...): an OID and the
// text its output function prints. Name is empty when no object has the
// OID, and the number is printed then, as PostgreSQL does.
type Reg struct {
	Oid  uint32
	Name string
}

// IsVector reports whether t is int2vector or oidvector: arrays with
// their own text form.
func (t *T) IsVector() bool { return t.Oid == Int2Vector.Oid || t.Oid == OidVector.Oid }

// NewVector returns an int2vector or oidvector value: a one-dimensional
// array with lower bound 0, as int2vectorin and oidvectorin build them.
func NewVector(elems []Datum) *Array {
	if len(elems) == 0 {
		return &Array{}
	}
	return &Array{Dims: []int32{int32(len(elems))}, LBound: []int32{0}, Elems: elems}
}

// parseVector is int2vectorin and oidvectorin: numbers separated by
// blanks.
func parseVector(t *T, s string) (Datum, error) {
	var elems []Datum
	for _, f := range strings.Fields(s) {
		var v Datum
		var err error
		if t.Oid == OidVector.Oid {
			v, err = parseOid(f)
		} else {
			v, err = parseInt(f, &int2Info)
		}
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
	}
	return NewVector(elems), nil
}

// appendVector is int2vectorout and oidvectorout.
func appendVector(dst []byte, t *T, a *Array) []byte {
	for i, e := range a.Elems {
		if i > 0 {
			dst = append(dst, ' ')
		}
		if t.Oid == OidVector.Oid {
			dst = appendOid(dst, e)
		} else {
			dst = appendInt(dst, e)
		}
	}
	return dst
}

// parseChar is charin: the first byte of the text (a multibyte character
// is cut, as in PostgreSQL), or the empty string.
func parseChar(s string) (Datum, error) {
	if len(s) == 4 && s[0] == '\\' && isOctal(s[1]) && isOctal(s[2]) && isOctal(s[3]) {
		// charin reads back what charout writes of a byte with the high
		// bit set.
		return string([]byte{(s[1]-'0')<<6 | (s[2]-'0')<<3 | (s[3] - '0')}), nil
	}
	if len(s) > 1 {
		s = s[:1]
	}
	return s, nil
}

// appendChar is charout: a byte with the high bit set (not text on its
// own in UTF8) as a backslash and three octal digits.
func appendChar(dst []byte, s string) []byte {
	if len(s) == 1 && s[0] >= 0x80 {
		b := s[0]
		return append(dst, '\\', '0'+b>>6, '0'+(b>>3)&7, '0'+b&7)
	}
	return append(dst, s...)
}

// parseReg is the input function of the reg* types without a catalog:
// only a number is accepted (PostgreSQL's regclassin also accepts one).
// Names are resolved by the SQL layer, which reads the catalog.
func parseReg(t *T, s string) (Datum, error) {
	if s == "-" && t.Oid != Regoperator.Oid { // regoperatorin takes "-" for a name
		return Reg{}, nil
	}
	if !RegNameText(s) {
		v, err := parseOid(s)
		if err != nil {
			return nil, err
		}
		return Reg{Oid: uint32(v.(int64))}, nil
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s input of a name is supported only in a SQL expression", t.Name).
		WithHint("Send the OID, or cast text to " + t.Name + " in the query.")
}

// RegNameText reports whether reg* input text is a name, which the
// catalog resolves, rather than an OID ("-" is 0).
func RegNameText(s string) bool {
	return s != "-" && (s == "" || s[0] < '0' || s[0] > '9')
}

// appendReg is the output function of the reg* types: the name, or the
// number when there is no such object ("-" for 0, as regclassout; "0"
// for regoperator, as regoperatorout).
func appendReg(dst []byte, t *T, d Datum) []byte {
	r := d.(Reg)
	switch {
	case r.Name != "":
		return append(dst, r.Name...)
	case r.Oid == 0 && t.Oid != Regoperator.Oid:
		return append(dst, '-')
	}
	return strconv.AppendUint(dst, uint64(r.Oid), 10)
}

func decodeReg(b []byte) (Datum, error) {
	if len(b) < 4 {
		return nil, errInsufficientData()
	}
	if len(b) > 4 {
		return nil, errBinaryFormat()
	}
	return Reg{Oid: binary.BigEndian.Uint32(b)}, nil
}

func appendRegBinary(dst []byte, t *T, d Datum) ([]byte, error) {
	r, ok := d.(Reg)
	if !ok {
		return dst, errWrongDatum(t, d)
	}
	return binary.BigEndian.AppendUint32(dst, r.Oid), nil
}
