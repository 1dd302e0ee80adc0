package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// to_char of dates and times (PostgreSQL's DCH_to_char): the template is
// read left to right; at each place the longest template pattern that
// matches (HH24, YYYY, Month ...) prints a field of the value, anything
// else is copied as it is, a double-quoted string without its quotes
// (a backslash in it takes the next character literally), and \" is a
// double quote. Fields print zero-padded to their width and names
// blank-padded to the longest name, unless FM (fill mode) precedes the
// pattern; a TH or th after a number adds its ordinal suffix. Names are
// English, as in PostgreSQL's C locale, with TM or not. A date is read
// as a timestamptz, as PostgreSQL's resolution of to_char(date, text)
// does. Intervals go through the same template reading, with their own
// fields (tochar_interval.go).

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	addFunc("to_char", fn(t(types.TimestampType, types.Text), types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		ts := int64(a[0].(types.Timestamp))
		if ts == math.MaxInt64 || ts == math.MinInt64 {
			return nil, nil // PostgreSQL: NULL for infinity
		}
		tm, ok := timestamp2tm(ts)
		if !ok {
			return nil, errTimestampRange
		}
		return formatDateTime(&tm, false, false, a[1].(string))
	}))
	addFunc("to_char", fn(t(types.TimestampTZType, types.Text), types.Text, func(c *Context, a []types.Datum) (types.Datum, error) {
		ts := int64(a[0].(types.TimestampTZ))
		if ts == math.MaxInt64 || ts == math.MinInt64 {
			return nil, nil
		}
		tm, ok := timestamptz2tm(ts, c.location())
		if !ok {
			return nil, errTimestampRange
		}
		return formatDateTime(&tm, true, false, a[1].(string))
	}))
}

// dchField is a template pattern: a field of the value and how it
// prints.
type dchField int

const (
	dchNone dchField = iota
	dchAD            // AD/BC, A.D./B.C.
	dchAM            // AM/PM, A.M./P.M.
	dchCC
	dchDay // full weekday name
	dchDY  // abbreviated weekday name
	dchDDD
	dchDD
	dchD
	dchFF // FF1..FF6: width in dchPattern.n
	dchHH24
	dchHH12
	dchIDDD
	dchID
	dchIW
	dchJ
	dchMI
	dchMM
	dchMonth // full month name
	dchMon   // abbreviated month name
	dchMS
	dchOF
	dchQ
	dchRM
	dchSSSS
	dchSS
	dchTZH
	dchTZM
	dchTZ
	dchUS
	dchWW
	dchW
	dchFX // fixed format, for to_timestamp: prints nothing
	dchYCommaYYY
	dchYear    // YYYY, YYY, YY, Y: digits in dchPattern.n
	dchISOYear // IYYY, IYY, IY, I
)

// letterCase is how a name prints: UPPER, Capitalized or lower.
type letterCase int

const (
	caseUpper letterCase = iota
	caseCapital
	caseLower
)

type dchPattern struct {
	text  string
	field dchField
	lc    letterCase
	dots  bool // A.M., B.C.
	n     int  // FF's digits; a year's, 4 for all of them
}

// dchPatterns are the template patterns, spelled as PostgreSQL matches
// them: numeric fields in upper or lower case, names in the case they
// print in.
var dchPatterns = func() []dchPattern {
	var ps []dchPattern
	both := func(text string, f dchField, n int) {
		ps = append(ps, dchPattern{text: text, field: f, n: n}, dchPattern{text: strings.ToLower(text), field: f, lc: caseLower, n: n})
	}
	for _, p := range []struct {
		text string
		f    dchField
	}{
		{"CC", dchCC}, {"DDD", dchDDD}, {"DD", dchDD}, {"D", dchD}, {"HH24", dchHH24}, {"HH12", dchHH12},
		{"HH", dchHH12}, {"IDDD", dchIDDD}, {"ID", dchID}, {"IW", dchIW}, {"J", dchJ}, {"MI", dchMI},
		{"MM", dchMM}, {"MS", dchMS}, {"OF", dchOF}, {"Q", dchQ}, {"SSSSS", dchSSSS}, {"SSSS", dchSSSS},
		{"SS", dchSS}, {"TZH", dchTZH}, {"TZM", dchTZM}, {"US", dchUS}, {"WW", dchWW}, {"W", dchW},
		{"Y,YYY", dchYCommaYYY}, {"RM", dchRM}, {"TZ", dchTZ}, {"FX", dchFX},
	} {
		both(p.text, p.f, 0)
	}
	for i := 1; i <= 6; i++ {
		both("FF"+strconv.Itoa(i), dchFF, i)
	}
	for i := 1; i <= 4; i++ {
		both(strings.Repeat("Y", i), dchYear, i)
		both("I"+strings.Repeat("Y", i-1), dchISOYear, i)
	}
	for _, p := range []struct {
		upper string
		f     dchField
	}{{"DAY", dchDay}, {"DY", dchDY}, {"MONTH", dchMonth}, {"MON", dchMon}} {
		ps = append(ps, dchPattern{text: p.upper, field: p.f},
			dchPattern{text: p.upper[:1] + strings.ToLower(p.upper[1:]), field: p.f, lc: caseCapital},
			dchPattern{text: strings.ToLower(p.upper), field: p.f, lc: caseLower})
	}
	for _, p := range []struct {
		text string
		f    dchField
	}{{"AD", dchAD}, {"BC", dchAD}, {"AM", dchAM}, {"PM", dchAM}} {
		dotted := p.text[:1] + "." + p.text[1:] + "."
		both(p.text, p.f, 0)
		ps = append(ps, dchPattern{text: dotted, field: p.f, dots: true},
			dchPattern{text: strings.ToLower(dotted), field: p.f, lc: caseLower, dots: true})
	}
	return ps
}()

// dchByFirst lists the template patterns by their first byte: a
// template is matched at every place, for every row.
var dchByFirst = func() (by [256][]*dchPattern) {
	for i := range dchPatterns {
		p := &dchPatterns[i]
		by[p.text[0]] = append(by[p.text[0]], p)
	}
	return by
}()

// matchPattern returns the longest template pattern at the start of s.
func matchPattern(s string) *dchPattern {
	var best *dchPattern
	for _, p := range dchByFirst[s[0]] {
		if strings.HasPrefix(s, p.text) && (best == nil || len(p.text) > len(best.text)) {
			best = p
		}
	}
	return best
}

var (
	monthNames   = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	weekdayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonths  = [12]string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
)

// formatDateTime is to_char of the broken-down time tm (with a zone
// when zoned) by template; when interval, tm is an interval's fields
// (PostgreSQL's is_interval) and prints by writeIntervalField.
func formatDateTime(tm *pgTm, zoned, interval bool, template string) (types.Datum, error) {
	if template == "" {
		return nil, nil // PostgreSQL: NULL for an empty template
	}
	var out strings.Builder
	s := template
	for len(s) > 0 {
		fm, tmode := false, false
		// One prefix modifier, as PostgreSQL reads them: FM, TM.
		if len(s) >= 2 {
			switch s[:2] {
			case "FM", "fm":
				fm, s = true, s[2:]
			case "TM", "tm":
				tmode, s = true, s[2:]
			}
		}
		if s == "" {
			break // a modifier at the end modifies nothing
		}
		if p := matchPattern(s); p != nil {
			s = s[len(p.text):]
			// One suffix: TH or th, or SP (spell mode, which PostgreSQL
			// reads and ignores).
			var th string
			if len(s) >= 2 {
				switch s[:2] {
				case "TH", "th":
					th, s = s[:2], s[2:]
				case "SP":
					s = s[2:]
				}
			}
			write := tm.writeField
			if interval {
				write = tm.writeIntervalField
			}
			if err := write(&out, p, zoned, fm || tmode && isName(p.field), th); err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case s[0] == '"':
			s = s[1:]
			for len(s) > 0 && s[0] != '"' {
				if s[0] == '\\' && len(s) > 1 {
					s = s[1:]
				}
				out.WriteByte(s[0])
				s = s[1:]
			}
			if len(s) > 0 {
				s = s[1:] // the closing quote
			}
		case s[0] == '\\' && len(s) > 1 && s[1] == '"':
			out.WriteByte('"')
			s = s[2:]
		default:
			out.WriteByte(s[0])
			s = s[1:]
		}
	}
	return out.String(), nil
}

// isName reports whether a field prints a name (TM turns its padding
// off, as PostgreSQL's translated names are never padded).
func isName(f dchField) bool {
	return f == dchDay || f == dchDY || f == dchMonth || f == dchMon
}

// writeField prints field p of tm: fm drops the padding, th (TH or th)
// adds a number's ordinal suffix.
func (tm *pgTm) writeField(out *strings.Builder, p *dchPattern, zoned, fm bool, th string) error {
	num := func(v int64, width int) {
		if fm {
			width = 0
		}
		s := strconv.FormatInt(abs64(v), 10)
		if v < 0 {
			out.WriteByte('-') // before the digits' width, as PostgreSQL pads
		}
		for i := len(s); i < width; i++ {
			out.WriteByte('0')
		}
		out.WriteString(s)
		if th != "" {
			out.WriteString(ordinal(s, th == "TH"))
		}
	}
	name := func(s string, width int) {
		switch p.lc {
		case caseUpper:
			s = strings.ToUpper(s)
		case caseLower:
			s = strings.ToLower(s)
		}
		out.WriteString(s)
		if !fm {
			for i := len(s); i < width; i++ {
				out.WriteByte(' ')
			}
		}
	}
	// yearDigits prints a year's last n digits, or all of them for 4.
	yearDigits := func(y int64, n int) {
		if n < 4 {
			y %= int64(math.Pow10(n))
		}
		num(y, n)
	}
	year := tm.year
	if year <= 0 {
		year = 1 - year // there is no year 0: 1 BC is 0 here
	}
	jd := date2j(tm.year, tm.mon, tm.mday)
	dow := j2day(jd)
	yday := jd - date2j(tm.year, 1, 1) + 1
	if p.field == dchMS || p.field == dchUS || p.field == dchFF {
		fm = false // fractions print every digit, FM or not (PostgreSQL)
	}
	switch p.field {
	case dchHH24:
		num(tm.hour, 2)
	case dchHH12:
		h := tm.hour % 12
		if h == 0 {
			h = 12
		}
		num(h, 2)
	case dchMI:
		num(tm.min, 2)
	case dchSS:
		num(tm.sec, 2)
	case dchMS:
		num(tm.fsec/1000, 3)
	case dchUS:
		num(tm.fsec, 6)
	case dchFF:
		num(tm.fsec/int64(math.Pow10(6-p.n)), p.n)
	case dchSSSS:
		num(tm.hour*3600+tm.min*60+tm.sec, 0)
	case dchAM:
		word := "AM"
		if tm.hour >= 12 {
			word = "PM"
		}
		name(dotted(word, p.dots), 0)
	case dchAD:
		word := "AD"
		if tm.year <= 0 {
			word = "BC"
		}
		name(dotted(word, p.dots), 0)
	case dchTZ:
		if zoned {
			name(tm.zone, 0)
		}
	case dchTZH:
		out.WriteString(offsetSign(tm.gmtoff))
		num(abs64(tm.gmtoff)/3600, 2)
	case dchTZM:
		num(abs64(tm.gmtoff)%3600/60, 2)
	case dchOF:
		th = "" // PostgreSQL prints no ordinal after an offset
		out.WriteString(offsetSign(tm.gmtoff))
		num(abs64(tm.gmtoff)/3600, 2)
		if m := abs64(tm.gmtoff) % 3600 / 60; m != 0 {
			out.WriteByte(':')
			num(m, 2)
		}
	case dchYCommaYYY:
		out.WriteString(strconv.FormatInt(year/1000, 10) + "," + leftPad(strconv.FormatInt(year%1000, 10), 3))
		if th != "" {
			out.WriteString(ordinal(strconv.FormatInt(year, 10), th == "TH"))
		}
	case dchYear:
		yearDigits(year, p.n)
	case dchISOYear:
		iy := date2isoyear(tm.year, tm.mon, tm.mday)
		if iy <= 0 {
			iy = 1 - iy
		}
		yearDigits(iy, p.n)
	case dchCC:
		cc := tm.year/100 - 1 // 6 BC is century -1 ... as PostgreSQL counts
		if tm.year > 0 {
			cc = (tm.year-1)/100 + 1
		}
		num(cc, 2)
	case dchQ:
		num((tm.mon-1)/3+1, 0)
	case dchMM:
		num(tm.mon, 2)
	case dchMonth:
		name(monthNames[tm.mon-1], 9)
	case dchMon:
		name(monthNames[tm.mon-1][:3], 0)
	case dchRM:
		name(romanMonths[tm.mon-1], 4)
	case dchDD:
		num(tm.mday, 2)
	case dchDDD:
		num(yday, 3)
	case dchIDDD:
		iy := date2isoyear(tm.year, tm.mon, tm.mday)
		num(jd-isoweek2j(iy, 1)+1, 3)
	case dchD:
		num(dow+1, 0)
	case dchID:
		if dow == 0 {
			dow = 7
		}
		num(dow, 0)
	case dchDay:
		name(weekdayNames[dow], 9)
	case dchDY:
		name(weekdayNames[dow][:3], 0)
	case dchW:
		num((tm.mday-1)/7+1, 0)
	case dchWW:
		num((yday-1)/7+1, 2)
	case dchIW:
		num(date2isoweek(tm.year, tm.mon, tm.mday), 2)
	case dchJ:
		num(jd, 0)
	case dchFX:
	default:
		return pgerror.Newf(pgcode.Internal, "to_char: pattern \"%s\" has no field", p.text)
	}
	return nil
}

func dotted(word string, dots bool) string {
	if !dots {
		return word
	}
	return word[:1] + "." + word[1:] + "."
}

func offsetSign(off int64) string {
	if off < 0 {
		return "-"
	}
	return "+"
}

func leftPad(s string, width int) string {
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// ordinal is the suffix of the number whose digits are s: st, nd, rd or
// th (11th to 13th), in upper case for TH.
func ordinal(s string, upper bool) string {
	suffix := "th"
	if n := len(s); n > 0 && (n < 2 || s[n-2] != '1') {
		switch s[n-1] {
		case '1':
			suffix = "st"
		case '2':
			suffix = "nd"
		case '3':
			suffix = "rd"
		}
	}
	if upper {
		return strings.ToUpper(suffix)
	}
	return suffix
}
