package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// jsonValue is a SQL value as JSON (doc.go, "SQL"): numbers where a JSON
// number holds them exactly, base64 for bytea, JSON for json and jsonb,
// PostgreSQL's text output for everything else.
func jsonValue(t *types.T, v types.Datum, fs *types.FormatSettings) any {
	if v == nil {
		return nil
	}
	switch t.Family {
	case types.IntFamily, types.OidFamily:
		if i, ok := v.(int64); ok {
			return i
		}
	case types.FloatFamily:
		if f, ok := v.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			// PostgreSQL's shortest text ("0.1" for a float4 0.1, not
			// float64's 0.10000000149011612) is a valid JSON number.
			return json.Number(t.AppendText(nil, v, fs))
		}
	case types.BoolFamily:
		if b, ok := v.(bool); ok {
			return b
		}
	case types.BytesFamily:
		if b, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b)
		}
	case types.JSONFamily, types.JSONBFamily:
		return json.RawMessage(t.AppendText(nil, v, fs))
	}
	return string(t.AppendText(nil, v, fs))
}

// paramDatum converts a JSON parameter to a value of type t: null is
// NULL, a string is read as PostgreSQL reads the text form of t, numbers
// and booleans as their JSON text; objects and arrays as their JSON text
// (for json and jsonb parameters).
func paramDatum(t *types.T, v any, fs *types.FormatSettings, n int) (types.Datum, error) {
	var text string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		text = x
	case json.Number:
		text = x.String()
	case bool:
		text = strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		text = string(b)
	}
	d, err := t.ParseText(text, fs)
	if err != nil {
		e := pgerror.Flatten(err)
		if e.Code == pgcode.Internal {
			e = pgerror.Wrapf(err, pgcode.InvalidTextRepresentation, "parameter $%d: %v", n, err)
		}
		return nil, e
	}
	return d, nil
}
