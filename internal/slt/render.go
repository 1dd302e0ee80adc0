package slt

import (
	"crypto/md5"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"
)

// PostgreSQL type OIDs the renderer treats specially.
const (
	oidBool    = 16
	oidFloat4  = 700
	oidFloat8  = 701
	oidNumeric = 1700
)

// Render renders one value in the text format of a result column of
// PostgreSQL type oid as the column type typ ('I', 'T' or 'R') asks;
// null means SQL NULL.
//
//   - NULL is "NULL" whatever the type;
//   - I: an integer printed with %d; like a C cast or sqlite3_column_int,
//     floats and numerics truncate toward zero (53.33 -> 53, -2.5 -> -2),
//     booleans are 1 or 0, text takes its leading integer prefix or 0;
//   - R: printf("%.3f") of the value (booleans 1 or 0, text its leading
//     number or 0);
//   - T: the text, "(empty)" for the empty string, every byte outside
//     printable ASCII (< 0x20 or > 0x7e) replaced by '@'.
func Render(v []byte, null bool, typ byte, oid uint32) string {
	if null {
		return "NULL"
	}
	switch typ {
	case 'I':
		return strconv.FormatInt(renderInt(v, oid), 10)
	case 'R':
		return formatReal(renderReal(v, oid))
	}
	return renderText(v)
}

func renderText(v []byte) string {
	if len(v) == 0 {
		return "(empty)"
	}
	var b []byte
	for i, c := range v {
		if c < 0x20 || c > 0x7e {
			if b == nil {
				b = append(make([]byte, 0, len(v)), v[:i]...)
			}
			b = append(b, '@')
		} else if b != nil {
			b = append(b, c)
		}
	}
	if b == nil {
		return string(v)
	}
	return string(b)
}

func isBoolTrue(v []byte) bool {
	s := string(v)
	return s == "t" || s == "true" || s == "1"
}

func renderInt(v []byte, oid uint32) int64 {
	switch oid {
	case oidBool:
		if isBoolTrue(v) {
			return 1
		}
		return 0
	case oidFloat4, oidFloat8:
		// Float output may use exponents ("1e+20") or name infinities.
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return truncFloat(f)
		}
	}
	// Integers, numerics (whose output never has an exponent: the
	// integer prefix is the value truncated toward zero) and text.
	return intPrefix(v)
}

// truncFloat converts like a C cast, saturating out of range values
// (as SQLite does) and taking NaN as 0.
func truncFloat(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// intPrefix is the leading integer of v (after whitespace and an optional
// sign), saturating on overflow; 0 if there is none.
func intPrefix(v []byte) int64 {
	i := 0
	for i < len(v) && isSpace(v[i]) {
		i++
	}
	neg := false
	if i < len(v) && (v[i] == '-' || v[i] == '+') {
		neg = v[i] == '-'
		i++
	}
	var n uint64
	overflow := false
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		d := uint64(v[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
			continue
		}
		n = n*10 + d
	}
	switch {
	case neg && (overflow || n > 1<<63):
		return math.MinInt64
	case neg:
		return -int64(n)
	case overflow || n > math.MaxInt64:
		return math.MaxInt64
	}
	return int64(n)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func renderReal(v []byte, oid uint32) float64 {
	if oid == oidBool {
		if isBoolTrue(v) {
			return 1
		}
		return 0
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64); err == nil || isRangeErr(err) {
		return f
	}
	return floatPrefix(v)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// floatPrefix is the value of the longest leading decimal number of v, like
// C's atof (without hex floats or named infinities); 0 if there is none.
func floatPrefix(v []byte) float64 {
	i := 0
	for i < len(v) && isSpace(v[i]) {
		i++
	}
	start := i
	if i < len(v) && (v[i] == '-' || v[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		digits++
	}
	if i < len(v) && v[i] == '.' {
		i++
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	end := i
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		j := i + 1
		if j < len(v) && (v[j] == '-' || v[j] == '+') {
			j++
		}
		k := j
		for ; k < len(v) && v[k] >= '0' && v[k] <= '9'; k++ {
		}
		if k > j {
			end = k
		}
	}
	f, _ := strconv.ParseFloat(string(v[start:end]), 64)
	return f
}

// formatReal is C's printf("%.3f").
func formatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 3, 64)
}

// Sort orders a result's rendered rows as mode says and flattens them,
// row-major. Comparisons are byte order (strcmp), column by column for
// RowSort. rows is sorted in place.
func Sort(rows [][]string, mode SortMode) []string {
	if mode == RowSort {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			for k := 0; k < len(a) && k < len(b); k++ {
				if a[k] != b[k] {
					return a[k] < b[k]
				}
			}
			return len(a) < len(b)
		})
	}
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	vals := make([]string, 0, n)
	for _, r := range rows {
		vals = append(vals, r...)
	}
	if mode == ValueSort {
		sort.Strings(vals)
	}
	return vals
}

// Hash is the MD5 (lower-case hex) of the values, each followed by "\n".
func Hash(vals []string) string {
	h := md5.New()
	for _, v := range vals {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HashLine is how a result beyond the hash threshold is written:
// "<n> values hashing to <md5>".
func HashLine(vals []string) string {
	return strconv.Itoa(len(vals)) + " values hashing to " + Hash(vals)
}
