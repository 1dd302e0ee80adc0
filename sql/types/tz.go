package types

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	// Zone data compiled in, so that IANA names resolve on machines
	// without /usr/share/zoneinfo (the system copy is preferred when
	// present).
	_ "time/tzdata"
)

// tzAbbrev is one entry of tzAbbrevs.
type tzAbbrev struct {
	offset int  // seconds east of UTC
	dst    bool // a daylight-saving abbreviation
	zone   string
}

var (
	zoneCache sync.Map // lower-case name -> *time.Location (nil: unknown)
	zoneIndex struct {
		once  sync.Once
		names map[string]string // lower-case -> real name
	}
)

// LoadTimeZone resolves a time zone name the way PostgreSQL's pg_tzset
// does: an IANA name, case-insensitively ("europe/rome" is Europe/Rome),
// else a POSIX TZ specification ("UTC+3", "EST5EDT"). It returns false
// for unknown names. Zone abbreviations are not handled here.
func LoadTimeZone(name string) (*time.Location, bool) {
	if name == "" || len(name) > 255 {
		return nil, false
	}
	key := strings.ToLower(name)
	if v, ok := zoneCache.Load(key); ok {
		loc, _ := v.(*time.Location)
		return loc, loc != nil
	}
	loc := loadZone(name)
	zoneCache.Store(key, loc)
	return loc, loc != nil
}

func loadZone(name string) *time.Location {
	if strings.EqualFold(name, "utc") || strings.EqualFold(name, "zulu") {
		return time.UTC
	}
	if name[0] == ':' {
		return nil // pg_tzset refuses these outright
	}
	// PostgreSQL looks names up in its zone directory, where no path
	// component can start with a dot; such names (and absolute paths)
	// can still be POSIX specifications ("PMAM00..").
	if strings.Contains(name, "/.") || name[0] == '.' || name[0] == '/' {
		return posixZone(strings.ToUpper(name))
	}
	for _, cand := range zoneNameCandidates(name) {
		if loc, err := time.LoadLocation(cand); err == nil && cand != "Local" {
			return loc
		}
	}
	return posixZone(strings.ToUpper(name))
}

// posixZone reads a POSIX TZ specification, such as "UTC+3",
// "<+05>-5" or "EST5EDT4,M3.2.0,M11.1.0", which PostgreSQL accepts
// wherever a zone name goes when no zone file has the name (note the
// POSIX sign: UTC+3 is three hours WEST of Greenwich). A daylight-saving
// part without rules gets the United States' current rules, as
// PostgreSQL's default "posixrules" does for recent dates.
func posixZone(s string) *time.Location {
	std, i, ok := posixName(s, 0)
	if !ok || i >= len(s) {
		return nil
	}
	stdOff, i, ok := posixOffset(s, i)
	if !ok {
		return nil
	}
	if i == len(s) {
		return time.FixedZone(std, -stdOff)
	}
	dst, i, ok := posixName(s, i)
	if !ok || dst == "" {
		return nil
	}
	dstOff := stdOff - 3600
	if i < len(s) && s[i] != ',' && s[i] != ';' {
		if dstOff, i, ok = posixOffset(s, i); !ok {
			return nil
		}
	}
	rule := ",M3.2.0,M11.1.0"
	if i < len(s) {
		if s[i] != ',' && s[i] != ';' {
			return nil
		}
		rule = "," + strings.ReplaceAll(s[i+1:], ";", ",")
	}
	// Go builds zones with rules only from zoneinfo data: make a file
	// with no transitions whose footer is the rule.
	spec := "<" + std + ">" + formatPosixOffset(stdOff) + "<" + dst + ">" + formatPosixOffset(dstOff) + rule
	loc, err := time.LoadLocationFromTZData(s, tzifWithFooter(std, -stdOff, spec))
	if err != nil {
		// A rule Go cannot follow: PostgreSQL still knows the name, so
		// keep it, with the standard offset only.
		return time.FixedZone(std, -stdOff)
	}
	if dstOff == stdOff {
		// Both halves have one offset: pg_get_timezone_offset counts
		// the zone as fixed though it changes abbreviation.
		sameOffsetZones.Store(loc, true)
	}
	return loc
}

// sameOffsetZones holds the POSIX zones whose daylight-saving part has
// the standard offset.
var sameOffsetZones sync.Map // *time.Location -> true

// posixName reads a zone abbreviation: <quoted> or up to a digit, sign
// or comma (tzcode's getzname; PostgreSQL allows it to be empty).
func posixName(s string, i int) (string, int, bool) {
	if i < len(s) && s[i] == '<' {
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return "", i, false
		}
		return s[i+1 : i+j], i + j + 1, true
	}
	start := i
	for i < len(s) && !isDigit(s[i]) && s[i] != ',' && s[i] != '-' && s[i] != '+' {
		i++
	}
	return s[start:i], i, true
}

// posixOffset reads [+-]hh[:mm[:ss]] as seconds (positive west).
func posixOffset(s string, i int) (int, int, bool) {
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	secs, i, ok := posixSecs(s, i)
	if neg {
		secs = -secs
	}
	return secs, i, ok
}

func formatPosixOffset(secs int) string {
	sign := ""
	if secs < 0 {
		sign, secs = "-", -secs
	}
	return sign + strconv.Itoa(secs/3600) + ":" + strconv.Itoa(secs/60%60) + ":" + strconv.Itoa(secs%60)
}

// tzifWithFooter returns a version 2 zoneinfo file with one zone type
// and no transitions, whose footer rule applies at all times.
func tzifWithFooter(abbrev string, east int, footer string) []byte {
	block := func(b []byte) []byte {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, 0, 1, len(abbrev) + 1} {
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		b = binary.BigEndian.AppendUint32(b, uint32(int32(east)))
		b = append(b, 0, 0)
		b = append(b, abbrev...)
		return append(b, 0)
	}
	b := block(nil)
	b = block(b)
	return append(append(append(b, '\n'), footer...), '\n')
}

// posixSecs reads hh[:mm[:ss]] with tzcode's limits.
func posixSecs(s string, i int) (int, int, bool) {
	num := func(max int) (int, bool) {
		start, v := i, 0
		for i < len(s) && isDigit(s[i]) {
			v = v*10 + int(s[i]-'0')
			if v > max {
				return 0, false
			}
			i++
		}
		return v, i > start
	}
	h, ok := num(24*7 - 1)
	if !ok {
		return 0, i, false
	}
	secs := h * 3600
	if i < len(s) && s[i] == ':' {
		i++
		m, ok := num(59)
		if !ok {
			return 0, i, false
		}
		secs += m * 60
		if i < len(s) && s[i] == ':' {
			i++
			sec, ok := num(60)
			if !ok {
				return 0, i, false
			}
			secs += sec
		}
	}
	return secs, i, true
}

// zoneNameCandidates lists spellings to try for a name given in any case:
// as written, the spelling found in the system's zoneinfo directory, and
// a guess at IANA's capitalization (for the compiled-in copy).
func zoneNameCandidates(name string) []string {
	c := []string{name}
	zoneIndex.once.Do(indexZoneinfo)
	if real, ok := zoneIndex.names[strings.ToLower(name)]; ok {
		c = append(c, real)
	}
	c = append(c, strings.ToUpper(name), capitalizeZone(name))
	if !strings.Contains(name, "/") {
		// Legacy names such as GMT+2 live under Etc/ in newer tzdata.
		c = append(c, "Etc/"+strings.ToUpper(name), "Etc/"+capitalizeZone(name))
	}
	return c
}

// capitalizeZone guesses IANA capitalization: "america/new_york" becomes
// "America/New_York", "etc/gmt+5" "Etc/GMT+5".
func capitalizeZone(name string) string {
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
		up = c == '/' || c == '_' || c == '-'
	}
	s := string(b)
	for _, w := range []string{"Gmt", "Utc", "Uct"} {
		s = strings.ReplaceAll(s, w, strings.ToUpper(w))
	}
	return s
}

// indexZoneinfo maps lower-case names to the names in the system zone
// directory, if there is one.
func indexZoneinfo() {
	zoneIndex.names = map[string]string{}
	dir := os.Getenv("ZONEINFO")
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		dir = "/usr/share/zoneinfo"
	}
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err == nil && !strings.Contains(rel, ".") {
			zoneIndex.names[strings.ToLower(filepath.ToSlash(rel))] = filepath.ToSlash(rel)
		}
		return nil
	})
}

// zoneAt returns the UTC offset (seconds east), abbreviation and period
// bounds of loc at a Unix time.
func zoneAt(unix int64, loc *time.Location) (offset int, abbrev string) {
	t := time.Unix(unix, 0).In(loc)
	abbrev, offset = t.Zone()
	return offset, abbrev
}

type zonePeriod struct {
	offset     int
	abbrev     string
	start, end int64 // [start, end) in Unix seconds; open ends are extreme
}

func periodAt(unix int64, loc *time.Location) zonePeriod {
	t := time.Unix(unix, 0).In(loc)
	abbrev, off := t.Zone()
	s, e := t.ZoneBounds()
	p := zonePeriod{offset: off, abbrev: abbrev, start: -1 << 62, end: 1 << 62}
	if !s.IsZero() {
		p.start = s.Unix()
	}
	if !e.IsZero() {
		p.end = e.Unix()
	}
	return p
}

// localOffset finds the UTC offset (seconds east) that loc gives a local
// wall-clock time, expressed as seconds since the Unix epoch as if it were
// UTC. Like PostgreSQL's DetermineTimeZoneOffset, a time skipped by a
// spring-forward transition is read with the offset in force before it
// (so 02:30 becomes 03:30 DST), and an ambiguous time in a fall-back
// transition with the offset after it (standard time).
func localOffset(local int64, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	// Offsets stay within ±16 hours, so the periods that can contain the
	// instant are those overlapping [local-16h, local+16h].
	const span = 16 * 3600
	var periods [4]zonePeriod
	n := 0
	for t := local - span; n < len(periods); {
		p := periodAt(t, loc)
		periods[n] = p
		n++
		if p.end > local+span || p.end <= t {
			break
		}
		t = p.end
	}
	best := -1
	for i := 0; i < n; i++ {
		u := local - int64(periods[i].offset)
		if u >= periods[i].start && u < periods[i].end {
			best = i // the last valid one: "after" in an overlap
		}
	}
	if best >= 0 {
		return periods[best].offset
	}
	// In a gap: the offset of the period before the boundary we fell in.
	for i := 0; i+1 < n; i++ {
		b := periods[i].end
		if local-int64(periods[i].offset) >= b && local-int64(periods[i+1].offset) < b {
			return periods[i].offset
		}
	}
	return periods[0].offset
}

// LocalOffset is localOffset for other packages: the offset (seconds
// east) of loc at a wall-clock time given as seconds since the Unix
// epoch as if it were UTC, chosen as PostgreSQL's
// DetermineTimeZoneOffset chooses it in gaps and overlaps.
func LocalOffset(local int64, loc *time.Location) int { return localOffset(local, loc) }

// abbrevOffset resolves a dynamic abbreviation (one defined by a zone) at
// a local time: the offset the zone had with that abbreviation, searching
// the periods around the date, else the zone's offset then.
func abbrevOffset(local int64, abbrev string, loc *time.Location) int {
	const span = 366 * 24 * 3600
	for t, k := local-span, 0; k < 8; k++ {
		p := periodAt(t, loc)
		if strings.EqualFold(p.abbrev, abbrev) {
			u := local - int64(p.offset)
			if u >= p.start && u < p.end {
				return p.offset
			}
		}
		if p.end > local+span || p.end <= t {
			break
		}
		t = p.end
	}
	// Not in force at that date: take the nearest period that used it.
	for t, k := local, 0; k < 8; k++ {
		p := periodAt(t, loc)
		if strings.EqualFold(p.abbrev, abbrev) {
			return p.offset
		}
		if p.start <= -1<<61 {
			break
		}
		t = p.start - 1
	}
	return localOffset(local, loc)
}
