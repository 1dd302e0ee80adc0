package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
)

// copyFormat is COPY's data format.
type copyFormat uint8

const (
	copyText copyFormat = iota
	copyCSV
	copyBinary
)

// copyOptions are the options of one COPY, checked and defaulted as
// PostgreSQL 15's ProcessCopyOptions does. Both spellings reach here as
// the same list: the parser turns `WITH CSV HEADER DELIMITER AS ';'` into
// the generic `(format 'csv', header true, delimiter ';')`.
type copyOptions struct {
	format copyFormat
	delim  byte
	null   string // the NULL marker, compared with the raw field
	header bool
	// headerMatch (COPY FROM only) checks the header's names against the
	// columns instead of skipping the line.
	headerMatch   bool
	quote, escape byte // CSV only
	forceQuoteAll bool
	// Column lists of FORCE_QUOTE, FORCE_NOT_NULL and FORCE_NULL, checked
	// against the COPY's columns when planned.
	forceQuote, forceNotNull, forceNull []string
	// encoding is the data's encoding (ENCODING 'LATIN1'), converted
	// from and to UTF-8; nil for UTF-8 data (and SQL_ASCII, which is
	// checked as UTF-8 and needs no conversion). Without the option
	// (encodingSet false) the data is in the client's encoding
	// (dataEncoding).
	encoding    *pgenc.Encoding
	encodingSet bool
	freeze      bool
}

// parseCopyOptions reads a COPY's option list.
func parseCopyOptions(list []*pg_query.Node, isFrom bool) (*copyOptions, error) {
	o := &copyOptions{}
	var formatSet, freezeSet, headerSet bool
	var delim, null, quote, escape *string
	var forceQuoteSet, forceNotNullSet, forceNullSet bool
	for _, n := range list {
		d := n.GetDefElem()
		if d == nil {
			continue
		}
		pos := int(d.Location) + 1
		conflict := func() error {
			return pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(pos)
		}
		switch d.Defname {
		case "format":
			if formatSet {
				return nil, conflict()
			}
			formatSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			switch s {
			case "text":
			case "csv":
				o.format = copyCSV
			case "binary":
				o.format = copyBinary
			default:
				return nil, pgerror.Newf(pgcode.InvalidParameterValue, "COPY format \"%s\" not recognized", s).WithPosition(pos)
			}
		case "freeze":
			if freezeSet {
				return nil, conflict()
			}
			freezeSet = true
			b, err := defBool(d)
			if err != nil {
				return nil, err
			}
			o.freeze = b
		case "delimiter", "null", "quote", "escape":
			target := map[string]**string{"delimiter": &delim, "null": &null, "quote": &quote, "escape": &escape}[d.Defname]
			if *target != nil {
				return nil, conflict()
			}
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			*target = &s
		case "header":
			if headerSet {
				return nil, conflict()
			}
			headerSet = true
			if err := o.setHeader(d, isFrom); err != nil {
				return nil, err
			}
		case "force_quote":
			if forceQuoteSet {
				return nil, conflict()
			}
			forceQuoteSet = true
			if d.Arg != nil && d.Arg.GetAStar() != nil {
				o.forceQuoteAll = true
				break
			}
			cols, err := defColumnList(d)
			if err != nil {
				return nil, err
			}
			o.forceQuote = cols
		case "force_not_null", "force_null":
			set := &forceNotNullSet
			dst := &o.forceNotNull
			if d.Defname == "force_null" {
				set, dst = &forceNullSet, &o.forceNull
			}
			if *set {
				return nil, conflict()
			}
			*set = true
			cols, err := defColumnList(d)
			if err != nil {
				return nil, err
			}
			*dst = cols
		case "encoding":
			if o.encodingSet {
				return nil, conflict()
			}
			o.encodingSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			enc, ok := pgenc.Lookup(s)
			if !ok {
				return nil, pgerror.Newf(pgcode.InvalidParameterValue, "argument to option \"%s\" must be a valid encoding name", d.Defname).WithPosition(pos)
			}
			if o.encoding, err = copyEncoding(enc); err != nil {
				return nil, err
			}
		default:
			return nil, pgerror.Newf(pgcode.Syntax, "option \"%s\" not recognized", d.Defname).WithPosition(pos)
		}
	}
	return o, o.finish(isFrom, delim, null, quote, escape)
}

// finish checks the combination of options and sets the defaults, in
// ProcessCopyOptions's order (which decides the error a client sees
// first).
func (o *copyOptions) finish(isFrom bool, delim, null, quote, escape *string) error {
	binary, csv := o.format == copyBinary, o.format == copyCSV
	if binary && delim != nil {
		return pgerror.New(pgcode.Syntax, "cannot specify DELIMITER in BINARY mode")
	}
	if binary && null != nil {
		return pgerror.New(pgcode.Syntax, "cannot specify NULL in BINARY mode")
	}
	d := "\t"
	if csv {
		d = ","
	}
	if delim != nil {
		d = *delim
	}
	o.null = `\N`
	if csv {
		o.null = ""
	}
	if null != nil {
		o.null = *null
	}
	if csv {
		if quote == nil {
			q := `"`
			quote = &q
		}
		if escape == nil {
			escape = quote
		}
	}
	if len(d) != 1 {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
	}
	o.delim = d[0]
	if o.delim == '\r' || o.delim == '\n' {
		return pgerror.New(pgcode.InvalidParameterValue, "COPY delimiter cannot be newline or carriage return")
	}
	if strings.ContainsAny(o.null, "\r\n") {
		return pgerror.New(pgcode.InvalidParameterValue, "COPY null representation cannot use newline or carriage return")
	}
	// A backslash would be ambiguous in text mode, and letters and digits
	// can follow a backslash in an escape.
	if !csv && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, o.delim) >= 0 {
		return pgerror.Newf(pgcode.InvalidParameterValue, "COPY delimiter cannot be \"%s\"", d)
	}
	if binary && o.header {
		return pgerror.New(pgcode.FeatureNotSupported, "cannot specify HEADER in BINARY mode")
	}
	if !csv && quote != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY quote available only in CSV mode")
	}
	if csv && len(*quote) != 1 {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY quote must be a single one-byte character")
	}
	if csv && o.delim == (*quote)[0] {
		return pgerror.New(pgcode.InvalidParameterValue, "COPY delimiter and quote must be different")
	}
	if !csv && escape != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY escape available only in CSV mode")
	}
	if csv && len(*escape) != 1 {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY escape must be a single one-byte character")
	}
	if csv {
		o.quote, o.escape = (*quote)[0], (*escape)[0]
	}
	forceQuote := o.forceQuoteAll || o.forceQuote != nil
	if !csv && forceQuote {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force quote available only in CSV mode")
	}
	if forceQuote && isFrom {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force quote only available using COPY TO")
	}
	if !csv && o.forceNotNull != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force not null available only in CSV mode")
	}
	if o.forceNotNull != nil && !isFrom {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force not null only available using COPY FROM")
	}
	if !csv && o.forceNull != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force null available only in CSV mode")
	}
	if o.forceNull != nil && !isFrom {
		return pgerror.New(pgcode.FeatureNotSupported, "COPY force null only available using COPY FROM")
	}
	if strings.IndexByte(o.null, o.delim) >= 0 {
		return pgerror.New(pgcode.InvalidParameterValue, "COPY delimiter must not appear in the NULL specification")
	}
	if csv && strings.IndexByte(o.null, o.quote) >= 0 {
		return pgerror.New(pgcode.InvalidParameterValue, "CSV quote character must not appear in the NULL specification")
	}
	return nil
}

// setHeader reads HEADER: a Boolean, or MATCH (COPY FROM only).
func (o *copyOptions) setHeader(d *pg_query.DefElem, isFrom bool) error {
	if d.Arg == nil {
		o.header = true
		return nil
	}
	switch a := d.Arg.Node.(type) {
	case *pg_query.Node_Integer:
		switch a.Integer.Ival {
		case 0:
			return nil
		case 1:
			o.header = true
			return nil
		}
	case *pg_query.Node_Boolean:
		o.header = a.Boolean.Boolval
		return nil
	case *pg_query.Node_String_:
		s := strings.ToLower(a.String_.Sval)
		if b, ok := parseBoolWord(s); ok {
			o.header = b
			return nil
		}
		if s == "match" {
			if !isFrom {
				return pgerror.Newf(pgcode.FeatureNotSupported, "cannot use \"%s\" with HEADER in COPY TO", a.String_.Sval)
			}
			o.header, o.headerMatch = true, true
			return nil
		}
	}
	return pgerror.Newf(pgcode.Syntax, "%s requires a Boolean value or \"match\"", d.Defname)
}

// parseBoolWord reads the Boolean words of an option (defGetBoolean).
func parseBoolWord(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "on":
		return true, true
	case "false", "off":
		return false, true
	}
	return false, false
}

// defString is PostgreSQL's defGetString.
func defString(d *pg_query.DefElem) (string, error) {
	if d.Arg == nil {
		return "", pgerror.Newf(pgcode.Syntax, "%s requires a parameter", d.Defname)
	}
	switch a := d.Arg.Node.(type) {
	case *pg_query.Node_String_:
		return a.String_.Sval, nil
	case *pg_query.Node_Integer:
		return strconv.Itoa(int(a.Integer.Ival)), nil
	case *pg_query.Node_Float:
		return a.Float.Fval, nil
	case *pg_query.Node_Boolean:
		if a.Boolean.Boolval {
			return "true", nil
		}
		return "false", nil
	case *pg_query.Node_AStar:
		return "*", nil
	}
	return "", pgerror.Newf(pgcode.Syntax, "%s requires a parameter", d.Defname)
}

// defBool is PostgreSQL's defGetBoolean.
func defBool(d *pg_query.DefElem) (bool, error) {
	if d.Arg == nil {
		return true, nil
	}
	switch a := d.Arg.Node.(type) {
	case *pg_query.Node_Integer:
		switch a.Integer.Ival {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
	case *pg_query.Node_Boolean:
		return a.Boolean.Boolval, nil
	case *pg_query.Node_String_:
		if b, ok := parseBoolWord(a.String_.Sval); ok {
			return b, nil
		}
	}
	return false, pgerror.Newf(pgcode.Syntax, "%s requires a Boolean value", d.Defname)
}

// defColumnList reads the column list of a FORCE_* option.
func defColumnList(d *pg_query.DefElem) ([]string, error) {
	l := d.Arg.GetList()
	if l == nil {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "argument to option \"%s\" must be a list of column names", d.Defname).
			WithPosition(int(d.Location) + 1)
	}
	out := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		out = append(out, it.GetString_().Sval)
	}
	return out, nil
}

// dataEncoding is the encoding of the COPY's data as it runs: its
// ENCODING, or else the session's client_encoding, as in PostgreSQL
// (nil: UTF-8, no conversion).
func (o *copyOptions) dataEncoding(s *Session) *pgenc.Encoding {
	if o.encodingSet {
		return o.encoding
	}
	return s.ClientEncoding()
}

// checkBinaryEncoding refuses binary COPY under a client encoding that
// converts: PostgreSQL converts the text fields of binary data too,
// which stela does not, and sending or taking them as UTF-8 would be
// silently wrong.
func (o *copyOptions) checkBinaryEncoding(s *Session) error {
	if o.format != copyBinary {
		return nil
	}
	if e := s.ClientEncoding(); e != nil {
		return pgerror.Newf(pgcode.FeatureNotSupported, "COPY BINARY with client_encoding %s is not supported", e.Name).
			WithHint("Use the text or CSV format, or client_encoding UTF8.")
	}
	return nil
}

// copyEncoding is the conversion ENCODING asks for: nil for UTF-8 and
// SQL_ASCII, which need none; 0A000 for an encoding stela does not
// convert. SQL_ASCII data is checked as UTF-8, stricter than PostgreSQL,
// which stores its bytes unchecked in a UTF-8 database: stela's text is
// always valid UTF-8.
func copyEncoding(e *pgenc.Encoding) (*pgenc.Encoding, error) {
	if !e.Converts() {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "COPY with ENCODING %s is not supported", e.Name).
			WithHint("stela converts COPY data of UTF8, SQL_ASCII and the single-byte encodings.")
	}
	if !e.NeedsConversion() {
		return nil, nil
	}
	return e, nil
}
