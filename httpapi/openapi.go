package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the API's OpenAPI 3 description, written by hand;
// TestOpenAPIDocumentsEveryRoute checks it against routes.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
