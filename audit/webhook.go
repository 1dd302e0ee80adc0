package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// webhookBody is the JSON document POSTed to the webhook for every
// database check that is not ok:
//
//	{
//	  "server":      "db1.example:5432",      the server's name (Config.Server)
//	  "database":    "defaultdb",
//	  "result":      "tampered",              "tampered" or "error" (Result.String)
//	  "error":       "client: ...",           what failed
//	  "tx":          41,                      trusted tx after the check (unchanged on failure)
//	  "previous_tx": 41,                      trusted tx before the check (0: none)
//	  "time":        "2025-01-02T03:04:05Z"   when the check ended, RFC 3339
//	}
type webhookBody struct {
	Server     string    `json:"server"`
	Database   string    `json:"database"`
	Result     string    `json:"result"`
	Error      string    `json:"error"`
	Tx         uint64    `json:"tx"`
	PreviousTx uint64    `json:"previous_tx"`
	Time       time.Time `json:"time"`
}

// webhookTimeout bounds one POST: a slow receiver must not hold up the
// next round.
const webhookTimeout = 10 * time.Second

// notify POSTs c to the webhook URL; a status other than 2xx is an error.
func notify(ctx context.Context, hc *http.Client, url string, c Check) error {
	body := webhookBody{Server: c.Server, Database: c.Database, Result: c.Result.String(), Tx: c.Tx, PreviousTx: c.PreviousTx, Time: c.Time.UTC()}
	if c.Err != nil {
		body.Error = c.Err.Error()
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
