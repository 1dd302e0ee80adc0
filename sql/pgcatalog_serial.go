package sql

import (
	"github.com/stela-db/stela/catalog"
)

// A serial column keeps its default implicitly: the descriptor names the
// column's sequence (ColumnDesc.Sequence) and leaves Default empty, and
// INSERT calls the sequence (dml_defaults.go). PostgreSQL stores
// nextval('t_id_seq'::regclass) as an ordinary default instead, with a
// pg_attrdef row, atthasdef set and a pg_depend row from the default to
// the sequence; the catalog relations serve a serial column that way.
// Identity columns also have a sequence but no default in PostgreSQL.

// isSerialDefault reports whether col's default is a serial's implicit
// nextval call.
func isSerialDefault(col *catalog.ColumnDesc) bool {
	return col.Sequence != 0 && col.Identity == "" && col.Default == ""
}

// hasDefault is atthasdef: the column has a DEFAULT, is serial or is
// generated (PostgreSQL keeps a generation expression in pg_attrdef).
func hasDefault(col *catalog.ColumnDesc) bool {
	return col.Default != "" || isSerialDefault(col) || col.Generated != ""
}

// serialDefaultText is a serial default as pg_get_expr prints it:
// nextval('seq'::regclass), the sequence's name qualified when the search
// path does not find it (as regclass output qualifies it). byID holds
// the catalog's descriptors.
func serialDefaultText(seq *catalog.Descriptor, byID map[uint32]*catalog.Descriptor, schemas map[uint32]string, path catalog.SearchPath) string {
	return "nextval(" + quoteLiteralPG(relationShown(seq, byID, schemas, path)) + "::regclass)"
}

// defaultTextOf is the text of a column's default (pg_attrdef.adbin,
// which stela keeps as SQL text), "" when it has none. byID finds a
// serial's sequence and schemas names its schema.
func defaultTextOf(col *catalog.ColumnDesc, t *catalog.TableDesc, byID map[uint32]*catalog.Descriptor, schemas map[uint32]string, path catalog.SearchPath) string {
	if col.Generated != "" {
		return col.Generated
	}
	if !isSerialDefault(col) {
		if s, ok := seqDefaultShown(col.Default, col, t, byID, schemas, path); ok {
			return s
		}
		return col.Default
	}
	seq := byID[col.Sequence]
	if seq == nil || seq.Kind != catalog.KindSequence {
		return ""
	}
	return serialDefaultText(seq, byID, schemas, path)
}
