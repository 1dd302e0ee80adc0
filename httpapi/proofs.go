package httpapi

import (
	"net/http"
	"strconv"
)

// The log's proofs: each endpoint is a proof function of sql/prooffuncs.go
// run in the request's session (SELECT rights on the database's tables
// are needed, as over pgwire), answered with the function's JSON as it
// is (docs/PROOFS.md).

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	s.proofJSON(w, r, "SELECT stela_state()")
}

func (s *Server) consistency(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		writeError(w, badRequest("from and to must be transaction ids: ?from=A&to=B"))
		return
	}
	s.proofJSON(w, r, "SELECT stela_consistency_proof($1, $2)", from, to)
}

func (s *Server) tx(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil {
		writeError(w, badRequest("transaction id must be an integer, not %q", r.PathValue("n")))
		return
	}
	s.proofJSON(w, r, "SELECT stela_tx($1)", n)
}

// proofJSON runs a query returning one json value and answers with it.
func (s *Server) proofJSON(w http.ResponseWriter, r *http.Request, text string, args ...any) {
	sess, err := s.openSession(r)
	if err != nil {
		writeError(w, err)
		return
	}
	defer sess.Close()
	res, err := exec(r.Context(), sess, text, args...)
	if err != nil {
		writeError(w, err)
		return
	}
	writeRawJSON(w, res.rows[0][0].(string))
}
