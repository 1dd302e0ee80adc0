package sql

import (
	"strconv"
	"strings"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Session-wide time travel: SET stela.as_of_tx = n, or SET
// stela.as_of_timestamp = '...', makes every following transaction of the
// session read the database — rows and schema — as it was after that tx;
// writes are refused (25006) until RESET. It is what a BI tool or plain
// JDBC, which cannot add AS OF to the queries they generate, uses to
// audit the past.

func init() {
	register(&setting{name: "stela.as_of_tx", def: constant(""), check: checkAsOfTx,
		desc: "Reads every statement of the session as of this transaction (empty: the present)."})
	register(&setting{name: "stela.as_of_timestamp", def: constant(""), check: checkAsOfTimestamp,
		desc: "Reads every statement of the session as of the last transaction committed at or before this time (empty: the present)."})
}

func checkAsOfTx(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return "", errString("a transaction id (a positive integer) is required")
	}
	return strconv.FormatUint(n, 10), nil
}

// checkAsOfTimestamp keeps the text: it is read in the session's time
// zone when a transaction starts.
func checkAsOfTimestamp(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	fs := types.DefaultFormatSettings()
	fs.Now = time.Now() // 'now', 'today' parse; the text is read again per transaction
	if _, err := types.TimestampTZType.ParseText(v, &fs); err != nil {
		return "", errString("a timestamp is required")
	}
	return v, nil
}

// errString is a check error whose text becomes the DETAIL.
type errString string

func (e errString) Error() string { return string(e) }

// sessionAsOf returns the tx the session's transactions read at, 0 for
// the present.
func (s *Session) sessionAsOf() (uint64, error) {
	txText, _ := s.Setting("stela.as_of_tx")
	tsText, _ := s.Setting("stela.as_of_timestamp")
	switch {
	case txText == "" && tsText == "":
		return 0, nil
	case txText != "" && tsText != "":
		return 0, pgerror.New(pgcode.InvalidParameterValue, "stela.as_of_tx and stela.as_of_timestamp are both set").
			WithHint("RESET one of them.")
	case txText != "":
		n, _ := strconv.ParseUint(txText, 10, 64)
		if last := s.db.Store.LastTx(); n > last {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "stela.as_of_tx is %d, after the last committed transaction (%d)", n, last)
		}
		return n, nil
	}
	d, err := types.TimestampTZType.ParseText(tsText, s.FormatSettings())
	if err != nil {
		return 0, err
	}
	ts := d.(types.TimestampTZ)
	if !ts.IsFinite() {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "stela.as_of_timestamp must be a finite time, not %s", tsText)
	}
	n, err := s.db.Store.TxAtTime(ts.UnixMicros())
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "no transaction was committed at or before %s", tsText)
	}
	return n, nil
}
