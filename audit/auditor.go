package audit

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/client"
)

// DefaultSample is the number of rows a check verifies by default.
const DefaultSample = 10

// StateFile is the name of the trusted-state file in Config.StateDir.
const StateFile = "trusted.json"

// Config configures an Auditor.
type Config struct {
	// URL is the server's connection URL; its database is replaced by
	// each of Databases in turn.
	URL string
	// Server names the server in metrics, logs, the webhook and the
	// trusted states' keys; default the URL's host:port. Keep it fixed
	// for a server: a new name starts trust over.
	Server string
	// Databases are the databases to check.
	Databases []string
	// StateDir holds the trusted states (StateFile); created 0700.
	StateDir string
	// PublicKey, when set, is the key every checkpoint must be signed
	// with (under the database's origin). Without it the key is trusted
	// on first use (client package).
	PublicKey crypto.PublicKey
	// Sample is the number of rows verified per database and round
	// (default DefaultSample; negative: none). A database with no more
	// rows than that has all its rows verified.
	Sample int
	// Webhook, when set, receives a POST for each check that is not ok.
	Webhook string
	// HTTPClient posts to the webhook; default http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives a line per check and per round.
	Logger zerolog.Logger
}

// Auditor checks databases of one server. Round and Run must not be
// called concurrently; Handler may be served meanwhile.
type Auditor struct {
	cfg     Config
	conn    *pgx.ConnConfig
	metrics *metrics
	rand    *rand.Rand
}

// Check is the outcome of one database's check.
type Check struct {
	Server, Database string
	Result           Result
	Err              error // nil when ok
	// PreviousTx and Tx are the trusted checkpoint's tx before and after
	// the check (PreviousTx 0: none before). Tx moves only when the state
	// checks passed: a bad row proof leaves the state trusted.
	PreviousTx, Tx uint64
	// Rows is the number of rows whose proofs were verified.
	Rows int
	Time time.Time
}

// New checks cfg and returns an Auditor whose metrics say "not yet
// checked" for every database.
func New(cfg Config) (*Auditor, error) {
	if len(cfg.Databases) == 0 {
		return nil, errors.New("audit: no databases to check")
	}
	if cfg.StateDir == "" {
		return nil, errors.New("audit: no state directory")
	}
	conn, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("audit: server URL: %w", err)
	}
	if cfg.Server == "" {
		cfg.Server = net.JoinHostPort(conn.Host, fmt.Sprint(conn.Port))
	}
	if cfg.Sample == 0 {
		cfg.Sample = DefaultSample
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: state directory: %w", err)
	}
	return &Auditor{cfg: cfg, conn: conn, metrics: newMetrics(cfg.Server, cfg.Databases), rand: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}, nil
}

// Handler serves the metrics in the Prometheus text format.
func (a *Auditor) Handler() http.Handler {
	return promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{})
}

// Round checks every database once, in order, and returns the checks.
func (a *Auditor) Round(ctx context.Context) []Check {
	checks := make([]Check, 0, len(a.cfg.Databases))
	for _, db := range a.cfg.Databases {
		c := a.check(ctx, db)
		a.metrics.record(c)
		a.log(c)
		if c.Result != ResultOK && a.cfg.Webhook != "" {
			if err := notify(ctx, a.cfg.HTTPClient, a.cfg.Webhook, c); err != nil {
				a.cfg.Logger.Error().Err(err).Str("server", c.Server).Str("database", c.Database).Msg("webhook failed")
			}
		}
		checks = append(checks, c)
	}
	a.metrics.lastRun.Set(float64(time.Now().UnixNano()) / 1e9)
	a.cfg.Logger.Info().Str("server", a.cfg.Server).Int("databases", len(checks)).Str("result", Worst(checks).String()).Msg("audit round")
	return checks
}

// Worst is the result that matters most among checks: tampered, then
// error, then ok.
func Worst(checks []Check) Result {
	worst := ResultOK
	for _, c := range checks {
		if c.Result == ResultTampered {
			return ResultTampered
		}
		if c.Result != ResultOK {
			worst = c.Result
		}
	}
	return worst
}

// Run runs a round now and then every interval until ctx is done.
func (a *Auditor) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		a.Round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check runs the checks of one database (package doc, steps 1 to 4).
func (a *Auditor) check(ctx context.Context, db string) (c Check) {
	c = Check{Server: a.cfg.Server, Database: db}
	defer func() {
		c.Time = time.Now()
		c.Result = classify(c.Err)
	}()
	conn := a.conn.Copy()
	conn.Database = db
	opts := client.Options{StatePath: filepath.Join(a.cfg.StateDir, StateFile), Key: a.cfg.Server + "/" + db}
	if a.cfg.PublicKey != nil {
		opts.PublicKeys = []crypto.PublicKey{a.cfg.PublicKey}
	}
	cl, err := client.OpenConfig(ctx, conn, opts)
	if err != nil {
		c.Err = err
		return c
	}
	defer cl.Close(context.WithoutCancel(ctx))
	prev, _, err := cl.Trusted()
	if err != nil {
		c.Err = err
		return c
	}
	c.PreviousTx, c.Tx = prev.Size, prev.Size
	st, err := cl.VerifyState(ctx)
	if err != nil {
		c.Err = err
		return c
	}
	c.Tx = st.Size
	c.Rows, err = a.verifySample(ctx, cl)
	if err != nil {
		c.Err = err
		return c
	}
	// Row proofs may have advanced the trusted state past st.
	if now, ok, err := cl.Trusted(); err == nil && ok {
		st = now
	}
	c.Tx = st.Size
	return c
}

// log writes one check's line: Info when ok, Error otherwise.
func (a *Auditor) log(c Check) {
	ev := a.cfg.Logger.Info()
	if c.Result != ResultOK {
		ev = a.cfg.Logger.Error().Err(c.Err)
	}
	ev.Str("server", c.Server).Str("database", c.Database).Str("result", c.Result.String()).
		Uint64("tx", c.Tx).Uint64("previous_tx", c.PreviousTx).Int("rows", c.Rows).Msg("audit check")
}
