package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/kvtable"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Scan limits: the default and the most keys one scan returns.
const (
	defaultScanLimit = 100
	maxScanLimit     = 1000
)

// kvWriteOut answers PUT and DELETE.
type kvWriteOut struct {
	Key string `json:"key"`
	Tx  uint64 `json:"tx"`
}

// kvVersionOut is one version of a key's history.
type kvVersionOut struct {
	Tx          int64   `json:"tx"`
	Time        string  `json:"time"` // RFC 3339, UTC
	Op          string  `json:"op"`   // insert, update or delete
	Value       *string `json:"value"`
	ContentType *string `json:"content_type"`
}

// kvItemOut is one key of a scan.
type kvItemOut struct {
	Key         string  `json:"key"`
	Value       string  `json:"value"` // base64
	ContentType *string `json:"content_type"`
	Tx          int64   `json:"tx"`
}

// kvSession opens the request's session and reads and checks its key.
func (s *Server) kvSession(r *http.Request) (*sql.Session, string, error) {
	key := r.PathValue("key")
	if r.Pattern != "GET /api/v1/db/{db}/kv" {
		if err := kvtable.CheckKey(key); err != nil {
			return nil, "", err
		}
	}
	sess, err := s.openSession(r)
	return sess, key, err
}

// kvHandler serves a key/value request in its session, for its key
// (empty for a scan); an error it returns is the answer.
type kvHandler func(s *Server, w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error

// kv adapts a kvHandler to a route: the session is opened (and the key
// checked) before it runs and closed after, and its error written.
func kv(h kvHandler) func(*Server, http.ResponseWriter, *http.Request) {
	return func(s *Server, w http.ResponseWriter, r *http.Request) {
		sess, key, err := s.kvSession(r)
		if err == nil {
			defer sess.Close()
			err = h(s, w, r, sess, key)
		}
		if err != nil {
			writeError(w, err)
		}
	}
}

// kvRead runs a read of the key/value table: a database without the
// table has no keys.
func kvRead(r *http.Request, sess *sql.Session, key, text string, args ...any) (*result, error) {
	res, err := exec(r.Context(), sess, text, args...)
	if pgerror.HasCode(err, pgcode.UndefinedTable) {
		return nil, kvtable.NotFound(key)
	}
	return res, err
}

func (s *Server) kvPut(w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var ctype any
	if ct := r.Header.Get("Content-Type"); ct != "" {
		ctype = ct
	}
	ctx := r.Context()
	run := func(q string, args ...any) error {
		_, err := exec(ctx, sess, q, args...)
		return err
	}
	code := func(err error) string {
		if err == nil {
			return ""
		}
		return string(pgerror.GetCode(err))
	}
	if err := kvtable.PutCreating(run, code, sess.Database(), key, body, ctype); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, kvWriteOut{Key: key, Tx: sess.LastCommitTx()})
	return nil
}

func (s *Server) kvGet(w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error {
	text := kvtable.Get
	if q := r.URL.Query().Get("tx"); q != "" {
		tx, err := strconv.ParseUint(q, 10, 64)
		if err != nil || tx == 0 {
			return badRequest("tx must be a transaction id (a positive integer), not %q", q)
		}
		text = kvtable.GetAt(tx)
	}
	res, err := kvRead(r, sess, key, text, key)
	if err != nil {
		return err
	}
	if len(res.rows) == 0 {
		return kvtable.NotFound(key)
	}
	row := res.rows[0]
	ctype := "application/octet-stream"
	if ct, ok := row[1].(string); ok {
		ctype = ct
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Stela-Tx", strconv.FormatInt(row[2].(int64), 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(row[0].([]byte)) // the client's hang-up is not an answer to write
	return nil
}

func (s *Server) kvDelete(w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error {
	res, err := kvRead(r, sess, key, kvtable.Delete, key)
	if err != nil {
		return err
	}
	if res.tag == "DELETE 0" {
		return kvtable.NotFound(key)
	}
	writeJSON(w, http.StatusOK, kvWriteOut{Key: key, Tx: sess.LastCommitTx()})
	return nil
}

func (s *Server) kvHistory(w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error {
	res, err := kvRead(r, sess, key, kvtable.History, key)
	if err != nil {
		return err
	}
	if len(res.rows) == 0 {
		return kvtable.NotFound(key)
	}
	out := struct {
		Key      string         `json:"key"`
		Versions []kvVersionOut `json:"versions"`
	}{Key: key, Versions: make([]kvVersionOut, 0, len(res.rows))}
	for _, row := range res.rows {
		v := kvVersionOut{Tx: row[0].(int64), Time: tsText(row[1]), Op: row[2].(string)}
		if b, ok := row[3].([]byte); ok {
			enc := base64.StdEncoding.EncodeToString(b)
			v.Value = &enc
		}
		if ct, ok := row[4].(string); ok {
			v.ContentType = &ct
		}
		out.Versions = append(out.Versions, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tsText writes a timestamptz as RFC 3339 in UTC.
func tsText(v types.Datum) string {
	ts, ok := v.(types.TimestampTZ)
	if !ok {
		return ""
	}
	pgEpoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	return pgEpoch.Add(time.Duration(ts) * time.Microsecond).Format(time.RFC3339Nano)
}

func (s *Server) kvProof(w http.ResponseWriter, r *http.Request, sess *sql.Session, key string) error {
	var res *result
	var err error
	if q := r.URL.Query().Get("tx"); q != "" {
		tx, perr := strconv.ParseInt(q, 10, 64)
		if perr != nil || tx <= 0 {
			return badRequest("tx must be a transaction id (a positive integer), not %q", q)
		}
		res, err = kvRead(r, sess, key, kvtable.ProofAt, key, tx)
	} else {
		res, err = kvRead(r, sess, key, kvtable.Proof, key)
	}
	if pgerror.HasCode(err, pgcode.InvalidParameterValue) {
		// stela_row_proof's "no row with this key".
		err = kvtable.NotFound(key)
	}
	if err != nil {
		return err
	}
	writeRawJSON(w, res.rows[0][0].(string))
	return nil
}

func (s *Server) kvScan(w http.ResponseWriter, r *http.Request, sess *sql.Session, _ string) error {
	q := r.URL.Query()
	limit := int64(defaultScanLimit)
	if l := q.Get("limit"); l != "" {
		n, err := strconv.ParseInt(l, 10, 64)
		if err != nil || n < 1 || n > maxScanLimit {
			return badRequest("limit must be an integer from 1 to %d, not %q", maxScanLimit, l)
		}
		limit = n
	}
	out := struct {
		Items []kvItemOut `json:"items"`
	}{Items: []kvItemOut{}}
	res, err := exec(r.Context(), sess, kvtable.Scan, q.Get("prefix"), limit)
	if err != nil && !pgerror.HasCode(err, pgcode.UndefinedTable) {
		return err
	}
	if res != nil {
		for _, row := range res.rows {
			it := kvItemOut{Key: row[0].(string), Value: base64.StdEncoding.EncodeToString(row[1].([]byte)), Tx: row[3].(int64)}
			if ct, ok := row[2].(string); ok {
				it.ContentType = &ct
			}
			out.Items = append(out.Items, it)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
