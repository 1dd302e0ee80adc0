package types

import (
	"testing"
	"time"

	"github.com/stela-db/stela/sql/pgerror"
)

func TestTimeConversions(t *testing.T) {
	rome, _ := LoadTimeZone("Europe/Rome")
	tt := time.Date(2024, 1, 31, 12, 34, 56, 789000000, rome)
	if d := DateFromTime(tt); d.String() != "2024-01-31" {
		t.Errorf("DateFromTime = %s", d)
	}
	if ts := TimestampFromTime(tt); ts.String() != "2024-01-31 12:34:56.789" {
		t.Errorf("TimestampFromTime = %s", ts)
	}
	tz := TimestampTZFromTime(tt)
	if tz.String() != "2024-01-31 11:34:56.789+00" {
		t.Errorf("TimestampTZFromTime = %s", tz)
	}
	back, ok := tz.Time()
	if !ok || !back.Equal(tt) {
		t.Errorf("TimestampTZ.Time = %v", back)
	}
	if tz.UnixMicros() != tt.UnixMicro() || TimestampTZFromUnixMicros(tt.UnixMicro()) != tz {
		t.Errorf("unix micros: %d vs %d", tz.UnixMicros(), tt.UnixMicro())
	}
	if Date(0).UnixMicros() != 946684800000000 || DateFromUnixMicros(-1) != Date(-10958) {
		t.Error("date unix micros")
	}
	if d, ok := Date(-10957).Time(); !ok || !d.Equal(time.Unix(0, 0)) {
		t.Errorf("Date.Time = %v", d)
	}
	if _, ok := DateInfinity.Time(); ok {
		t.Error("infinity has a time")
	}
	if ts, ok := TimestampType.ParseText("0044-03-15 12:00 BC", nil); ok == nil {
		tm, _ := ts.(Timestamp).Time()
		if tm.Year() != -43 || TimestampFromTime(tm) != ts.(Timestamp) {
			t.Errorf("BC timestamp: %v", tm)
		}
	}
	if TimestampFromUnixMicros(0).String() != "1970-01-01 00:00:00" {
		t.Error("TimestampFromUnixMicros")
	}
}

// TestNow checks the inputs that read the transaction time, and their
// refusal when none is given.
func TestNow(t *testing.T) {
	fs := DefaultFormatSettings()
	if _, err := DateType.ParseText("today", &fs); pgerror.GetCode(err) != "0A000" {
		t.Errorf("today without Now: %v", err)
	}
	fs.Now = time.Date(2024, 1, 31, 23, 30, 0, 500000000, time.UTC)
	fs.TimeZone, _ = LoadTimeZone("Europe/Rome")
	for _, c := range []struct {
		typ      *T
		in, want string
	}{
		{DateType, "today", "2024-02-01"},
		{DateType, "tomorrow", "2024-02-02"},
		{DateType, "yesterday", "2024-01-31"},
		{TimestampTZType, "now", "2024-02-01 00:30:00.5+01"},
		{TimestampType, "now", "2024-02-01 00:30:00.5"},
		{TimestampType, "today", "2024-02-01 00:00:00"},
		{TimestampType, "tomorrow 10:00", "2024-02-02 10:00:00"},
		{Time, "now", "00:30:00.5"},
	} {
		d, err := c.typ.ParseText(c.in, &fs)
		if err != nil {
			t.Errorf("%s %q: %v", c.typ, c.in, err)
			continue
		}
		if got := string(c.typ.AppendText(nil, d, &fs)); got != c.want {
			t.Errorf("%s %q = %q, want %q", c.typ, c.in, got, c.want)
		}
	}
}

func TestParseDateStyle(t *testing.T) {
	for _, c := range []struct {
		in    string
		style dateStyle
		order dateOrder
	}{
		{"ISO, MDY", styleISO, orderMDY},
		{"", styleISO, orderMDY},
		{"SQL, DMY", styleSQL, orderDMY},
		{"German", styleGerman, orderDMY},
		{"German, MDY", styleGerman, orderMDY},
		{"postgres,ymd", stylePostgres, orderYMD},
		{"European", styleISO, orderDMY},
	} {
		s, o := parseDateStyle(c.in)
		if s != c.style || o != c.order {
			t.Errorf("%q: %d %d", c.in, s, o)
		}
	}
}

func TestVoidAndStrings(t *testing.T) {
	d, err := Void.ParseText("anything", nil)
	if err != nil || d != (VoidValue{}) || len(Void.AppendText(nil, d, nil)) != 0 {
		t.Errorf("void: %v %v", d, err)
	}
	if UUID([16]byte{0xab}).String() != "ab000000-0000-0000-0000-000000000000" {
		t.Error("UUID.String")
	}
	if TimeOfDay(usPerDay).String() != "24:00:00" {
		t.Error("TimeOfDay.String")
	}
	if s := IntervalType.String(); s != "interval" {
		t.Error(s)
	}
}
