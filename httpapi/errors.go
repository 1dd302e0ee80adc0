package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// errorBody is every error's JSON: {"error": {...}}.
type errorBody struct {
	Error errorOut `json:"error"`
}

type errorOut struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	Hint     string `json:"hint,omitempty"`
	Position int    `json:"position,omitempty"`
}

// statusOf is the HTTP status of an error, by its SQLSTATE (doc.go).
func statusOf(code pgcode.Code) int {
	switch code {
	case pgcode.InsufficientPrivilege:
		return http.StatusForbidden
	case pgcode.InvalidCatalogName, pgcode.NoData:
		return http.StatusNotFound
	case pgcode.ProgramLimitExceeded:
		return http.StatusRequestEntityTooLarge
	case pgcode.ProtocolViolation:
		return http.StatusBadRequest
	case pgcode.AdminShutdown:
		return http.StatusServiceUnavailable
	}
	switch code.Class() {
	case "28":
		return http.StatusUnauthorized
	case "23", "40":
		return http.StatusConflict
	case "0A", "22", "25", "26", "34", "42":
		return http.StatusBadRequest
	case "53":
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeError answers with err as JSON; internal errors say only that.
func writeError(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = pgerror.Newf(pgcode.ProgramLimitExceeded, "request body larger than %d bytes", mbe.Limit).
			WithHint("send less, or start the server with a larger --http-max-body")
	}
	e := pgerror.Flatten(err)
	status := statusOf(e.Code)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="stela", charset="UTF-8"`)
	}
	writeJSON(w, status, errorBody{Error: errorOut{Code: string(e.Code), Message: e.Message, Detail: e.Detail, Hint: e.Hint, Position: e.Position}})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Error: errorOut{Code: string(pgcode.Internal), Message: "internal error: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeRawJSON answers with JSON text made elsewhere (a proof function's).
func writeRawJSON(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, text+"\n")
}

// decodeJSON reads a request's JSON body into v: malformed JSON is 400
// (08P01), a body over the limit 413.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return pgerror.Newf(pgcode.ProtocolViolation, "malformed JSON body: %v", err)
	}
	if dec.More() {
		return pgerror.New(pgcode.ProtocolViolation, "malformed JSON body: more than one JSON value")
	}
	return nil
}

func badRequest(format string, args ...any) error {
	return pgerror.Newf(pgcode.InvalidParameterValue, format, args...)
}

func notFound(format string, args ...any) error {
	return pgerror.New(pgcode.NoData, fmt.Sprintf(format, args...))
}

func authRequired(msg string) error {
	return pgerror.New(pgcode.InvalidAuthorizationSpecification, msg)
}
