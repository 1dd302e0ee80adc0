package types

import "strings"

// The first half of PostgreSQL's date/time input: ParseDateTime splits
// the text into typed fields, which dtdecode.go then interprets. The
// field types, token classes and masks mirror datetime.c's so that the
// same inputs are accepted and the same ones refused.

// Field types produced by the tokenizer.
const (
	ftNumber  = iota // digits, possibly with a '.': "2024", "123.45", "20240131"
	ftString         // letters: "jan", "bc", "utc", "t"
	ftDate           // digits with '-', '/' or '.' separators, or a zone name with '/'
	ftTime           // digits with ':': "12:34:56.7"
	ftTZ             // a sign then digits: "+05:30", "-8", also "-1" in intervals
	ftSpecial        // a sign then letters: "-infinity"
)

// Token classes (PostgreSQL's type codes, whose bit positions are also
// the field masks, so they must keep these values).
const (
	tkReserv     = 0
	tkMonth      = 1
	tkYear       = 2
	tkDay        = 3
	tkJulian     = 4
	tkTZ         = 5
	tkDTZ        = 6
	tkDynTZ      = 7
	tkIgnore     = 8
	tkAmPm       = 9
	tkHour       = 10
	tkMinute     = 11
	tkSecond     = 12
	tkMillisec   = 13
	tkMicrosec   = 14
	tkDOY        = 15
	tkDOW        = 16
	tkUnits      = 17
	tkADBC       = 18
	tkAgo        = 19
	tkISOTime    = 23
	tkWeek       = 24
	tkDecade     = 25
	tkCentury    = 26
	tkMillennium = 27
	tkDTZMod     = 28
	tkUnknown    = 31
)

func mask(t int) int { return 1 << t }

var (
	dateMask    = mask(tkYear) | mask(tkMonth) | mask(tkDay)
	allSecsMask = mask(tkSecond) | mask(tkMillisec) | mask(tkMicrosec)
	timeMask    = mask(tkHour) | mask(tkMinute) | allSecsMask
)

// Values of reserved words and units (PostgreSQL's DTK_* codes for them).
const (
	dtkNone = iota
	dtkDate
	dtkEpoch
	dtkLate
	dtkEarly
	dtkNow
	dtkToday
	dtkTomorrow
	dtkYesterday
	dtkZulu
	dtkTime
	dtkYear
	dtkMonth
	dtkDay
	dtkHour
	dtkMinute
	dtkSecond
	dtkMillisec
	dtkMicrosec
	dtkWeek
	dtkDecade
	dtkCentury
	dtkMillennium
	dtkQuarter
	dtkJulian
	dtkDOW
	dtkDOY
	dtkISODOW
	dtkISOYear
	dtkTZ
	dtkTZHour
	dtkTZMinute

	am   = 0
	pm   = 1
	hr24 = 2
	ad   = 0
	bc   = 1
)

type dtToken struct {
	class int
	value int
}

// dateTokens is datetime.c's datetktbl: the words of date/time input.
var dateTokens = map[string]dtToken{
	"-infinity": {tkReserv, dtkEarly},
	"ad":        {tkADBC, ad},
	"allballs":  {tkReserv, dtkZulu},
	"am":        {tkAmPm, am},
	"apr":       {tkMonth, 4}, "april": {tkMonth, 4},
	"at":  {tkIgnore, 0},
	"aug": {tkMonth, 8}, "august": {tkMonth, 8},
	"bc":  {tkADBC, bc},
	"d":   {tkUnits, dtkDay},
	"dec": {tkMonth, 12}, "december": {tkMonth, 12},
	"dow":   {tkUnits, dtkDOW},
	"doy":   {tkUnits, dtkDOY},
	"dst":   {tkDTZMod, 3600},
	"epoch": {tkReserv, dtkEpoch},
	"feb":   {tkMonth, 2}, "february": {tkMonth, 2},
	"fri": {tkDOW, 5}, "friday": {tkDOW, 5},
	"h":        {tkUnits, dtkHour},
	"infinity": {tkReserv, dtkLate},
	"isodow":   {tkUnits, dtkISODOW},
	"isoyear":  {tkUnits, dtkISOYear},
	"j":        {tkUnits, dtkJulian},
	"jan":      {tkMonth, 1}, "january": {tkMonth, 1},
	"jd":  {tkUnits, dtkJulian},
	"jul": {tkMonth, 7}, "julian": {tkUnits, dtkJulian}, "july": {tkMonth, 7},
	"jun": {tkMonth, 6}, "june": {tkMonth, 6},
	"m":   {tkUnits, dtkMonth},
	"mar": {tkMonth, 3}, "march": {tkMonth, 3},
	"may": {tkMonth, 5},
	"mm":  {tkUnits, dtkMinute},
	"mon": {tkDOW, 1}, "monday": {tkDOW, 1},
	"nov": {tkMonth, 11}, "november": {tkMonth, 11},
	"now": {tkReserv, dtkNow},
	"oct": {tkMonth, 10}, "october": {tkMonth, 10},
	"on":  {tkIgnore, 0},
	"pm":  {tkAmPm, pm},
	"s":   {tkUnits, dtkSecond},
	"sat": {tkDOW, 6}, "saturday": {tkDOW, 6},
	"sep": {tkMonth, 9}, "sept": {tkMonth, 9}, "september": {tkMonth, 9},
	"sun": {tkDOW, 0}, "sunday": {tkDOW, 0},
	"t":   {tkISOTime, dtkTime},
	"thu": {tkDOW, 4}, "thur": {tkDOW, 4}, "thurs": {tkDOW, 4}, "thursday": {tkDOW, 4},
	"today":    {tkReserv, dtkToday},
	"tomorrow": {tkReserv, dtkTomorrow},
	"tue":      {tkDOW, 2}, "tues": {tkDOW, 2}, "tuesday": {tkDOW, 2},
	"wed": {tkDOW, 3}, "wednesday": {tkDOW, 3}, "weds": {tkDOW, 3},
	"y":         {tkUnits, dtkYear},
	"yesterday": {tkReserv, dtkYesterday},
}

// deltaTokens is datetime.c's deltatktbl: the words of interval input.
var deltaTokens = map[string]dtToken{
	"@":   {tkIgnore, 0},
	"ago": {tkAgo, 0},
	"c":   {tkUnits, dtkCentury}, "cent": {tkUnits, dtkCentury}, "centuries": {tkUnits, dtkCentury}, "century": {tkUnits, dtkCentury},
	"d": {tkUnits, dtkDay}, "day": {tkUnits, dtkDay}, "days": {tkUnits, dtkDay},
	"dec": {tkUnits, dtkDecade}, "decade": {tkUnits, dtkDecade}, "decades": {tkUnits, dtkDecade}, "decs": {tkUnits, dtkDecade},
	"h": {tkUnits, dtkHour}, "hour": {tkUnits, dtkHour}, "hours": {tkUnits, dtkHour}, "hr": {tkUnits, dtkHour}, "hrs": {tkUnits, dtkHour},
	"m": {tkUnits, dtkMinute}, "microsecon": {tkUnits, dtkMicrosec},
	"mil": {tkUnits, dtkMillennium}, "millennia": {tkUnits, dtkMillennium}, "millennium": {tkUnits, dtkMillennium}, "mils": {tkUnits, dtkMillennium},
	"millisecon": {tkUnits, dtkMillisec},
	"min":        {tkUnits, dtkMinute}, "mins": {tkUnits, dtkMinute}, "minute": {tkUnits, dtkMinute}, "minutes": {tkUnits, dtkMinute},
	"mon": {tkUnits, dtkMonth}, "mons": {tkUnits, dtkMonth}, "month": {tkUnits, dtkMonth}, "months": {tkUnits, dtkMonth},
	"ms": {tkUnits, dtkMillisec}, "msec": {tkUnits, dtkMillisec}, "mseconds": {tkUnits, dtkMillisec}, "msecs": {tkUnits, dtkMillisec},
	"qtr": {tkUnits, dtkQuarter}, "quarter": {tkUnits, dtkQuarter},
	"s": {tkUnits, dtkSecond}, "sec": {tkUnits, dtkSecond}, "second": {tkUnits, dtkSecond}, "seconds": {tkUnits, dtkSecond}, "secs": {tkUnits, dtkSecond},
	"timezone": {tkUnits, dtkTZ}, "timezone_h": {tkUnits, dtkTZHour}, "timezone_m": {tkUnits, dtkTZMinute},
	"us": {tkUnits, dtkMicrosec}, "usec": {tkUnits, dtkMicrosec}, "useconds": {tkUnits, dtkMicrosec}, "usecs": {tkUnits, dtkMicrosec},
	"w": {tkUnits, dtkWeek}, "week": {tkUnits, dtkWeek}, "weeks": {tkUnits, dtkWeek},
	"y": {tkUnits, dtkYear}, "year": {tkUnits, dtkYear}, "years": {tkUnits, dtkYear}, "yr": {tkUnits, dtkYear}, "yrs": {tkUnits, dtkYear},
}

// tokMaxLen is TOKMAXLEN: keyword lookups compare only this many bytes,
// so "microseconds" finds "microsecon".
const tokMaxLen = 10

func lookupToken(tbl map[string]dtToken, s string) (dtToken, bool) {
	if len(s) > tokMaxLen {
		s = s[:tokMaxLen]
	}
	t, ok := tbl[s]
	return t, ok
}

// dtField is one field of date/time input.
type dtField struct {
	text string // lower-cased where PostgreSQL lower-cases
	orig string // as written (zone names need their case for Go)
	typ  int
}

const maxDateFields = 25

// errBadFormat and friends are datetime.c's DTERR_* codes.
const (
	dtOK = iota
	dtBadFormat
	dtFieldOverflow
	dtMDFieldOverflow
	dtIntervalOverflow
	dtTZDispOverflow
)

func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isAlnum(c)
}

// parseDateTimeFields is ParseDateTime. bufLen is the size of the work
// buffer of the calling input function: PostgreSQL refuses input whose
// fields (each plus a terminator) do not fit in it.
func parseDateTimeFields(s string, bufLen int) ([]dtField, int) {
	fields := make([]dtField, 0, 6)
	used := 0
	var b strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		if isSpace(c) {
			i++
			continue
		}
		if len(fields) >= maxDateFields {
			return nil, dtBadFormat
		}
		b.Reset()
		start := i
		typ := 0
		appendLower := func() { b.WriteByte(lower(s[i])); i++ }
		appendRaw := func() { b.WriteByte(s[i]); i++ }
		switch {
		case isDigit(c):
			for i < len(s) && isDigit(s[i]) {
				appendRaw()
			}
			switch {
			case i < len(s) && s[i] == ':':
				typ = ftTime
				appendRaw()
				for i < len(s) && (isDigit(s[i]) || s[i] == ':' || s[i] == '.') {
					appendRaw()
				}
			case i < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == '.'):
				delim := s[i]
				appendRaw()
				if i < len(s) && isDigit(s[i]) {
					typ = ftDate
					if delim == '.' {
						typ = ftNumber
					}
					for i < len(s) && isDigit(s[i]) {
						appendRaw()
					}
					if i < len(s) && s[i] == delim {
						typ = ftDate
						appendRaw()
						for i < len(s) && (isDigit(s[i]) || s[i] == delim) {
							appendRaw()
						}
					}
				} else {
					typ = ftDate
					for i < len(s) && (isAlnum(s[i]) || s[i] == delim) {
						appendLower()
					}
				}
			default:
				typ = ftNumber
			}
		case c == '.':
			appendRaw()
			for i < len(s) && isDigit(s[i]) {
				appendRaw()
			}
			typ = ftNumber
		case isAlpha(c):
			typ = ftString
			for i < len(s) && isAlpha(s[i]) {
				appendLower()
			}
			isDate := false
			if i < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == '.') {
				isDate = true
			} else if i < len(s) && (s[i] == '+' || isDigit(s[i])) {
				if _, ok := dateTokens[b.String()]; !ok {
					isDate = true
				}
			}
			if isDate {
				typ = ftDate
				for {
					appendLower()
					if i >= len(s) {
						break
					}
					c := s[i]
					if !(c == '+' || c == '-' || c == '/' || c == '_' || c == '.' || c == ':' || isAlnum(c)) {
						break
					}
				}
			}
		case c == '+' || c == '-':
			appendRaw()
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			switch {
			case i < len(s) && isDigit(s[i]):
				typ = ftTZ
				appendRaw()
				for i < len(s) && (isDigit(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '-') {
					appendRaw()
				}
			case i < len(s) && isAlpha(s[i]):
				typ = ftSpecial
				for i < len(s) && isAlpha(s[i]) {
					appendLower()
				}
			default:
				return nil, dtBadFormat
			}
		case isPunct(c):
			i++
			continue
		default:
			return nil, dtBadFormat
		}
		used += b.Len() + 1
		if used > bufLen {
			return nil, dtBadFormat
		}
		fields = append(fields, dtField{text: b.String(), orig: strings.TrimSpace(s[start:i]), typ: typ})
	}
	return fields, dtOK
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}
