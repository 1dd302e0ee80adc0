package sql

import "time"

// WireObjects is what the wire layer lets a session see of its protocol
// objects. In PostgreSQL the statements of the extended protocol's Parse
// and those of SQL PREPARE are one set, and so are the portals of Bind
// and the cursors of DECLARE: EXECUTE runs a statement made by Parse,
// DEALLOCATE ALL and DISCARD ALL drop both kinds, a cursor cannot take the
// name of a portal. The wire layer keeps its own objects (they carry
// protocol state) and the session reaches them through this interface.
type WireObjects interface {
	// Statement returns the prepared statement Parse made under name.
	Statement(name string) (*Prepared, bool)
	// DropStatement drops one; it reports whether there was one.
	DropStatement(name string) bool
	// DropStatements drops every named statement.
	DropStatements()
	// Statements lists the named statements Parse made, by name (the
	// unnamed one is left out, as pg_prepared_statements leaves it out).
	Statements() map[string]*Prepared
	// HasPortal reports whether Bind made a portal of that name.
	HasPortal(name string) bool
	// DropPortal drops one; it reports whether there was one.
	DropPortal(name string) bool
	// DropPortals drops every portal but the one running.
	DropPortals()
	// Portals lists the portals Bind made (pg_cursors lists them, as
	// PostgreSQL does; the portals of a simple Query are not listed).
	Portals() []WirePortal
}

// WirePortal is what pg_cursors shows of a portal made by Bind.
type WirePortal struct {
	Name string
	// Statement is the query string of the portal's statement.
	Statement string
	// Created is when Bind made it.
	Created time.Time
}
