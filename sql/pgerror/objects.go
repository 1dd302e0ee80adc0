package pgerror

// The object fields of an ErrorResponse (s, t, c, d and n). PostgreSQL
// sends them with integrity violations and a few other errors so that a
// client can tell which constraint, column or type failed without
// parsing the message, which may be translated; drivers expose them
// (pgx's PgError.ConstraintName, JDBC's ServerErrorMessage) and ORMs
// map unique and foreign key violations by ConstraintName.

// Object names the schema, table, column, data type and constraint an
// error is about; "" fields are not sent.
type Object struct {
	Schema     string
	Table      string
	Column     string
	DataType   string
	Constraint string
}

// WithTable returns a copy of e about a table (or another relation) of
// a schema.
func (e *Error) WithTable(schema, table string) *Error {
	c := *e
	c.Schema, c.Table = schema, table
	return &c
}

// WithColumn returns a copy of e about a column of the table it names.
func (e *Error) WithColumn(column string) *Error {
	c := *e
	c.Column = column
	return &c
}

// WithConstraint returns a copy of e about a constraint: of the table it
// names, or of the domain.
func (e *Error) WithConstraint(name string) *Error {
	c := *e
	c.Constraint = name
	return &c
}

// WithDataType returns a copy of e about a data type of a schema (a
// domain whose constraint failed).
func (e *Error) WithDataType(schema, name string) *Error {
	c := *e
	c.Schema, c.DataType = schema, name
	return &c
}
