package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// TimeTravel is a table reference's AS OF clause. PostgreSQL's grammar
// has no place for one, so it is cut out of the query text before
// parsing (replaced by spaces: error positions still point into the
// original text) and the planner attaches it to the table reference just
// before it.
//
// Accepted after a table name (before or after its alias):
//
//	AS OF TX n                       AS OF TIMESTAMP 'time'
//	FOR SYSTEM_TIME AS OF TX n       FOR SYSTEM_TIME AS OF TIMESTAMP 'time'
//	FOR SYSTEM_TIME AS OF 'time'     FOR SYSTEM_TIME AS OF n
//
// where n is an integer literal or a parameter ($1) and 'time' a string
// literal or a parameter. The history forms (FOR SYSTEM_TIME BETWEEN,
// FROM ... TO, ALL, and immudb's BEFORE/SINCE/UNTIL/AFTER TX) are
// recognized and refused with 0A000 until history reads land.
type TimeTravel struct {
	// Pos is the clause's byte offset in the query string.
	Pos int
	// Timestamp is set for a time, clear for a tx id.
	Timestamp bool
	// Value is the literal: an integer's digits (with a leading '-' when
	// negative) or a string's contents; empty for a parameter.
	Value string
	// Param is the parameter's number ($n), 0 for a literal.
	Param int
	// History, when set, makes the clause a history read (every version
	// in a range of transactions) rather than AS OF.
	History *HistoryRange
}

// HistoryRange is the range of transactions a history read covers; a
// bound not Set is open.
type HistoryRange struct {
	From, To Bound
	// Diff asks, instead of every version, for the rows that differ
	// between the table as of From and as of To (FOR SYSTEM_TIME DIFF
	// BETWEEN a AND b).
	Diff bool
}

// Bound is one end of a history range: a tx id or a time (a literal, or
// the parameter $Param), and whether the range includes it.
type Bound struct {
	Set       bool
	Timestamp bool
	Value     string
	Param     int
	Inclusive bool
}

// mayTimeTravel is a cheap test before scanning: every clause spells OF
// and one of TX, TIMESTAMP or SYSTEM_TIME, or a history keyword.
func mayTimeTravel(sql string) bool {
	l := strings.ToLower(sql)
	return strings.Contains(l, "system_time") || (strings.Contains(l, "of") && (strings.Contains(l, "tx") || strings.Contains(l, "timestamp"))) ||
		((strings.Contains(l, "tx") || strings.Contains(l, "timestamp")) &&
			(strings.Contains(l, "before") || strings.Contains(l, "since") || strings.Contains(l, "until") || strings.Contains(l, "after")))
}

// cutTimeTravel returns sql with its time-travel clauses blanked out, and
// the clauses.
func cutTimeTravel(sql string) (string, []TimeTravel, error) {
	if !mayTimeTravel(sql) {
		return sql, nil, nil
	}
	scan, err := pg_query.Scan(sql)
	if err != nil {
		return sql, nil, nil // the parser reports it
	}
	toks := scan.Tokens
	word := func(i int) string {
		if i >= len(toks) {
			return ""
		}
		return strings.ToLower(sql[toks[i].Start:toks[i].End])
	}
	var out []TimeTravel
	buf := []byte(sql)
	blank := func(from, to int) {
		for j := from; j < to; j++ {
			if buf[j] != '\n' {
				buf[j] = ' '
			}
		}
	}
	var i int
	// take keeps a clause that starts at token i and ends at byte end:
	// blanked out of the text, and scanning goes on after it.
	take := func(tt TimeTravel, end int) {
		tt.Pos = int(toks[i].Start)
		blank(tt.Pos, end)
		out = append(out, tt)
		for i+1 < len(toks) && int(toks[i+1].Start) < end {
			i++
		}
	}
	for i = 0; i < len(toks); i++ {
		start := int(toks[i].Start)
		j := i
		switch {
		case word(i) == "as" && word(i+1) == "of":
			j = i + 2
		case word(i) == "for" && word(i+1) == "system_time":
			switch word(i + 2) {
			case "as":
				if word(i+3) != "of" {
					continue
				}
				j = i + 4
			case "between", "from", "all", "diff":
				tt, end, err := parseSystemTimeRange(sql, toks, i+2, word)
				if err != nil {
					return sql, nil, err
				}
				take(tt, end)
				continue
			default:
				continue
			}
		case (word(i) == "before" || word(i) == "since" || word(i) == "until" || word(i) == "after") && (word(i+1) == "tx" || word(i+1) == "timestamp") && i > 0 && isNameToken(toks[i-1]):
			tt, end, err := parsePeriods(sql, toks, i, word)
			if err != nil {
				return sql, nil, err
			}
			take(tt, end)
			continue
		default:
			continue
		}
		tt := TimeTravel{Pos: start}
		explicit := true
		switch word(j) {
		case "tx":
			j++
		case "timestamp":
			tt.Timestamp = true
			j++
		default:
			// FOR SYSTEM_TIME AS OF <literal>: a string is a time.
			explicit = false
		}
		if j >= len(toks) {
			continue
		}
		end := 0
		switch t := toks[j]; {
		case t.Token == pg_query.Token_PARAM:
			n := 0
			for _, c := range sql[t.Start+1 : t.End] {
				n = n*10 + int(c-'0')
			}
			tt.Param, end = n, int(t.End)
		case t.Token == pg_query.Token_SCONST:
			if !explicit {
				tt.Timestamp = true
			}
			if !tt.Timestamp {
				return sql, nil, pgerror.New(pgcode.InvalidParameterValue, "AS OF TX takes a transaction id, not a string").WithPosition(int(t.Start) + 1)
			}
			tt.Value, end = unquote(sql[t.Start:t.End]), int(t.End)
		case t.Token == pg_query.Token_ICONST || (word(j) == "-" && j+1 < len(toks) && toks[j+1].Token == pg_query.Token_ICONST):
			if tt.Timestamp {
				return sql, nil, pgerror.New(pgcode.InvalidParameterValue, "AS OF TIMESTAMP takes a time, not a number").WithPosition(int(t.Start) + 1)
			}
			if word(j) == "-" {
				j++
				tt.Value = "-"
			}
			tt.Value += sql[toks[j].Start:toks[j].End]
			end = int(toks[j].End)
		default:
			if !explicit {
				continue // "AS OF" is something else (an alias named of?)
			}
			return sql, nil, pgerror.Newf(pgcode.Syntax, "AS OF %s needs a literal or a parameter", strings.ToUpper(word(j-1))).WithPosition(int(toks[j].Start) + 1)
		}
		take(tt, end)
	}
	return string(buf), out, nil
}

// isNameToken reports whether a token can end a table reference.
func isNameToken(t *pg_query.ScanToken) bool {
	return t.Token == pg_query.Token_IDENT || t.KeywordKind != pg_query.KeywordKind_NO_KEYWORD
}

// unquote returns a standard string literal's contents.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	if len(s) >= 3 && (s[0] == 'E' || s[0] == 'e') {
		return unquote(s[1:])
	}
	return s
}

// parseBound reads TX n, TIMESTAMP 's', n or 's' at token j; it returns
// the bound and the index of the token after it.
func parseBound(sql string, toks []*pg_query.ScanToken, j int, word func(int) string) (Bound, int, error) {
	b := Bound{Set: true}
	explicit := false
	switch word(j) {
	case "tx":
		j++
		explicit = true
	case "timestamp":
		b.Timestamp, explicit = true, true
		j++
	}
	if j >= len(toks) {
		return b, j, pgerror.New(pgcode.Syntax, "a history range needs a transaction id or a time").WithPosition(len(sql) + 1)
	}
	t := toks[j]
	switch t.Token {
	case pg_query.Token_ICONST:
		if b.Timestamp {
			return b, j, pgerror.New(pgcode.InvalidParameterValue, "TIMESTAMP takes a time, not a number").WithPosition(int(t.Start) + 1)
		}
		b.Value = sql[t.Start:t.End]
	case pg_query.Token_SCONST:
		if explicit && !b.Timestamp {
			return b, j, pgerror.New(pgcode.InvalidParameterValue, "TX takes a transaction id, not a string").WithPosition(int(t.Start) + 1)
		}
		b.Timestamp, b.Value = true, unquote(sql[t.Start:t.End])
	case pg_query.Token_PARAM:
		for _, c := range sql[t.Start+1 : t.End] {
			b.Param = b.Param*10 + int(c-'0')
		}
	default:
		return b, j, pgerror.New(pgcode.Syntax, "a history range needs a transaction id or a time").WithPosition(int(t.Start) + 1)
	}
	return b, j + 1, nil
}

// parseSystemTimeRange reads FOR SYSTEM_TIME ALL | BETWEEN b AND b |
// FROM b TO b, from the token after SYSTEM_TIME (j); it returns the
// clause and the byte offset where it ends.
func parseSystemTimeRange(sql string, toks []*pg_query.ScanToken, j int, word func(int) string) (TimeTravel, int, error) {
	h := &HistoryRange{}
	tt := TimeTravel{History: h}
	if word(j) == "diff" {
		if word(j+1) != "between" {
			return tt, 0, pgerror.New(pgcode.Syntax, "FOR SYSTEM_TIME DIFF needs BETWEEN ... AND ...").WithPosition(int(toks[min(j+1, len(toks)-1)].Start) + 1)
		}
		tt, end, err := parseSystemTimeRange(sql, toks, j+1, word)
		if err == nil {
			// The table as of From against the table as of To: the
			// changes are those of the txs after From, up to To.
			tt.History.Diff = true
			tt.History.From.Inclusive = false
		}
		return tt, end, err
	}
	switch word(j) {
	case "all":
		return tt, int(toks[j].End), nil
	case "between":
		from, k, err := parseBound(sql, toks, j+1, word)
		if err != nil {
			return tt, 0, err
		}
		if word(k) != "and" {
			return tt, 0, pgerror.New(pgcode.Syntax, "FOR SYSTEM_TIME BETWEEN needs AND").WithPosition(int(toks[min(k, len(toks)-1)].Start) + 1)
		}
		to, k, err := parseBound(sql, toks, k+1, word)
		if err != nil {
			return tt, 0, err
		}
		from.Inclusive, to.Inclusive = true, true
		h.From, h.To = from, to
		return tt, int(toks[k-1].End), nil
	default: // from
		from, k, err := parseBound(sql, toks, j+1, word)
		if err != nil {
			return tt, 0, err
		}
		if word(k) != "to" {
			return tt, 0, pgerror.New(pgcode.Syntax, "FOR SYSTEM_TIME FROM needs TO").WithPosition(int(toks[min(k, len(toks)-1)].Start) + 1)
		}
		to, k, err := parseBound(sql, toks, k+1, word)
		if err != nil {
			return tt, 0, err
		}
		from.Inclusive = true // SQL:2011: FROM includes its start, TO excludes its end
		h.From, h.To = from, to
		return tt, int(toks[k-1].End), nil
	}
}

// parsePeriods reads immudb's period clauses from token i: one or two of
// SINCE TX n (from n on), AFTER TX n (after n), UNTIL TX n (up to n),
// BEFORE TX n (before n).
func parsePeriods(sql string, toks []*pg_query.ScanToken, i int, word func(int) string) (TimeTravel, int, error) {
	h := &HistoryRange{}
	tt := TimeTravel{History: h}
	end := 0
	for k := i; ; {
		w := word(k)
		if (w != "since" && w != "after" && w != "until" && w != "before") || word(k+1) != "tx" && word(k+1) != "timestamp" {
			break
		}
		b, next, err := parseBound(sql, toks, k+1, word)
		if err != nil {
			return tt, 0, err
		}
		switch w {
		case "since", "after":
			if h.From.Set {
				return tt, 0, pgerror.New(pgcode.Syntax, "two starts of a history range").WithPosition(int(toks[k].Start) + 1)
			}
			b.Inclusive = w == "since"
			h.From = b
		default:
			if h.To.Set {
				return tt, 0, pgerror.New(pgcode.Syntax, "two ends of a history range").WithPosition(int(toks[k].Start) + 1)
			}
			b.Inclusive = w == "until"
			h.To = b
		}
		end = int(toks[next-1].End)
		k = next
	}
	return tt, end, nil
}
