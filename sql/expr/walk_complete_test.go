package expr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWalkReachesEverySubexpression reads this package's source: every
// struct type with a field of type Expr or []Expr must have a case in
// children (walk.go) or be a Parent, or the planner's column analysis (UsesRow,
// index-only scans, the columns a scan decodes) misses the columns it
// reads. A column read inside ::regclass was once missed this way.
func TestWalkReachesEverySubexpression(t *testing.T) {
	// Fields Walk leaves out on purpose.
	skipped := map[string]bool{
		"ScalarArrayOp.Elem": true, // reads the element slot, not the row
		// A call being resolved (ResolveOrderedSet), not an expression:
		// the planner keeps the coerced arguments it returns.
		"OrderedSetCall.Direct": true, "OrderedSetCall.Aggregated": true,
		// A domain's CHECK reads the value checked, not the row.
		"domainConstraint.check": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	walked := map[string]bool{}
	var holders []string
	fieldsOf := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch v := n.(type) {
			case *ast.FuncDecl:
				if v.Name.Name == "Children" && v.Recv != nil {
					// A Parent: Walk asks it.
					if star, ok := v.Recv.List[0].Type.(*ast.StarExpr); ok {
						if id, ok := star.X.(*ast.Ident); ok {
							walked[id.Name] = true
						}
					}
				}
				if v.Name.Name == "children" && v.Recv == nil {
					ast.Inspect(v.Body, func(n ast.Node) bool {
						if cc, ok := n.(*ast.CaseClause); ok {
							for _, e := range cc.List {
								if star, ok := e.(*ast.StarExpr); ok {
									if id, ok := star.X.(*ast.Ident); ok {
										walked[id.Name] = true
									}
								}
							}
						}
						return true
					})
				}
			case *ast.TypeSpec:
				st, ok := v.Type.(*ast.StructType)
				if !ok {
					return true
				}
				for _, fld := range st.Fields.List {
					if !isExprType(fld.Type) {
						continue
					}
					for _, name := range fld.Names {
						if !skipped[v.Name.Name+"."+name.Name] {
							fieldsOf[v.Name.Name] = append(fieldsOf[v.Name.Name], name.Name)
						}
					}
				}
				if len(fieldsOf[v.Name.Name]) > 0 {
					holders = append(holders, v.Name.Name)
				}
			}
			return true
		})
	}
	if len(walked) == 0 || len(holders) == 0 {
		t.Fatalf("found %d walked types and %d holders: the source scan is broken", len(walked), len(holders))
	}
	for _, h := range holders {
		if !walked[h] {
			t.Errorf("%s has subexpressions %v that children (walk.go) does not return", h, fieldsOf[h])
		}
	}
}

func isExprType(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name == "Expr"
	case *ast.ArrayType:
		return isExprType(v.Elt)
	}
	return false
}
