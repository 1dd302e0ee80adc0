package catalog

import (
	"github.com/stela-db/stela/sql/types"
)

// Descriptor kinds. Persisted.
const (
	KindSchema   = "schema"
	KindTable    = "table"
	KindView     = "view"
	KindSequence = "sequence"
	// KindIndex is never stored: an index lives in its table's
	// descriptor, and only its name entry is its own (index_names.go).
	KindIndex = "index"
)

// Built-in schemas have PostgreSQL's namespace OIDs, and user objects get
// ids from PostgreSQL's FirstNormalObjectId on, so that the OIDs clients
// see in pg_class look like PostgreSQL's.
const (
	PgCatalogID         uint32 = 11
	PublicID            uint32 = 2200
	InformationSchemaID uint32 = 13000
	FirstUserID         uint32 = 16384
)

// Descriptor is a schema object: a schema, table, view or sequence. It is
// stored as JSON (encoding/json, fixed field order).
type Descriptor struct {
	Kind   string `json:"kind"`
	ID     uint32 `json:"id"`
	Name   string `json:"name"`
	Schema uint32 `json:"schema,omitempty"` // 0 for schemas
	Owner  string `json:"owner,omitempty"`
	// Comment is COMMENT ON's text for the object ("" none).
	Comment string `json:"comment,omitempty"`

	Table    *TableDesc    `json:"table,omitempty"`
	View     *ViewDesc     `json:"view,omitempty"`
	Sequence *SequenceDesc `json:"sequence,omitempty"`
	// Type is a user-defined type's (Kind KindType, types.go).
	Type *TypeDesc `json:"type,omitempty"`
	// Function is a user-defined function's (Kind KindFunction,
	// functions.go).
	Function *FunctionDesc `json:"function,omitempty"`
	// MatView marks a materialized view. It is a table (Kind KindTable,
	// Table) whose rows are its query's result as of its last refresh,
	// and View holds the query, its columns and what it reads, as a
	// view's does (sql/ddl_matview.go).
	MatView *MatViewDesc `json:"matview,omitempty"`
	// Index is set, with Kind KindIndex, on the descriptors that Lookup
	// and Relation return for an index's name; they are not stored.
	Index *IndexRef `json:"index,omitempty"`
}

// TableDesc is a table: its columns (in row-encoding order, dropped ones
// included so that old rows still decode), its primary key and indexes,
// and its constraints.
type TableDesc struct {
	Columns      []ColumnDesc     `json:"columns"`
	NextColumnID uint32           `json:"next_column_id"`
	PrimaryKey   IndexDesc        `json:"primary_key"`
	Indexes      []IndexDesc      `json:"indexes,omitempty"`
	NextIndexID  uint16           `json:"next_index_id"`
	Checks       []CheckDesc      `json:"checks,omitempty"`
	ForeignKeys  []ForeignKeyDesc `json:"foreign_keys,omitempty"`
	// Storage is the id the table's rows and index entries are keyed
	// under (engine.TablePrefix), when it is not the descriptor's own id:
	// each TRUNCATE gives the table a fresh one (truncate.go). Truncated
	// lists the ids it had before, oldest first.
	Storage   uint32   `json:"storage,omitempty"`
	Truncated []uint32 `json:"truncated,omitempty"`
}

// ColumnDesc is a column.
type ColumnDesc struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	columnType
	NotNull bool `json:"not_null,omitempty"`
	// Default is the default's SQL text ("" none).
	Default string `json:"default,omitempty"`
	// Functions are the user functions the column's Default (or its
	// Generated expression) calls, bound when it was set as a view's
	// calls are (sql/table_funcs.go): its calls resolve only to them,
	// and DROP FUNCTION of one is refused while the column uses it.
	Functions []uint32 `json:"functions,omitempty"`
	// Generated is the SQL text of a stored generated column's expression
	// (GENERATED ALWAYS AS (expr) STORED), "" for other columns. Rows
	// store the value, computed from the row's other columns on every
	// write (sql/dml_generated.go).
	Generated string `json:"generated,omitempty"`
	// Using is the SQL text of the USING expression of the last ALTER
	// COLUMN ... TYPE ("" when it had none: an assignment cast). History
	// reads convert the versions written before the change with it
	// (sql/history_layouts.go).
	Using string `json:"using,omitempty"`
	// Identity is "a" (ALWAYS) or "d" (BY DEFAULT) for identity columns.
	Identity string `json:"identity,omitempty"`
	// Sequence is the sequence of serial and identity columns.
	Sequence uint32 `json:"sequence,omitempty"`
	// Hidden marks the row id of a table declared without a primary key,
	// and the key columns of expression indexes (IndexKey).
	Hidden bool `json:"hidden,omitempty"`
	// IndexKey marks a key of an expression index (CREATE INDEX ON t
	// (lower(email))): a hidden, nameless column whose Generated is the
	// key expression, computed on every write like a stored generated
	// column's, so that the engine indexes it as any column
	// (sql/ddl_index_expr.go).
	IndexKey bool   `json:"index_key,omitempty"`
	Dropped  bool   `json:"dropped,omitempty"`
	Comment  string `json:"comment,omitempty"`
	// Collation is the column's COLLATE when one was given ("C",
	// "POSIX" or "ucs_basic"), "" for the database's default. All of
	// them order strings bytewise, as the default does (sql's
	// collations.go): the name is kept for the catalogs.
	Collation string `json:"collation,omitempty"`
}

// columnType is the type of a table's or a view's column: its Oid and
// modifier, and for a user type (an enum) the type itself, filled in
// when the descriptor is read (types.go) or by SetType.
type columnType struct {
	TypeOid uint32 `json:"type_oid"`
	Typmod  int32  `json:"typmod"`
	typ     *types.T
}

// Type returns the column's SQL type: a built-in one, or the user type
// the descriptor was filled in with.
func (c *columnType) Type() *types.T {
	if c.typ != nil && c.typ.Domain != nil && c.typ.Domain.Oid == c.TypeOid {
		return c.typ // a domain: its modifier is the domain's own
	}
	if c.typ != nil && c.typ.Oid == c.TypeOid {
		return c.typ.WithTypmod(c.Typmod)
	}
	t, ok := types.ByOid(c.TypeOid)
	if !ok {
		return types.Unknown
	}
	return t.WithTypmod(c.Typmod)
}

// SetType makes t the column's type.
func (c *columnType) SetType(t *types.T) {
	c.TypeOid, c.Typmod, c.typ = t.Oid, t.Typmod, nil
	if t.Domain != nil {
		c.TypeOid, c.Typmod, c.typ = t.Domain.Oid, -1, t
		return
	}
	if t.Oid >= FirstUserID {
		c.typ = t
	}
}

// IndexDesc is the primary key (ID 1) or a secondary index.
type IndexDesc struct {
	ID      uint16        `json:"id"`
	Name    string        `json:"name"`
	Unique  bool          `json:"unique,omitempty"`
	Columns []IndexColumn `json:"columns"`
	// Predicate is a partial index's WHERE, as SQL text over the table's
	// columns (as a CHECK's is); "" for an index of every row. The SQL
	// layer evaluates it: the engine layout only marks the index Partial.
	Predicate string `json:"predicate,omitempty"`
	// PredicateSettings are the settings the predicate's literals are
	// read with, those of the session that created the index: a
	// timestamptz or date literal must mean the same for every writer,
	// or rows would go in and out of the index by who wrote them.
	// nil (an index made before they were kept): PostgreSQL's defaults.
	PredicateSettings *ExprSettings `json:"predicate_settings,omitempty"`
	// Constraint marks an index made by a PRIMARY KEY or UNIQUE
	// constraint (dropped with the constraint, named after it).
	Constraint bool `json:"constraint,omitempty"`
	// Comment is the index's COMMENT ON INDEX; ConstraintComment the
	// COMMENT ON CONSTRAINT of the PRIMARY KEY or UNIQUE constraint it
	// backs (PostgreSQL keeps the two apart).
	Comment           string `json:"comment,omitempty"`
	ConstraintComment string `json:"constraint_comment,omitempty"`
	// Method is the access method the index was made with: "" for
	// btree (every index made before methods were kept), or
	// IndexMethodHash. Entries are the same whatever it is; it is what
	// the catalogs report (sql/ddl_index_hash.go).
	Method string `json:"method,omitempty"`
}

// IndexMethodHash is IndexDesc.Method for USING hash. Persisted.
const IndexMethodHash = "hash"

// AccessMethod is the name of the index's access method.
func (ix *IndexDesc) AccessMethod() string {
	if ix.Method == "" {
		return "btree"
	}
	return ix.Method
}

// IndexColumn is one key column of an index.
type IndexColumn struct {
	ColumnID   uint32 `json:"column_id"`
	Desc       bool   `json:"desc,omitempty"`
	NullsFirst bool   `json:"nulls_first,omitempty"`
	// Opclass is the btree operator class named for the key
	// (text_pattern_ops), "" when none was: the default of the key's
	// type. Every one stela accepts orders as that default does, so it
	// changes no entry; the name is kept for the catalogs.
	Opclass string `json:"opclass,omitempty"`
	// Collation is the key's COLLATE ("C", "POSIX", "ucs_basic",
	// "default"), "" when none was: the key column's. Each orders
	// strings bytewise, as every stela collation does.
	Collation string `json:"collation,omitempty"`
}

// CheckDesc is a CHECK constraint.
type CheckDesc struct {
	Name    string `json:"name"`
	Expr    string `json:"expr"` // SQL text
	Comment string `json:"comment,omitempty"`
	// Functions are the user functions Expr calls, bound as a
	// column's (ColumnDesc.Functions).
	Functions []uint32 `json:"functions,omitempty"`
}

// ForeignKeyDesc is a FOREIGN KEY constraint.
type ForeignKeyDesc struct {
	Name       string   `json:"name"`
	Columns    []uint32 `json:"columns"`
	RefTable   uint32   `json:"ref_table"`
	RefColumns []uint32 `json:"ref_columns"`
	OnDelete   string   `json:"on_delete,omitempty"` // "", "cascade", "set null", "set default", "restrict"
	OnUpdate   string   `json:"on_update,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	// Deferrable lets SET CONSTRAINTS put the key's NO ACTION checks off
	// to the transaction's commit; InitiallyDeferred puts them off
	// unless SET CONSTRAINTS says otherwise.
	Deferrable        bool `json:"deferrable,omitempty"`
	InitiallyDeferred bool `json:"initially_deferred,omitempty"`
	// MatchFull is MATCH FULL: a key's columns are all NULL (it
	// references nothing) or none is. Without it, MATCH SIMPLE: a key
	// with any NULL column references nothing.
	MatchFull bool `json:"match_full,omitempty"`
}

// ViewDesc is a view: its query's SQL text and its columns.
type ViewDesc struct {
	Query   string       `json:"query"`
	Columns []ViewColumn `json:"columns"`
	// DependsOn are the tables and views the query reads, so that they
	// cannot be dropped from under the view (PostgreSQL's pg_depend).
	DependsOn []uint32 `json:"depends_on,omitempty"`
	// Functions are the user functions the query calls, bound when the
	// view was made (sql/view_funcs.go): they cannot be dropped from
	// under it, and its calls resolve only to them. BoundCalls marks a
	// view made since calls were bound; an older one resolves its calls
	// by name.
	Functions  []uint32 `json:"functions,omitempty"`
	BoundCalls bool     `json:"bound_calls,omitempty"`
}

// MatViewDesc is what a materialized view has beyond its table and
// query.
type MatViewDesc struct {
	// Populated is false after CREATE ... WITH NO DATA or REFRESH ...
	// WITH NO DATA, until a REFRESH fills it: reads are then refused, as
	// PostgreSQL's relispopulated.
	Populated bool `json:"populated,omitempty"`
}

// IsMatView reports whether d is a materialized view.
func (d *Descriptor) IsMatView() bool { return d.MatView != nil }

// KindName is the kind as PostgreSQL's messages name it: "table",
// "view", "materialized view", "sequence", "index", "schema".
func (d *Descriptor) KindName() string {
	if d.MatView != nil {
		return "materialized view"
	}
	return d.Kind
}

// ViewColumn is a view's output column.
type ViewColumn struct {
	Name string `json:"name"`
	columnType
	Comment string `json:"comment,omitempty"`
}

// SequenceDesc is a sequence's definition; its value is kept apart (see
// sequence.go), outside transactions, as PostgreSQL's is.
type SequenceDesc struct {
	Start     int64  `json:"start"`
	Increment int64  `json:"increment"`
	Min       int64  `json:"min"`
	Max       int64  `json:"max"`
	Cycle     bool   `json:"cycle,omitempty"`
	TypeOid   uint32 `json:"type_oid"`
	// OwnedBy is the table and column a serial or identity column owns it
	// from (dropped with them).
	OwnedByTable  uint32 `json:"owned_by_table,omitempty"`
	OwnedByColumn uint32 `json:"owned_by_column,omitempty"`
	// Incarnation tells this sequence from one that had its id in a
	// transaction that rolled back (seqincarnation.go); 0 in sequences
	// made before it existed.
	Incarnation uint64 `json:"incarnation,omitempty"`
}

// LiveColumns returns the columns that are not dropped, hidden included.
func (t *TableDesc) LiveColumns() []*ColumnDesc {
	var out []*ColumnDesc
	for i := range t.Columns {
		if !t.Columns[i].Dropped {
			out = append(out, &t.Columns[i])
		}
	}
	return out
}

// Column returns the column with an id, or nil.
func (t *TableDesc) Column(id uint32) *ColumnDesc {
	for i := range t.Columns {
		if t.Columns[i].ID == id {
			return &t.Columns[i]
		}
	}
	return nil
}

// ColumnIndex returns the position of a column id in the row encoding.
func (t *TableDesc) ColumnIndex(id uint32) int {
	for i := range t.Columns {
		if t.Columns[i].ID == id {
			return i
		}
	}
	return -1
}

// ColumnByName returns a live column by name.
func (t *TableDesc) ColumnByName(name string) *ColumnDesc {
	for i := range t.Columns {
		c := &t.Columns[i]
		if !c.Dropped && !c.IndexKey && c.Name == name {
			return c
		}
	}
	return nil
}

// AllIndexes returns the primary key, then the secondary indexes.
func (t *TableDesc) AllIndexes() []*IndexDesc {
	out := []*IndexDesc{&t.PrimaryKey}
	for i := range t.Indexes {
		out = append(out, &t.Indexes[i])
	}
	return out
}

// ExprSettings are the session settings a stored expression's literals
// are read with: TimeZone, DateStyle and IntervalStyle, as SET takes
// them.
type ExprSettings struct {
	TimeZone      string `json:"timezone"`
	DateStyle     string `json:"datestyle"`
	IntervalStyle string `json:"intervalstyle"`
}
