package httpapi

import (
	"context"
	"net/http"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// sqlRequest is the body of POST /api/v1/db/{db}/sql (doc.go).
type sqlRequest struct {
	SQL    string `json:"sql"`
	Params []any  `json:"params"`
}

// columnOut describes a result column: its name and pg_type name.
type columnOut struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// statementOut is one statement's answer. Columns and rows are present
// for statements that return rows (rows [] when none came).
type statementOut struct {
	Columns *[]columnOut `json:"columns,omitempty"`
	Rows    *[][]any     `json:"rows,omitempty"`
	Command string       `json:"command"`
}

// sqlResponse is the answer: the last statement's fields, the log tx the
// request committed (absent when it wrote nothing), every statement's
// answer when there were several.
type sqlResponse struct {
	statementOut
	Tx      uint64         `json:"tx,omitempty"`
	Results []statementOut `json:"results,omitempty"`
}

func (s *Server) sqlQuery(w http.ResponseWriter, r *http.Request) {
	var req sqlRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	sess, err := s.openSession(r)
	if err != nil {
		writeError(w, err)
		return
	}
	defer sess.Close()
	resp, err := runSQL(r.Context(), sess, req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// runSQL runs a request's statements as a simple Query does (one
// implicit transaction, stopped at the first error), or its one
// statement with parameters as the extended protocol does.
func runSQL(ctx context.Context, sess *sql.Session, req sqlRequest) (*sqlResponse, error) {
	stmts, err := parser.Parse(req.SQL)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, pgerror.New(pgcode.InvalidParameterValue, "no statement in \"sql\"")
	}
	if len(req.Params) > 0 && len(stmts) > 1 {
		return nil, pgerror.New(pgcode.Syntax, "cannot insert multiple commands into a prepared statement").
			WithHint("send one statement with \"params\", or several without")
	}
	sess.SetMultiStatement(len(stmts) > 1)
	defer sess.SetMultiStatement(false)
	resp := &sqlResponse{}
	for _, stmt := range stmts {
		out, err := runStatement(ctx, sess, stmt, req.Params, req.Params != nil)
		if err != nil {
			sess.Fail()
			_ = sess.Sync(ctx)
			return nil, err
		}
		resp.Results = append(resp.Results, *out)
	}
	if err := sess.Sync(ctx); err != nil {
		return nil, err
	}
	resp.Tx = sess.LastCommitTx()
	resp.statementOut = resp.Results[len(resp.Results)-1]
	if len(resp.Results) == 1 {
		resp.Results = nil
	}
	return resp, nil
}

// runStatement plans and runs one statement and writes its rows as JSON.
func runStatement(ctx context.Context, sess *sql.Session, stmt parser.Statement, params []any, extended bool) (*statementOut, error) {
	var p *sql.Prepared
	var err error
	if extended {
		p, err = sess.Prepare(stmt, nil)
	} else {
		p, err = sess.PrepareSimple(stmt)
	}
	if err != nil {
		return nil, err
	}
	if len(params) != len(p.ParamTypes) {
		return nil, pgerror.Newf(pgcode.ProtocolViolation, "the statement needs %d parameters, %d given", len(p.ParamTypes), len(params))
	}
	fs := sess.FormatSettings()
	vals := make([]types.Datum, len(params))
	for i, v := range params {
		if vals[i], err = paramDatum(p.ParamTypes[i], v, fs, i+1); err != nil {
			return nil, err
		}
	}
	res, err := runPrepared(ctx, sess, p, vals)
	if err != nil {
		return nil, err
	}
	out := &statementOut{Command: res.tag}
	if res.columns != nil {
		cols := make([]columnOut, len(res.columns))
		for i, c := range res.columns {
			cols[i] = columnOut{Name: c.Name, Type: c.Type.Name}
		}
		rows := make([][]any, len(res.rows))
		for i, row := range res.rows {
			jr := make([]any, len(row))
			for j, v := range row {
				jr[j] = jsonValue(res.columns[j].Type, v, fs)
			}
			rows[i] = jr
		}
		out.Columns, out.Rows = &cols, &rows
	}
	return out, nil
}
