package main

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/stela-db/stela/httpapi"
)

// httpOptions are the HTTP API's flags of stela start.
type httpOptions struct {
	listen   string
	maxBody  int64
	tokenTTL time.Duration
}

func addHTTPFlags(f *pflag.FlagSet, o *httpOptions) {
	f.StringVar(&o.listen, "http-listen", httpapi.DefaultListen, "address of the HTTP/JSON API (SQL, key/value, proofs; HTTPS with --tls-cert); off when empty")
	f.Int64Var(&o.maxBody, "http-max-body", httpapi.DefaultMaxBody, "largest HTTP request body accepted, in bytes")
	f.DurationVar(&o.tokenTTL, "http-token-ttl", httpapi.DefaultTokenTTL, "how long an HTTP API login token lives")
}

func (o httpOptions) config() httpapi.Config {
	return httpapi.Config{Listen: o.listen, MaxBody: o.maxBody, TokenTTL: o.tokenTTL}
}
