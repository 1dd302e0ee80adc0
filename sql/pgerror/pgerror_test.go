package pgerror_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func TestFlattenKeepsTheInnermostCodeAndTheFullMessage(t *testing.T) {
	base := pgerror.Newf(pgcode.UndefinedTable, "relation %q does not exist", "t").WithHint("create it")
	err := fmt.Errorf("insert into t: %w", base)
	f := pgerror.Flatten(err)
	if f.Code != pgcode.UndefinedTable || f.Message != `insert into t: relation "t" does not exist` || f.Hint != "create it" || f.Severity != "ERROR" {
		t.Fatalf("flatten = %+v", f)
	}
	if !errors.Is(f, base) {
		t.Fatal("flattened error lost its cause")
	}
}

func TestFlattenOfAnUncodedErrorIsInternal(t *testing.T) {
	f := pgerror.Flatten(errors.New("boom"))
	if f.Code != pgcode.Internal || f.Message != "internal error: boom" {
		t.Fatalf("flatten = %+v", f)
	}
	if pgerror.GetCode(errors.New("x")) != pgcode.Internal {
		t.Fatal("GetCode of an uncoded error is not XX000")
	}
}

func TestWithCodeWrapsAndOuterWins(t *testing.T) {
	inner := pgerror.New(pgcode.DivisionByZero, "division by zero")
	outer := pgerror.WithCode(inner, pgcode.DataException)
	if pgerror.GetCode(outer) != pgcode.DataException || !errors.Is(outer, inner) {
		t.Fatal("WithCode")
	}
	if pgerror.WithCode(nil, pgcode.Internal) != nil {
		t.Fatal("WithCode(nil) is not nil")
	}
}
