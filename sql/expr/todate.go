package expr

import (
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// to_date(text, text) and to_timestamp(text, text), as PostgreSQL 15's
// do_to_timestamp and DCH_from_char read a string by a template in the
// C locale.
//
// The template is cut into nodes as to_char reads it (the patterns of
// tochar.go, each with an optional FM or TM prefix and TH, th or SP
// suffix; double-quoted literal characters; separators, which are ASCII
// punctuation; spaces). The nodes then consume the input left to right:
//
//   - A numeric pattern reads exactly its width (a sign counts), unless
//     it has FM or the next node cannot start with a digit (a separator,
//     a name, the template's end): then it reads as many digits as C's
//     strtol does, so "2024-1-5" fits YYYY-MM-DD.
//   - A name (Month, Mon, Day, Dy, AM, A.M., AD, B.C., RM) matches the
//     first of its English spellings that prefixes the input, ignoring
//     case; TM changes nothing in the C locale.
//   - Outside FX mode, spaces before and after a field are skipped; a
//     template separator or space consumes one separator or space of the
//     input if there is one there, and nothing otherwise; a literal
//     character consumes one input character, unless spaces beyond the
//     template's were just skipped (they stand in for it). After FX, every
//     non-pattern node consumes exactly one character, whatever it is.
//
// Reading stops as soon as the input or the template runs out; the rest
// of the other is ignored. Each value fills a slot of tmFromChar in which
// 0 means "not given" (so month 00 is no month, as in PostgreSQL), and
// filling a slot twice with different values is an error. The slots are
// then combined in PostgreSQL's order: seconds of the day, then hour,
// minute, second, the 12-hour clock; the year with CC, BC and the
// century guess for short years; a Julian day; an ISO or Gregorian week;
// day of month, month, day of year. The date is range-checked only for
// the fields given, the time always. The slots and their arithmetic are
// C ints, wrapping as PostgreSQL 15's do (it has no overflow checks
// there). A date without a year is in year 0, 1 BC.
//
// to_date drops the time. to_timestamp reads the wall clock in the
// session's time zone unless TZH or TZM gave an offset; FF1..FF6 round
// the result to their digits. TZ and OF are only for to_char in
// PostgreSQL 15.

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	addFunc("to_date", fn(t(types.Text, types.Text), types.DateType, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return toDate(a[0].(string), a[1].(string))
	}))
	// to_timestamp(float8) is in funcs_datetime.go.
	addFunc("to_timestamp", fn(t(types.Text, types.Text), types.TimestampTZType, func(c *Context, a []types.Datum) (types.Datum, error) {
		return toTimestamp(a[0].(string), a[1].(string), c.location())
	}))
}

// parsedDateTime is what do_to_timestamp returns: broken-down local
// fields, the offset east of UTC when the input gave one, and FFn's n.
type parsedDateTime struct {
	tm      pgTm // fsec in microseconds
	hasZone bool
	gmtoff  int64
	fprec   int32
}

func toDate(input, template string) (types.Datum, error) {
	p, err := parseDateTime(input, template)
	if err != nil {
		return nil, err
	}
	tm := &p.tm
	if !validJulian(tm.year, tm.mon, tm.mday) {
		return nil, errToDateRange(input)
	}
	date := date2j(tm.year, tm.mon, tm.mday) - pgEpochJDate
	if date < -pgEpochJDate || date >= dateEndJulian-pgEpochJDate {
		return nil, errToDateRange(input)
	}
	return types.Date(date), nil
}

// dateEndJulian is PostgreSQL's DATE_END_JULIAN: the first Julian day
// past the date type.
const dateEndJulian = 2147483494

func errToDateRange(input string) error {
	return pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: \"%s\"", input)
}

// toTimestamp reads the wall clock in loc unless the input gives an
// offset.
func toTimestamp(input, template string, loc *time.Location) (types.Datum, error) {
	p, err := parseDateTime(input, template)
	if err != nil {
		return nil, err
	}
	local, ok := p.localMicros()
	if !ok {
		return nil, errTimestampRange
	}
	var ts int64
	if p.hasZone {
		ts = local - p.gmtoff*usPerSec
	} else {
		ts = local - zoneOffsetAt(local, loc)*usPerSec
	}
	if ts < minTimestamp || ts >= endTimestamp {
		return nil, errTimestampRange
	}
	if p.fprec > 0 {
		ts = roundMicrosTo(ts, p.fprec)
	}
	return types.TimestampTZ(ts), nil
}

// localMicros is the wall-clock time as microseconds since 2000-01-01.
// It is not checked against the timestamp range, which an offset may
// still bring it into, only for overflow, as PostgreSQL's tm2timestamp
// does.
func (p *parsedDateTime) localMicros() (int64, bool) {
	tm := &p.tm
	if !validJulian(tm.year, tm.mon, tm.mday) {
		return 0, false
	}
	date := date2j(tm.year, tm.mon, tm.mday) - pgEpochJDate
	t := ((tm.hour*60+tm.min)*60+tm.sec)*usPerSec + tm.fsec
	r := date*usPerDay + t
	if (r-t)/usPerDay != date || r < 0 && date > 0 || r > 0 && date < -1 {
		return 0, false
	}
	return r, true
}

// roundMicrosTo rounds a timestamp to digits fractional digits, halves
// away from zero (AdjustTimestampForTypmod).
func roundMicrosTo(ts int64, digits int32) int64 {
	if digits >= 6 {
		return ts
	}
	scale := int64(1)
	for i := digits; i < 6; i++ {
		scale *= 10
	}
	if ts >= 0 {
		return (ts + scale/2) / scale * scale
	}
	return -((-ts + scale/2) / scale * scale)
}

// dchNodeKind is what a template node is.
type dchNodeKind uint8

const (
	nodeAction    dchNodeKind = iota // a pattern
	nodeChar                         // any other character, or one in quotes
	nodeSeparator                    // ASCII punctuation outside quotes
	nodeSpace                        // white space outside quotes
)

// dchNode is one node of a parsed template (PostgreSQL's FormatNode).
type dchNode struct {
	kind dchNodeKind
	pat  *dchPattern // for nodeAction
	fm   bool        // FM prefix: numbers take as many digits as there are
	th   bool        // TH or th suffix: two characters skipped after the number
	ch   string      // the character of a non-action node
}

// parseDateTemplate cuts a template into nodes as PostgreSQL's
// parse_format does for to_timestamp.
func parseDateTemplate(s string) []dchNode {
	var nodes []dchNode
	for len(s) > 0 {
		// One prefix, even before something that is not a pattern (it is
		// then dropped).
		fm := false
		if len(s) >= 2 {
			switch s[:2] {
			case "FM", "fm":
				fm, s = true, s[2:]
			case "TM", "tm":
				s = s[2:]
			}
		}
		if s == "" {
			break
		}
		if p := matchPattern(s); p != nil {
			s = s[len(p.text):]
			n := dchNode{kind: nodeAction, pat: p, fm: fm}
			if len(s) >= 2 {
				switch s[:2] {
				case "TH", "th":
					n.th, s = true, s[2:]
				case "SP": // accepted and ignored, as in PostgreSQL
					s = s[2:]
				}
			}
			nodes = append(nodes, n)
			continue
		}
		if s[0] == '"' {
			nodes, s = appendQuoted(nodes, s[1:])
			continue
		}
		// Outside quotes a backslash is only special before a quote.
		if s[0] == '\\' && len(s) > 1 && s[1] == '"' {
			s = s[1:]
		}
		l := types.MBLen(s)
		n := dchNode{kind: nodeChar, ch: s[:l]}
		switch {
		case isSeparatorChar(s[0]):
			n.kind = nodeSeparator
		case isCSpace(s[0]):
			n.kind = nodeSpace
		}
		nodes = append(nodes, n)
		s = s[l:]
	}
	return nodes
}

// appendQuoted adds the characters of a double-quoted string (s starts
// after the opening quote) as literal nodes, and returns the rest of the
// template after the closing quote. A backslash takes the next character
// literally.
func appendQuoted(nodes []dchNode, s string) ([]dchNode, string) {
	for len(s) > 0 {
		if s[0] == '"' {
			return nodes, s[1:]
		}
		if s[0] == '\\' && len(s) > 1 {
			s = s[1:]
		}
		l := types.MBLen(s)
		nodes = append(nodes, dchNode{kind: nodeChar, ch: s[:l]})
		s = s[l:]
	}
	return nodes, s
}

// Date conventions of the patterns (FromCharDateMode): a template may
// use Gregorian fields or ISO week fields, not both.
const (
	dateModeNone = iota
	dateModeGregorian
	dateModeISOWeek
)

// tmFromChar holds the values read, as PostgreSQL's TmFromChar: C ints,
// 0 for not given.
type tmFromChar struct {
	mode                       int
	hh, pm, mi, ss, ssss       int32
	d, dd, ddd, mm, ms         int32 // d: day of the week, Sunday 1
	year, bc, ww, w, cc, j, us int32
	yysz                       int32 // digits of the year pattern: 4 for YYYY, 2 for YY ...
	clock12                    bool
	tzsign, tzh, tzm           int32
	ff                         int32 // n of the last FFn
}

// parseDateTime is do_to_timestamp: read the input, then combine the
// values into local date and time fields.
func parseDateTime(input, template string) (*parsedDateTime, error) {
	r := dchReader{in: input, nodes: parseDateTemplate(template)}
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.out.combine(input)
}

// dchReader walks the input along the template nodes (DCH_from_char).
type dchReader struct {
	in    string
	pos   int
	nodes []dchNode
	fx    bool
	// extraSkip counts the spaces skipped beyond what the template asked
	// for: a literal character then consumes one of them instead of an
	// input character, and a minus among them may be TZH's sign.
	extraSkip int
	out       tmFromChar
}

func (r *dchReader) read() error {
	for i := 0; i < len(r.nodes) && r.pos < len(r.in); i++ {
		n := &r.nodes[i]
		isFX := n.kind == nodeAction && n.pat.field == dchFX
		if !r.fx && !isFX && (n.kind == nodeAction || i == 0) {
			r.skipSpaces()
		}
		switch n.kind {
		case nodeSpace, nodeSeparator:
			r.readSeparator()
			continue
		case nodeChar:
			r.readChar()
			continue
		}
		if err := r.out.setMode(n.pat.field.dateMode()); err != nil {
			return err
		}
		if err := r.readField(i); err != nil {
			return err
		}
		if !r.fx {
			r.extraSkip = 0
			r.skipSpaces()
		}
	}
	return nil
}

// peek is the input byte at the current position; 0, as C's string
// terminator, at the end.
func (r *dchReader) peek() byte {
	if r.pos < len(r.in) {
		return r.in[r.pos]
	}
	return 0
}

// skipSpaces skips white space, counting it in extraSkip.
func (r *dchReader) skipSpaces() {
	for r.pos < len(r.in) && isCSpace(r.in[r.pos]) {
		r.pos++
		r.extraSkip++
	}
}

// readSeparator consumes input for a template separator or space: one
// space or separator if there is one (any character in FX mode).
func (r *dchReader) readSeparator() {
	if r.fx {
		r.pos += types.MBLen(r.in[r.pos:])
		return
	}
	r.extraSkip--
	if c := r.peek(); isCSpace(c) || isSeparatorChar(c) {
		r.pos++
		r.extraSkip++
	}
}

// readChar consumes one input character for a literal template
// character, which it need not match.
func (r *dchReader) readChar() {
	if !r.fx && r.extraSkip > 0 {
		// A skipped space stands for it: the character here may be the
		// start of the next field.
		r.extraSkip--
		return
	}
	r.pos += types.MBLen(r.in[r.pos:])
}

// setMode records the date convention of a pattern, refusing a mix.
func (f *tmFromChar) setMode(mode int) error {
	if mode == dateModeNone {
		return nil
	}
	if f.mode == dateModeNone {
		f.mode = mode
	} else if f.mode != mode {
		return pgerror.New(pgcode.InvalidDatetimeFormat, "invalid combination of date conventions").
			WithHint("Do not mix Gregorian and ISO week date conventions in a formatting template.")
	}
	return nil
}

// setSlot fills a slot, refusing a different value where one was given
// (from_char_set_int).
func setSlot(dest *int32, v int32, p *dchPattern) error {
	if *dest != 0 && *dest != v {
		return pgerror.Newf(pgcode.InvalidDatetimeFormat, "conflicting values for \"%s\" field in formatting string", p.text).
			WithDetail("This value contradicts a previous setting for the same field type.")
	}
	*dest = v
	return nil
}

func errFieldOverflow(input string) error {
	return pgerror.Newf(pgcode.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", input)
}

// combine turns the values read into local date and time fields, as the
// second half of do_to_timestamp does.
func (f *tmFromChar) combine(input string) (*parsedDateTime, error) {
	// PostgreSQL's ZERO_tm: year 0 (1 BC), January 1st, midnight.
	var y, mon, mday, hour, minute, sec int32 = 0, 1, 1, 0, 0, 0
	if err := f.combineTime(&hour, &minute, &sec); err != nil {
		return nil, err
	}
	var mask dateMask
	f.combineYear(&y, &mask)
	if err := f.combineDate(&y, &mon, &mday, &mask); err != nil {
		return nil, err
	}
	// fsec is an int32 in PostgreSQL: ms*1000 may wrap.
	fsec := f.ms*1000 + f.us
	if !checkDateFields(mask, y, mon, mday) {
		return nil, errFieldOverflow(input)
	}
	if hour < 0 || hour >= 24 || minute < 0 || minute >= 60 || sec < 0 || sec >= 60 || fsec < 0 || fsec >= usPerSec {
		return nil, errFieldOverflow(input)
	}
	p := &parsedDateTime{
		tm:    pgTm{year: int64(y), mon: int64(mon), mday: int64(mday), hour: int64(hour), min: int64(minute), sec: int64(sec), fsec: int64(fsec)},
		fprec: f.ff,
	}
	if f.tzsign != 0 {
		if f.tzh < 0 || f.tzh > 15 || f.tzm < 0 || f.tzm >= 60 {
			return nil, pgerror.Newf(pgcode.InvalidTimeZoneDisplacement, "time zone displacement out of range: \"%s\"", input)
		}
		p.hasZone = true
		p.gmtoff = int64(f.tzsign) * (int64(f.tzh)*3600 + int64(f.tzm)*60)
	}
	return p, nil
}

// combineTime sets the time of day: seconds of the day first, then the
// separate fields over them, then the 12-hour clock.
func (f *tmFromChar) combineTime(hour, minute, sec *int32) error {
	if f.ssss != 0 {
		*hour, *minute, *sec = f.ssss/3600, f.ssss%3600/60, f.ssss%60
	}
	if f.ss != 0 {
		*sec = f.ss
	}
	if f.mi != 0 {
		*minute = f.mi
	}
	if f.hh != 0 {
		*hour = f.hh
	}
	if !f.clock12 {
		return nil
	}
	if *hour < 1 || *hour > 12 {
		return pgerror.Newf(pgcode.InvalidDatetimeFormat, "hour \"%d\" is invalid for the 12-hour clock", *hour).
			WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
	}
	if f.pm != 0 && *hour < 12 {
		*hour += 12
	} else if f.pm == 0 && *hour == 12 {
		*hour = 0
	}
	return nil
}
