package sql

import (
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// information_schema's table_constraints, key_column_usage,
// referential_constraints, constraint_column_usage and
// check_constraints. As in PostgreSQL 15, a NOT NULL column counts as a
// CHECK constraint named "<schema oid>_<table oid>_<attnum>_not_null"
// (with stela's OIDs) in table_constraints and check_constraints.

func init() {
	addInfoRel("table_constraints", 13411, `constraint_catalog sql_identifier,
		constraint_schema sql_identifier, constraint_name sql_identifier, table_catalog sql_identifier,
		table_schema sql_identifier, table_name sql_identifier, constraint_type character_data,
		is_deferrable yes_or_no, initially_deferred yes_or_no, enforced yes_or_no,
		nulls_distinct yes_or_no`, infoTableConstraintsRows)
	addInfoRel("key_column_usage", 13329, `constraint_catalog sql_identifier,
		constraint_schema sql_identifier, constraint_name sql_identifier, table_catalog sql_identifier,
		table_schema sql_identifier, table_name sql_identifier, column_name sql_identifier,
		ordinal_position cardinal_number, position_in_unique_constraint cardinal_number`, infoKeyColumnUsageRows)
	addInfoRel("referential_constraints", 13339, `constraint_catalog sql_identifier,
		constraint_schema sql_identifier, constraint_name sql_identifier,
		unique_constraint_catalog sql_identifier, unique_constraint_schema sql_identifier,
		unique_constraint_name sql_identifier, match_option character_data, update_rule character_data,
		delete_rule character_data`, infoReferentialConstraintsRows)
	addInfoRel("constraint_column_usage", 13300, `table_catalog sql_identifier, table_schema sql_identifier,
		table_name sql_identifier, column_name sql_identifier, constraint_catalog sql_identifier,
		constraint_schema sql_identifier, constraint_name sql_identifier`, infoConstraintColumnUsageRows)
	addInfoRel("check_constraints", 13260, `constraint_catalog sql_identifier,
		constraint_schema sql_identifier, constraint_name sql_identifier, check_clause character_data`,
		infoCheckConstraintsRows)
}

// keyConstraints are a table's PRIMARY KEY and UNIQUE constraints.
func keyConstraints(t *catalog.TableDesc) []*catalog.IndexDesc {
	var out []*catalog.IndexDesc
	for _, ix := range catalog.NamedIndexes(t) {
		if ix.Constraint || isPrimary(ix) {
			out = append(out, ix)
		}
	}
	return out
}

// notNullName is the name PostgreSQL 15 gives a NOT NULL "constraint".
func notNullName(d *catalog.Descriptor, attnum int) string {
	return strconv.Itoa(int(d.Schema)) + "_" + strconv.Itoa(int(d.ID)) + "_" + strconv.Itoa(attnum) + "_not_null"
}

// fkAction names a foreign key action as the standard does.
func fkRule(a string) string {
	switch fkAction(a) {
	case 'c':
		return "CASCADE"
	case 'n':
		return "SET NULL"
	case 'd':
		return "SET DEFAULT"
	case 'r':
		return "RESTRICT"
	}
	return "NO ACTION"
}

func infoTableConstraintsRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		t, schema := d.Table, n.schemas[d.Schema]
		row := func(name, kind string, nullsDistinct types.Datum) {
			out = append(out, []types.Datum{n.db, schema, name, n.db, schema, d.Name, kind,
				yesNo(false), yesNo(false), yesNo(true), nullsDistinct})
		}
		fkRow := func(fk *catalog.ForeignKeyDesc) {
			out = append(out, []types.Datum{n.db, schema, fk.Name, n.db, schema, d.Name, "FOREIGN KEY",
				yesNo(fk.Deferrable), yesNo(fk.InitiallyDeferred), yesNo(true), nil})
		}
		for _, ix := range keyConstraints(t) {
			if isPrimary(ix) {
				row(ix.Name, "PRIMARY KEY", nil)
			} else {
				row(ix.Name, "UNIQUE", yesNo(true))
			}
		}
		for _, ck := range t.Checks {
			row(ck.Name, "CHECK", nil)
		}
		for i := range t.ForeignKeys {
			fkRow(&t.ForeignKeys[i])
		}
		for i, col := range t.Columns {
			if col.NotNull && !col.Hidden && !col.Dropped {
				row(notNullName(d, i+1), "CHECK", nil)
			}
		}
	}
	return out, nil
}

func infoKeyColumnUsageRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		t, schema := d.Table, n.schemas[d.Schema]
		row := func(constraint string, col uint32, pos int, uniquePos types.Datum) {
			out = append(out, []types.Datum{n.db, schema, constraint, n.db, schema, d.Name,
				t.Column(col).Name, int64(pos), uniquePos})
		}
		for _, ix := range keyConstraints(t) {
			for k, ic := range ix.Columns {
				row(ix.Name, ic.ColumnID, k+1, nil)
			}
		}
		for _, fk := range t.ForeignKeys {
			// position_in_unique_constraint is the referenced column's
			// position in the referenced key's index.
			var ix *catalog.IndexDesc
			if ref := n.byID[fk.RefTable]; ref != nil && ref.Kind == catalog.KindTable {
				ix = indexOn(ref.Table, fk.RefColumns)
			}
			for k, col := range fk.Columns {
				var pos types.Datum
				if ix != nil {
					for j, ic := range ix.Columns {
						if ic.ColumnID == fk.RefColumns[k] {
							pos = int64(j + 1)
						}
					}
				}
				row(fk.Name, col, k+1, pos)
			}
		}
	}
	return out, nil
}

func infoReferentialConstraintsRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, fk := range d.Table.ForeignKeys {
			// The unique constraint is the one owning the referenced
			// index; a unique index made by CREATE UNIQUE INDEX has none.
			var uCatalog, uSchema, uName types.Datum
			if ref := n.byID[fk.RefTable]; ref != nil && ref.Kind == catalog.KindTable {
				if ix := indexOn(ref.Table, fk.RefColumns); ix != nil && (ix.Constraint || isPrimary(ix)) {
					uCatalog, uSchema, uName = n.db, n.schemas[ref.Schema], ix.Name
				}
			}
			match := "NONE" // MATCH SIMPLE, in the standard's words
			if fk.MatchFull {
				match = "FULL"
			}
			out = append(out, []types.Datum{n.db, n.schemas[d.Schema], fk.Name, uCatalog, uSchema, uName,
				match, fkRule(fk.OnUpdate), fkRule(fk.OnDelete)})
		}
	}
	return out, nil
}

func infoConstraintColumnUsageRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	// row lists a column of table tbl used by a constraint of d; only
	// the owner's roles see it, as in PostgreSQL.
	row := func(tbl *catalog.Descriptor, colID uint32, d *catalog.Descriptor, constraint string) {
		if !n.owns(tbl) {
			return
		}
		out = append(out, []types.Datum{n.db, n.schemas[tbl.Schema], tbl.Name, tbl.Table.Column(colID).Name,
			n.db, n.schemas[d.Schema], constraint})
	}
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		t := d.Table
		for _, ck := range t.Checks {
			for _, attnum := range checkColumns(t, ck.Expr) {
				row(d, t.Columns[attnum-1].ID, d, ck.Name)
			}
		}
		for _, ix := range keyConstraints(t) {
			for _, ic := range ix.Columns {
				row(d, ic.ColumnID, d, ix.Name)
			}
		}
		// A foreign key uses the referenced table's columns.
		for _, fk := range t.ForeignKeys {
			ref := n.byID[fk.RefTable]
			if ref == nil || ref.Kind != catalog.KindTable {
				continue
			}
			for _, col := range fk.RefColumns {
				row(ref, col, d, fk.Name)
			}
		}
	}
	return out, nil
}

func infoCheckConstraintsRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable || !n.owns(d) {
			continue
		}
		t, err := c.at().shownTable(d.Table)
		if err != nil {
			return nil, err
		}
		schema := n.schemas[d.Schema]
		p := pgDeparser{table: t}
		for _, ck := range t.Checks {
			clause, ok := p.checkText(ck.Expr)
			if !ok {
				clause = "(" + ck.Expr + ")"
			}
			out = append(out, []types.Datum{n.db, schema, ck.Name, clause})
		}
		for i, col := range t.Columns {
			if col.NotNull && !col.Hidden && !col.Dropped {
				out = append(out, []types.Datum{n.db, schema, notNullName(d, i+1), col.Name + " IS NOT NULL"})
			}
		}
	}
	return out, nil
}
