package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// parse_ident(str [, strict]) splits a qualified SQL identifier into its
// parts, as PostgreSQL's misc.c does: quoted parts keep their case (""
// is a quote), unquoted ones are folded to lower case, whitespace around
// the dots is skipped. Grafana's query editor calls it on table names.

func init() {
	txt, b := types.Text, types.Bool
	arr, _ := types.ArrayOf(txt)
	AddFunc("parse_ident", []*types.T{txt}, arr, true, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return parseIdent(a[0].(string), true)
	})
	AddFunc("parse_ident", []*types.T{txt, b}, arr, true, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return parseIdent(a[0].(string), a[1].(bool))
	})
}

func errIdent(s, detail string) error {
	e := pgerror.Newf(pgcode.InvalidParameterValue, "string is not a valid identifier: \"%s\"", s)
	if detail != "" {
		e = e.WithDetail(detail)
	}
	return e
}

// identStart and identCont are the characters of an unquoted identifier
// (any byte of a multibyte character counts as a letter).
func identStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func identCont(c byte) bool { return identStart(c) || c >= '0' && c <= '9' || c == '$' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func parseIdent(s string, strict bool) (types.Datum, error) {
	var parts []types.Datum
	i, afterDot := 0, false
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	for {
		switch {
		case i < len(s) && s[i] == '"':
			var sb strings.Builder
			j := i + 1
			for {
				k := strings.IndexByte(s[j:], '"')
				if k < 0 {
					return nil, errIdent(s, "String has unclosed double quotes.")
				}
				sb.WriteString(s[j : j+k])
				j += k + 1
				if j < len(s) && s[j] == '"' {
					sb.WriteByte('"')
					j++
					continue
				}
				break
			}
			if j-i == 2 {
				return nil, errIdent(s, "Quoted identifier must not be empty.")
			}
			parts = append(parts, sb.String())
			i = j
		case i < len(s) && identStart(s[i]):
			j := i + 1
			for j < len(s) && identCont(s[j]) {
				j++
			}
			parts = append(parts, strings.ToLower(s[i:j]))
			i = j
		default:
			switch {
			case i < len(s) && s[i] == '.':
				return nil, errIdent(s, `No valid identifier before ".".`)
			case afterDot:
				return nil, errIdent(s, `No valid identifier after ".".`)
			}
			return nil, errIdent(s, "")
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '.' {
			afterDot = true
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			continue
		}
		if i == len(s) {
			break
		}
		if strict {
			return nil, errIdent(s, "")
		}
		break
	}
	return types.NewArray(parts), nil
}
