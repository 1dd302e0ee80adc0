package sql

// CREATE INDEX ... USING hash. PostgreSQL dumps and ORMs emit hash
// indexes for equality lookups. stela stores and uses one as it does an
// ordinary (ordered) index: its entries answer equality as a hash
// index's would, and more. What is PostgreSQL's is what a client can
// see: the statements a hash index refuses (it is single-column,
// non-unique, unordered, without INCLUDE), and the access method the
// catalogs report (pg_class.relam, pg_get_indexdef's USING hash). The
// method is kept in the index's descriptor (catalog.IndexDesc.Method).

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// checkHashIndex refuses what the hash access method cannot do, in
// the order of PostgreSQL's DefineIndex and ComputeIndexAttrs.
func checkHashIndex(n *pg_query.IndexStmt) error {
	const am = catalog.IndexMethodHash
	switch {
	case n.Unique:
		return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" does not support unique indexes", am)
	case len(n.IndexIncludingParams) > 0:
		return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" does not support included columns", am)
	case len(n.IndexParams) > 1:
		return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" does not support multicolumn indexes", am)
	}
	for _, p := range n.IndexParams {
		e := p.GetIndexElem()
		if e == nil {
			continue
		}
		if e.Ordering != pg_query.SortByDir_SORTBY_DEFAULT {
			return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" does not support ASC/DESC options", am)
		}
		if e.NullsOrdering != pg_query.SortByNulls_SORTBY_NULLS_DEFAULT {
			return pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" does not support NULLS FIRST/LAST options", am)
		}
	}
	return nil
}

// indexAM is the pg_am OID of an index's access method.
func indexAM(ix *catalog.IndexDesc) uint32 {
	if ix.Method == catalog.IndexMethodHash {
		return amHash
	}
	return amBtree
}
