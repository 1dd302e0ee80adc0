// Package expr builds typed expressions from PostgreSQL parse trees and
// evaluates them with PostgreSQL's semantics.
//
// Building resolves every operator and function the way PostgreSQL does
// (its documentation, chapter 10, "Type Conversion"): candidates come from
// a table of operators and functions with their argument and result types;
// an exact match wins; otherwise arguments are coerced along implicit casts
// and ties are broken by exact matches, preferred types and, for unknown
// literals and parameters, type categories. Parameters ($n) take the type
// their context gives them, as PostgreSQL infers parameter types at
// PREPARE.
//
// Evaluation follows PostgreSQL: three-valued logic, integer overflow and
// division by zero are errors (22003, 22012), integer division truncates.
package expr
