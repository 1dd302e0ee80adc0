package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/stela-db/stela"

// layer ranks the top-level folders: a package may import our packages of
// a lower rank, or of its own top-level folder.
var layer = map[string]int{
	"kv": 1, "engine": 2, "catalog": 3, "sql": 4, "pgwire": 5, "httpapi": 5, "server": 6, "client": 6, "cmd": 8,
	"audit":  7, // the auditor: a client of servers (checked below)
	"backup": 7, // opens a server's stores offline (backup/restore)
	"bench":  7, // the load generator: a client of servers (pgx, client)
}

// leafPackages may be imported by every layer but kv, and import nothing
// of ours but each other: SQLSTATEs, coded errors, and SQL types with their
// I/O, which the engine and catalog need as much as the SQL layer does.
var leafPackages = map[string]bool{"sql/pgcode": true, "sql/pgerror": true, "sql/types": true}

// clientPackages are imported by clients: they may import only each other,
// the standard library and golang.org/x/mod.
var clientPackages = map[string]bool{
	"kv/format": true, "kv/merkle": true, "kv/checkpoint": true, "kv/proof": true,
}

type pkgFiles struct {
	dir   string // relative to the repo root, slash-separated
	files map[string]*ast.File
}

// loadPackages parses every non-test Go file of the repository.
func loadPackages(t *testing.T) map[string]*pkgFiles {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]*pkgFiles{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "data") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		p := pkgs[rel]
		if p == nil {
			p = &pkgFiles{dir: rel, files: map[string]*ast.File{}}
			pkgs[rel] = p
		}
		p.files[filepath.Base(path)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 5 {
		t.Fatalf("found only %d packages: is the walk rooted right?", len(pkgs))
	}
	return pkgs
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for dir, p := range loadPackages(t) {
		n := 0
		for _, f := range p.files {
			if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
				n++
			}
		}
		if n == 0 {
			t.Errorf("package %s has no package doc comment", dir)
		}
	}
}

func TestImportsPointDown(t *testing.T) {
	for dir, p := range loadPackages(t) {
		top := strings.Split(dir, "/")[0]
		for name, f := range p.files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if clientPackages[dir] && !allowedInClient(path) {
					t.Errorf("%s/%s: client package imports %s", dir, name, path)
				}
				if !strings.HasPrefix(path, module+"/") {
					continue
				}
				target := strings.TrimPrefix(path, module+"/")
				targetTop := strings.Split(target, "/")[0]
				switch {
				case leafPackages[dir]:
					if !leafPackages[target] {
						t.Errorf("%s/%s: leaf package imports %s", dir, name, target)
					}
				case leafPackages[target]:
					if top == "kv" {
						t.Errorf("%s/%s: kv must not import %s (it has no SQLSTATEs; engine maps its errors)", dir, name, target)
					}
				case top == "client" && targetTop != "client":
					// The Go client checks the server: it may use only
					// what a verifier needs, never the server's code.
					if !clientPackages[target] {
						t.Errorf("%s/%s: the client imports %s, which is server-side", dir, name, target)
					}
				case top == "audit" && targetTop != "audit" && targetTop != "client" && !clientPackages[target]:
					// The auditor checks servers as the client does:
					// never with the server's code.
					t.Errorf("%s/%s: the auditor imports %s, which is server-side", dir, name, target)
				case targetTop == top:
					// Within a folder: kv may import its client packages,
					// not the reverse (checked above).
				case top == "internal":
					if targetTop != "internal" {
						t.Errorf("%s/%s: internal packages are leaves; imports %s", dir, name, target)
					}
				case targetTop == "internal":
					// Leaf helpers are for everyone.
				case layer[top] == 0 || layer[targetTop] == 0:
					t.Errorf("%s/%s imports %s: folder not in the layer table", dir, name, target)
				case layer[targetTop] >= layer[top]:
					t.Errorf("%s/%s imports %s: imports must point down cmd -> server -> pgwire -> sql -> catalog -> engine -> kv", dir, name, target)
				}
			}
		}
	}
}

func allowedInClient(path string) bool {
	if strings.HasPrefix(path, module+"/") {
		return clientPackages[strings.TrimPrefix(path, module+"/")]
	}
	if strings.HasPrefix(path, "golang.org/x/mod/") {
		return true
	}
	first := strings.Split(path, "/")[0]
	return !strings.Contains(first, ".") // standard library
}

// TestNoPrintingOutsideCmd: libraries log through a zerolog.Logger they
// are given; only cmd writes to the terminal.
func TestNoPrintingOutsideCmd(t *testing.T) {
	for dir, p := range loadPackages(t) {
		if strings.HasPrefix(dir, "cmd/") || strings.HasPrefix(dir, "internal/lint") {
			continue
		}
		for name, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					if id, ok := x.Fun.(*ast.Ident); ok && (id.Name == "println" || id.Name == "print") {
						t.Errorf("%s/%s: %s()", dir, name, id.Name)
					}
					sel, ok := x.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					pkg, ok := sel.X.(*ast.Ident)
					if !ok {
						return true
					}
					if pkg.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Print") {
						t.Errorf("%s/%s: fmt.%s", dir, name, sel.Sel.Name)
					}
					if pkg.Name == "log" && importsPath(f, "log") {
						t.Errorf("%s/%s: log.%s (use the zerolog.Logger passed in)", dir, name, sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

func importsPath(f *ast.File, path string) bool {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			return true
		}
	}
	return false
}

// TestLintSeesItself guards the walk: if the rules above stopped seeing
// files, they would pass vacuously.
func TestLintSeesItself(t *testing.T) {
	pkgs := loadPackages(t)
	for _, want := range []string{"kv", "kv/merkle", "cmd/stela"} {
		if pkgs[want] == nil {
			t.Errorf("package %s not found by the walk", want)
		}
	}
	if _, err := os.Stat("../../go.mod"); err != nil {
		t.Fatal(err)
	}
}
