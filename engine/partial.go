package engine

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Partial indexes (PostgreSQL's CREATE INDEX ... WHERE predicate) hold
// entries only for the rows whose predicate is true; a NULL or false
// predicate leaves the row out. Everything else about their entries is
// as for any secondary index, so:
//
//   - Insert writes an entry only for an included row, and Delete
//     removes one only for an included row (the predicate is immutable,
//     so it says of a stored row what it said when the row was written).
//   - Update removes the old row's entries and writes the new row's, so
//     a row whose new values enter or leave the predicate gains or loses
//     its entry.
//   - A unique partial index checks its key against the entries it
//     holds, that is among the included rows alone.
//   - Backfill writes entries for the included rows only.
//
// The engine cannot evaluate SQL: the layer above sets Include on the
// layouts it writes through. A write to a Partial index without it fails
// (0A000) rather than filling the index with every row, or deleting the
// entry of another row: a unique index's entry is keyed by its columns
// alone.

// includes reports whether ix holds an entry for row: every row for an
// index without a predicate.
func (ix *IndexLayout) includes(row []types.Datum) (bool, error) {
	if ix.Include != nil {
		return ix.Include(row)
	}
	if ix.Partial {
		// A statement whose layout the SQL layer did not equip: refused
		// as not supported, never written as an index of every row.
		return false, pgerror.Newf(pgcode.FeatureNotSupported, "this statement cannot maintain partial index \"%s\"", ix.Name).
			WithDetail("engine: the index's layout has no predicate to evaluate")
	}
	return true, nil
}
