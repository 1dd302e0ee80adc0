package sql

import (
	"sort"
	"strconv"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// information_schema's schemata, tables, views, columns and sequences.

func init() {
	addInfoRel("information_schema_catalog_name", 13227, `catalog_name sql_identifier`,
		func(c *vctx) ([][]types.Datum, error) { return [][]types.Datum{{c.x.sess.db.Name}}, nil })
	addInfoRel("schemata", 13382, `catalog_name sql_identifier, schema_name sql_identifier,
		schema_owner sql_identifier, default_character_set_catalog sql_identifier,
		default_character_set_schema sql_identifier, default_character_set_name sql_identifier,
		sql_path character_data`, infoSchemataRows)
	addInfoRel("tables", 13425, `table_catalog sql_identifier, table_schema sql_identifier,
		table_name sql_identifier, table_type character_data, self_referencing_column_name sql_identifier,
		reference_generation character_data, user_defined_type_catalog sql_identifier,
		user_defined_type_schema sql_identifier, user_defined_type_name sql_identifier,
		is_insertable_into yes_or_no, is_typed yes_or_no, commit_action character_data`, infoTablesRows)
	addInfoRel("views", 13483, `table_catalog sql_identifier, table_schema sql_identifier,
		table_name sql_identifier, view_definition character_data, check_option character_data,
		is_updatable yes_or_no, is_insertable_into yes_or_no, is_trigger_updatable yes_or_no,
		is_trigger_deletable yes_or_no, is_trigger_insertable_into yes_or_no`, infoViewsRows)
	addInfoRel("columns", 13295, `table_catalog sql_identifier, table_schema sql_identifier,
		table_name sql_identifier, column_name sql_identifier, ordinal_position cardinal_number,
		column_default character_data, is_nullable yes_or_no, data_type character_data,
		character_maximum_length cardinal_number, character_octet_length cardinal_number,
		numeric_precision cardinal_number, numeric_precision_radix cardinal_number,
		numeric_scale cardinal_number, datetime_precision cardinal_number, interval_type character_data,
		interval_precision cardinal_number, character_set_catalog sql_identifier,
		character_set_schema sql_identifier, character_set_name sql_identifier,
		collation_catalog sql_identifier, collation_schema sql_identifier, collation_name sql_identifier,
		domain_catalog sql_identifier, domain_schema sql_identifier, domain_name sql_identifier,
		udt_catalog sql_identifier, udt_schema sql_identifier, udt_name sql_identifier,
		scope_catalog sql_identifier, scope_schema sql_identifier, scope_name sql_identifier,
		maximum_cardinality cardinal_number, dtd_identifier sql_identifier,
		is_self_referencing yes_or_no, is_identity yes_or_no, identity_generation character_data,
		identity_start character_data, identity_increment character_data,
		identity_maximum character_data, identity_minimum character_data, identity_cycle yes_or_no,
		is_generated character_data, generation_expression character_data, is_updatable yes_or_no`, infoColumnsRows)
	addInfoRel("sequences", 13386, `sequence_catalog sql_identifier, sequence_schema sql_identifier,
		sequence_name sql_identifier, data_type character_data, numeric_precision cardinal_number,
		numeric_precision_radix cardinal_number, numeric_scale cardinal_number,
		start_value character_data, minimum_value character_data, maximum_value character_data,
		increment character_data, cycle_option yes_or_no`, infoSequencesRows)
}

func infoSchemataRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		// Every user may use every schema in stela (CREATE in the
		// built-in ones is refused, USAGE is not).
		if d.Kind == catalog.KindSchema {
			out = append(out, []types.Datum{n.db, d.Name, ownerName(d), nil, nil, nil, nil})
		}
	}
	return out, nil
}

// infoRelation is one relation that tables and columns list: a stored
// table or view, or one of pg_catalog's or information_schema's.
type infoRelation struct {
	schema string
	name   string
	kind   byte // 'r' or 'v'
	desc   *catalog.Descriptor
	vt     *vtable
	// domains are the information_schema domains of an
	// information_schema relation's columns.
	domains []string
}

// infoRelations lists the relations of the database, the system ones
// first.
func infoRelations(descs []*catalog.Descriptor, schemas map[uint32]string) []infoRelation {
	var out []infoRelation
	for _, name := range vtableNames() {
		vt := vtables[name]
		out = append(out, infoRelation{schema: "pg_catalog", name: name, kind: vt.kind, vt: vt})
	}
	for _, name := range infoRelNames() {
		r := infoRels[name]
		out = append(out, infoRelation{schema: "information_schema", name: name, kind: 'v', vt: r.vt, domains: r.domains})
	}
	for _, d := range descs {
		switch {
		case d.IsMatView():
			// Not in the SQL standard's views, as in PostgreSQL.
		case d.Kind == catalog.KindTable:
			out = append(out, infoRelation{schema: schemas[d.Schema], name: d.Name, kind: 'r', desc: d})
		case d.Kind == catalog.KindView:
			out = append(out, infoRelation{schema: schemas[d.Schema], name: d.Name, kind: 'v', desc: d})
		}
	}
	return out
}

func infoTablesRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		typ := "BASE TABLE"
		switch {
		case catalog.IsTempSchema(r.schema):
			typ = "LOCAL TEMPORARY" // tables and views alike, as PostgreSQL's
		case r.kind == 'v':
			typ = "VIEW"
		}
		// Views are read-only in stela, and so are the system relations.
		insertable := r.desc != nil && r.kind == 'r'
		out = append(out, []types.Datum{n.db, r.schema, r.name, typ, nil, nil, nil, nil, nil,
			yesNo(insertable), yesNo(false), nil})
	}
	return out, nil
}

func infoViewsRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		if r.kind != 'v' {
			continue
		}
		// PostgreSQL shows the text to the owner's roles only. stela's
		// text is the query as stored (PostgreSQL prints its own
		// deparsed, pretty form), and the system views have none.
		var def types.Datum
		if r.desc != nil && n.owns(r.desc) {
			if def, err = c.at().shownText(r.desc.View.Query, true); err != nil {
				return nil, err
			}
		}
		out = append(out, []types.Datum{n.db, r.schema, r.name, def, "NONE", yesNo(false), yesNo(false),
			yesNo(false), yesNo(false), yesNo(false)})
	}
	return out, nil
}

func infoColumnsRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	path := c.x.sess.searchPath()
	rights, err := c.x.sess.rights()
	if err != nil {
		return nil, err
	}
	// A relation the user sees for privileges on some of its columns
	// only lists those columns, as PostgreSQL's view.
	shown := func(d *catalog.Descriptor, col uint32) bool {
		return rights.holdsOnRelation(d) || rights.grant.OnColumn(d.ID, col) != ""
	}
	var out [][]types.Datum
	// row builds a column's row; def is column_default, seq the identity
	// sequence.
	row := func(r *infoRelation, name string, attnum int, f typeFacts, notNull bool, def types.Datum, identity string, seq *catalog.Descriptor) []types.Datum {
		var domainCatalog types.Datum
		if f.domainName != nil {
			domainCatalog = n.db
		}
		var generation, start, incr, max, min types.Datum
		switch identity {
		case "a":
			generation = "ALWAYS"
		case "d":
			generation = "BY DEFAULT"
		}
		cycle := false
		if identity != "" && seq != nil {
			s := seq.Sequence
			start, incr = strconv.FormatInt(s.Start, 10), strconv.FormatInt(s.Increment, 10)
			max, min = strconv.FormatInt(s.Max, 10), strconv.FormatInt(s.Min, 10)
			cycle = s.Cycle
		}
		return []types.Datum{
			n.db, r.schema, r.name, name, int64(attnum), def, yesNo(!notNull), f.dataType,
			f.charMaxLen, f.charOctetLen, f.numPrecision, f.numRadix, f.numScale, f.dtPrecision,
			f.intervalType, nil, nil, nil, nil, f.collationCatalog, f.collationSchema, f.collationName,
			domainCatalog, f.domainSchema, f.domainName, n.db, f.udtSchema, f.udtName, nil, nil, nil, nil,
			strconv.Itoa(attnum), yesNo(false), yesNo(identity != ""), generation, start, incr, max, min,
			yesNo(cycle), "NEVER", nil, yesNo(r.kind == 'r' && r.desc != nil),
		}
	}
	for _, r := range infoRelations(descs, n.schemas) {
		r := r
		switch {
		case r.vt != nil:
			for i, col := range r.vt.cols {
				var f typeFacts
				if r.domains != nil {
					f = describeDomainColumn(r.domains[i], n.db)
				} else {
					f = describeType(col.typ, n.db)
				}
				// pg_catalog's tables declare their columns NOT NULL.
				out = append(out, row(&r, col.name, i+1, f, r.kind == 'r', nil, "", nil))
			}
		case r.desc.Kind == catalog.KindTable:
			t, err := c.at().shownTable(r.desc.Table)
			if err != nil {
				return nil, err
			}
			for i := range t.Columns {
				col := &t.Columns[i]
				if col.Hidden || col.Dropped || !shown(r.desc, col.ID) {
					continue
				}
				seq := seqOf(n, col)
				def := columnDefault(n, t, col, seq, path)
				f := describeType(col.Type(), n.db)
				if col.Collation != "" {
					f.collationCatalog, f.collationSchema, f.collationName = n.db, "pg_catalog", col.Collation
				}
				out = append(out, generationColumns(row(&r, col.Name, i+1, f, col.NotNull, def, col.Identity, seq), t, col))
			}
		default:
			for i, vc := range r.desc.View.Columns {
				if !shown(r.desc, uint32(i+1)) {
					continue
				}
				t, ok := vc.Type(), true
				if !ok {
					t = types.Unknown
				}
				out = append(out, row(&r, vc.Name, i+1, describeType(t.WithTypmod(vc.Typmod), n.db), false, nil, "", nil))
			}
		}
	}
	return out, nil
}

func infoSequencesRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	// An identity column's sequence is internal to it: PostgreSQL does
	// not list it (a serial's is listed).
	identity := map[uint32]bool{}
	for _, d := range descs {
		if d.Kind == catalog.KindTable {
			for _, col := range d.Table.Columns {
				if col.Identity != "" {
					identity[col.Sequence] = true
				}
			}
		}
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindSequence || identity[d.ID] {
			continue
		}
		s := d.Sequence
		t, ok := types.ByOid(s.TypeOid)
		if !ok {
			t = types.Int8
		}
		f := describeType(t, n.db)
		out = append(out, []types.Datum{n.db, n.schemas[d.Schema], d.Name, f.dataType, f.numPrecision, f.numRadix,
			f.numScale, strconv.FormatInt(s.Start, 10), strconv.FormatInt(s.Min, 10), strconv.FormatInt(s.Max, 10),
			strconv.FormatInt(s.Increment, 10), yesNo(s.Cycle)})
	}
	return out, nil
}

// infoRelNames lists information_schema's relations in name order.
func infoRelNames() []string {
	names := make([]string, 0, len(infoRels))
	for name := range infoRels {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// columnDefault is column_default: a serial's nextval call, NULL for an
// identity column, else the DEFAULT printed as PostgreSQL prints it
// (the stored text when pgDeparser cannot).
func columnDefault(n *infoNames, t *catalog.TableDesc, col *catalog.ColumnDesc, seq *catalog.Descriptor, path catalog.SearchPath) types.Datum {
	if col.Identity != "" {
		return nil
	}
	if seq != nil && isSerialDefault(col) {
		return serialDefaultText(seq, n.byID, n.schemas, path)
	}
	if col.Default == "" || strings.EqualFold(col.Default, "NULL") {
		return nil
	}
	if s, ok := seqDefaultShown(col.Default, col, t, n.byID, n.schemas, path); ok {
		return s
	}
	p := pgDeparser{table: t}
	if s, ok := p.defaultText(col.Default, col.Type()); ok {
		return s
	}
	return col.Default
}

// onPath reports whether schema is on the search path (so that a name in
// it prints unqualified, as regclass output does for a visible one).
func onPath(path catalog.SearchPath, schema string) bool {
	for _, s := range path {
		if s == schema {
			return true
		}
	}
	return false
}
