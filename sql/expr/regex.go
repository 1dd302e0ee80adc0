package expr

import (
	"regexp"
	"sync"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The POSIX regular expression match operators ~, ~*, !~ and !~* on
// text. Patterns are compiled with Go's regexp (RE2), which agrees with
// PostgreSQL's ARE flavour on the common syntax (anchors, classes,
// alternation, quantifiers, as psql's \d patterns use) but has no
// back-references or lookaround: such patterns are refused with 2201B
// rather than matched differently.

// regexCache keeps compiled patterns: a pattern is usually a constant
// matched against every row.
var regexCache sync.Map // string (flag + pattern) -> *regexp.Regexp

func compileRegex(pattern string, fold bool) (*regexp.Regexp, error) {
	key := "c" + pattern
	if fold {
		key = "i" + pattern
	}
	if re, ok := regexCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	src := pattern
	if fold {
		src = "(?i)" + pattern
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, pgerror.Newf(pgcode.InvalidRegularExpression, "invalid regular expression: %v", err)
	}
	regexCache.Store(key, re)
	return re, nil
}

func init() {
	for _, op := range []struct {
		name      string
		fold, not bool
	}{{"~", false, false}, {"~*", true, false}, {"!~", false, true}, {"!~*", true, true}} {
		op := op
		addOp(op.name, types.Text, types.Text, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			re, err := compileRegex(a[1].(string), op.fold)
			if err != nil {
				return nil, err
			}
			return re.MatchString(a[0].(string)) != op.not, nil
		})
	}
}
