package types

import (
	"strings"
	"time"
)

// FormatSettings are the session settings (GUCs) that change how values
// are read from and written as text.
type FormatSettings struct {
	// DateStyle is the DateStyle setting: an output style (ISO, SQL,
	// Postgres, German) and/or a field order for ambiguous input (MDY,
	// DMY, YMD), e.g. "ISO, MDY" (the default) or "SQL, DMY". "German"
	// alone implies DMY. Both parts are used for output and input.
	DateStyle string
	// IntervalStyle is "postgres" (default), "postgres_verbose",
	// "sql_standard" or "iso_8601". Input accepts every style's syntax
	// whatever the setting, as PostgreSQL does, except that sql_standard
	// makes a leading minus sign apply to all fields.
	IntervalStyle string
	// TimeZone is used to print timestamptz and to read timestamptz
	// input that names no zone; nil means UTC.
	TimeZone *time.Location
	// ExtraFloatDigits is extra_float_digits (-15..3, default 1): above
	// zero floats print in the shortest form that reads back exactly,
	// otherwise with 15 (float8) or 6 (float4) plus this many digits.
	ExtraFloatDigits int
	// ByteaOutput is bytea_output: "hex" (default) or "escape".
	ByteaOutput string
	// Now is the start of the current transaction, used by the inputs
	// 'now', 'today', 'tomorrow' and 'yesterday'. When it is zero those
	// inputs fail with 0A000, since a value that depends on the clock
	// cannot be replayed.
	Now time.Time
}

// DefaultFormatSettings returns PostgreSQL's defaults (with TimeZone UTC).
func DefaultFormatSettings() FormatSettings {
	return FormatSettings{
		DateStyle:        "ISO, MDY",
		IntervalStyle:    "postgres",
		TimeZone:         time.UTC,
		ExtraFloatDigits: 1,
		ByteaOutput:      "hex",
	}
}

var defaultSettings = DefaultFormatSettings()

// orDefault lets every function accept a nil *FormatSettings.
func orDefault(fs *FormatSettings) *FormatSettings {
	if fs == nil {
		return &defaultSettings
	}
	return fs
}

func (fs *FormatSettings) location() *time.Location {
	if fs.TimeZone == nil {
		return time.UTC
	}
	return fs.TimeZone
}

// dateStyle is a parsed DateStyle.
type dateStyle uint8

const (
	styleISO dateStyle = iota
	styleSQL
	stylePostgres
	styleGerman
)

type dateOrder uint8

const (
	orderMDY dateOrder = iota
	orderDMY
	orderYMD
)

// parseDateStyle reads a DateStyle value as PostgreSQL's check hook does:
// comma- or space-separated words; the last style and order win, and
// German implies DMY unless an order is given.
func parseDateStyle(s string) (dateStyle, dateOrder) {
	if s == "" || s == "ISO, MDY" {
		return styleISO, orderMDY
	}
	style, order := styleISO, orderMDY
	haveOrder := false
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch strings.ToLower(w) {
		case "iso":
			style = styleISO
		case "sql":
			style = styleSQL
		case "postgres":
			style = stylePostgres
		case "german":
			style = styleGerman
			if !haveOrder {
				order = orderDMY
			}
		case "ymd":
			order, haveOrder = orderYMD, true
		case "dmy", "euro", "european":
			order, haveOrder = orderDMY, true
		case "mdy", "us", "noneuro", "noneuropean":
			order, haveOrder = orderMDY, true
		}
	}
	return style, order
}

type intervalStyle uint8

const (
	intervalPostgres intervalStyle = iota
	intervalPostgresVerbose
	intervalSQLStandard
	intervalISO8601
)

func parseIntervalStyle(s string) intervalStyle {
	switch strings.ToLower(s) {
	case "postgres_verbose":
		return intervalPostgresVerbose
	case "sql_standard":
		return intervalSQLStandard
	case "iso_8601":
		return intervalISO8601
	}
	return intervalPostgres
}
