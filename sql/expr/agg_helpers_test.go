package expr

import (
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// aggNull stands for a NULL input in aggregate test rows.
const aggNull = "\\N"

// aggCase is an aggregate over rows of text inputs (parsed by the
// argument types), with PostgreSQL 15's output (or error message).
type aggCase struct {
	name  string
	types []*types.T
	rows  [][]string
	want  string // the result's text, "<NULL>" for NULL
	err   string // an error message instead
}

// aggCol makes one-column rows.
func aggCol(vals ...string) [][]string {
	rows := make([][]string, len(vals))
	for i, v := range vals {
		rows[i] = []string{v}
	}
	return rows
}

// aggTestSession is a Session with format settings and nothing else.
type aggTestSession struct{ fs types.FormatSettings }

func (s *aggTestSession) Setting(string) (string, error)        { return "", nil }
func (s *aggTestSession) SetSetting(string, string, bool) error { return nil }
func (s *aggTestSession) User() string                          { return "postgres" }
func (s *aggTestSession) SessionUser() string                   { return "postgres" }
func (s *aggTestSession) Database() string                      { return "postgres" }
func (s *aggTestSession) BackendPID() int32                     { return 1 }
func (s *aggTestSession) FormatSettings() *types.FormatSettings { return &s.fs }

// runAgg resolves the aggregate for constant arguments of the case's
// types, feeds it the rows as the planner does (skipping rows with a NULL
// argument for strict aggregates) and returns the result's text. Result
// is called after every row too, and must not change what it returned.
func runAgg(t *testing.T, ctx *Context, c aggCase) (string, error) {
	t.Helper()
	b := &Builder{}
	args := make([]Expr, len(c.types))
	for i, ty := range c.types {
		args[i] = &Const{T: ty, Loc: -1}
	}
	agg, _, err := b.ResolveAggregate(c.name, args, -1)
	if err != nil {
		return "", err
	}
	fs := aggFormatSettings(ctx)
	acc := agg.New()
	var prev []types.Datum
	var prevText []string
	for _, r := range c.rows {
		vals := make([]types.Datum, len(r))
		null := false
		for i, s := range r {
			if s == aggNull {
				null = true
				continue
			}
			v, err := c.types[i].ParseText(s, fs)
			if err != nil {
				t.Fatalf("%s: bad input %q: %v", c.name, s, err)
			}
			vals[i] = v
		}
		if null && agg.Strict {
			continue
		}
		if err := acc.Add(ctx, vals); err != nil {
			return "", err
		}
		v, err := acc.Result(ctx)
		if err != nil {
			return "", err
		}
		prev = append(prev, v)
		prevText = append(prevText, aggText(agg.Result, v, fs))
	}
	for i, v := range prev {
		if got := aggText(agg.Result, v, fs); got != prevText[i] {
			t.Errorf("%s: intermediate result %d changed from %q to %q", c.name, i, prevText[i], got)
		}
	}
	v, err := acc.Result(ctx)
	if err != nil {
		return "", err
	}
	// A second call gives the same.
	v2, err := acc.Result(ctx)
	if err != nil {
		return "", err
	}
	if a, b := aggText(agg.Result, v, fs), aggText(agg.Result, v2, fs); a != b {
		t.Errorf("%s: Result twice: %q then %q", c.name, a, b)
	}
	return aggText(agg.Result, v, fs), nil
}

func aggText(t *types.T, v types.Datum, fs *types.FormatSettings) string {
	if v == nil {
		return "<NULL>"
	}
	return string(t.AppendText(nil, v, fs))
}

func checkAggCases(t *testing.T, ctx *Context, cases []aggCase) {
	t.Helper()
	for _, c := range cases {
		got, err := runAgg(t, ctx, c)
		label := c.name + "(" + typeList(c.types) + ") of " + aggRowsString(c.rows)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: got %q, %v; want error %q", label, got, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: error %v; want %q", label, err, c.want)
		case got != c.want:
			t.Errorf("%s:\n got %s\nwant %s", label, got, c.want)
		}
	}
}

func aggRowsString(rows [][]string) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, "("+strings.Join(r, ",")+")")
	}
	return strings.Join(parts, " ")
}
