package expr

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/parser"
)

// location returns a parse node's location (a byte offset into the query
// string), or -1 when it has none.
func location(n *pg_query.Node) int32 { return parser.Location(n) }

// Location is location for other packages.
func Location(n *pg_query.Node) int32 { return location(n) }

func fmtType(v any) string { return fmt.Sprintf("%T", v) }
