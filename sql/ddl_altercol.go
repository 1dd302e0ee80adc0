package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ALTER TABLE ALTER COLUMN ... SET/DROP DEFAULT and SET/DROP NOT NULL.
// They change the descriptor only: rows stay as they are (SET NOT NULL
// first checks that none holds NULL).

// alterColumn returns the live column an ALTER COLUMN names.
func alterColumn(d *catalog.Descriptor, name string) (*catalog.ColumnDesc, error) {
	c := d.Table.ColumnByName(name)
	if c == nil || c.Hidden || c.Dropped {
		return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, d.Name)
	}
	return c, nil
}

// errIdentityColumn refuses changes PostgreSQL refuses on identity
// columns.
func errIdentityColumn(c *catalog.ColumnDesc, d *catalog.Descriptor) *pgerror.Error {
	return pgerror.Newf(pgcode.Syntax, "column \"%s\" of relation \"%s\" is an identity column", c.Name, d.Name)
}

// setColumnDefault is SET DEFAULT expr, or DROP DEFAULT when def is nil.
// Dropping a serial column's default keeps its sequence (still owned by
// the column, as in PostgreSQL) but stops using it.
func (x *execCtx) setColumnDefault(d *catalog.Descriptor, name string, def *pg_query.Node) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	if c.Identity != "" {
		return errIdentityColumn(c, d).WithHint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.")
	}
	if c.Generated != "" {
		return errGeneratedDefault(c, d, def == nil)
	}
	text := ""
	var fns []uint32
	if def != nil {
		if text, fns, err = x.columnDefault(def, c); err != nil {
			return err
		}
	}
	// A serial column's implicit nextval default gives way; its sequence
	// stays, owned by the table and reachable by name. The functions the
	// old default called are no longer its dependencies.
	c.Sequence = 0
	c.Default, c.Functions = text, fns
	return catalog.Put(x.txn, d)
}

// setNotNull is SET NOT NULL (checked on every row) or DROP NOT NULL.
func (x *execCtx) setNotNull(d *catalog.Descriptor, name string, notNull bool) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	if !notNull {
		if c.Identity != "" {
			return errIdentityColumn(c, d)
		}
		for _, ic := range d.Table.PrimaryKey.Columns {
			if ic.ColumnID == c.ID {
				return pgerror.Newf(pgcode.InvalidTableDefinition, "column \"%s\" is in a primary key", c.Name)
			}
		}
		c.NotNull = false
		return catalog.Put(x.txn, d)
	}
	if c.NotNull {
		return nil
	}
	pos := d.Table.ColumnIndex(c.ID)
	err = x.eachRow(d, func(row []types.Datum) error {
		if row[pos] == nil {
			return x.nullsInColumn(d, c.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.NotNull = true
	return catalog.Put(x.txn, d)
}
