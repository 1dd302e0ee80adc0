package pgwire_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stela-db/stela/internal/testcert"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/server"
)

// tlsFixture is a CA, a server certificate for 127.0.0.1 and a client
// certificate, also written to files for pgx and server.Start.
type tlsFixture struct {
	ca                                   *testcert.CA
	server                               tls.Certificate
	dir                                  string
	caFile, certFile, keyFile            string // the server's
	clientCertFile, clientKeyFile        string // a client certificate of ca
	otherClientCertFile, otherClientKeyF string // a client certificate of another CA
}

func newTLSFixture(t testing.TB) *tlsFixture {
	t.Helper()
	f := &tlsFixture{ca: testcert.NewCA(t, "stela test CA"), dir: t.TempDir()}
	certPEM, keyPEM := f.ca.Issue(t, "127.0.0.1", net.ParseIP("127.0.0.1"))
	var err error
	if f.server, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(f.dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.caFile = write("ca.pem", f.ca.PEM)
	f.certFile = write("server.pem", certPEM)
	f.keyFile = write("server.key", keyPEM)
	cc, ck := f.ca.Issue(t, "admin")
	f.clientCertFile, f.clientKeyFile = write("client.pem", cc), write("client.key", ck)
	other := testcert.NewCA(t, "another CA")
	oc, ok := other.Issue(t, "admin")
	f.otherClientCertFile, f.otherClientKeyF = write("other.pem", oc), write("other.key", ok)
	return f
}

// serverConfig is the server side: the certificate, and client
// certificates of the CA checked when given.
func (f *tlsFixture) serverConfig(verifyClients bool) *tls.Config {
	cfg := &tls.Config{Certificates: []tls.Certificate{f.server}, MinVersion: tls.VersionTLS12}
	if verifyClients {
		pool := x509.NewCertPool()
		pool.AddCert(f.ca.Cert)
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return cfg
}

// clientConfig trusts the fixture's CA.
func (f *tlsFixture) clientConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(f.ca.Cert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func startTLSServer(t *testing.T, f *tlsFixture, cfgFn func(*pgwire.Config)) *testServer {
	return startServer(t, func(c *pgwire.Config) {
		c.TLS = f.serverConfig(true)
		if cfgFn != nil {
			cfgFn(c)
		}
	})
}

func TestTLSModes(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	ctx := context.Background()
	root := "sslrootcert=" + url.QueryEscape(f.caFile)
	for _, q := range []string{
		"sslmode=require",
		"sslmode=prefer",
		"sslmode=verify-ca&" + root,
		"sslmode=verify-full&" + root,
		"sslmode=require&channel_binding=disable",
		"sslmode=verify-full&require_auth=scram-sha-256&" + root,
	} {
		t.Run(q, func(t *testing.T) {
			c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", q))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
				t.Fatalf("not over TLS: %T", c.PgConn().Conn())
			}
			var one int
			if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("SELECT 1: %d %v", one, err)
			}
		})
	}
	// verify-full refuses a server certificate of another CA.
	other := testcert.NewCA(t, "another CA")
	otherFile := filepath.Join(f.dir, "other-ca.pem")
	if err := os.WriteFile(otherFile, other.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=verify-full&sslrootcert="+url.QueryEscape(otherFile)))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("verify-full with the wrong CA: %v", err)
	}
	// Wrong password over TLS: still 28P01.
	_, err = tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "defaultdb", "sslmode=require"))
	wantPgError(t, "wrong password over TLS", err, "FATAL", "28P01", `password authentication failed for user "admin"`)
}

// channelBindingBug explains the failures of the tests that guard the
// server's tls-server-end-point binding: it must hash the server's own
// certificate (an earlier version hashed PeerCertificates, which on the
// server side are the client's).
const channelBindingBug = "the SCRAM channel binding must be computed from the server's own certificate"

// Over TLS the server offers SCRAM-SHA-256-PLUS and SCRAM-SHA-256, and
// only SCRAM-SHA-256 without TLS; the channel binding is checked.
func TestTLSSCRAMMechanisms(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)

	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err != nil || strings.Join(res.mechs, ",") != "SCRAM-SHA-256" {
		t.Fatalf("without TLS: %v %+v", res.mechs, res.err)
	}

	// Plain SCRAM over TLS is allowed (clients that do not do channel
	// binding).
	rc = rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	if res := rc.login(rawAdmin(), adminPassword, scramPlain); res.err != nil {
		t.Fatalf("plain SCRAM over TLS: %+v", res.err)
	}
	if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=require&channel_binding=disable")); err != nil {
		t.Fatalf("pgx channel_binding=disable: %v", err)
	}

	rc = rawDial(t, ts.addr)
	if answer, err := rc.startTLS(f.clientConfig()); answer != 'S' || err != nil {
		t.Fatalf("SSLRequest: %q %v", answer, err)
	}
	res = rc.login(rawAdmin(), adminPassword, scramAuto)
	if strings.Join(res.mechs, ",") != "SCRAM-SHA-256-PLUS,SCRAM-SHA-256" {
		t.Fatalf("mechanisms over TLS: %v; %s", res.mechs, channelBindingBug)
	}
	if res.err != nil {
		t.Fatalf("SCRAM-SHA-256-PLUS login: %+v", res.err)
	}
	if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=verify-full&channel_binding=require&sslrootcert="+url.QueryEscape(f.caFile))); err != nil {
		t.Fatalf("pgx channel_binding=require: %v", err)
	}

	// Binding data of another certificate (a man in the middle) fails
	// (PostgreSQL: 08P01 "SCRAM channel binding check failed").
	rc = rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	res = rc.login(rawAdmin(), adminPassword, scramPlusBadBind)
	if res.err == nil || (res.err.Code != "28P01" && res.err.Code != "08P01") {
		t.Fatalf("bad channel binding: %+v", res.err)
	}
}

// With a client certificate, a client that binds the channel (pgx's and
// libpq's default, channel_binding=prefer) logs in.
func TestTLSChannelBindingWithClientCertificate(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	q := "sslmode=verify-full&sslrootcert=" + url.QueryEscape(f.caFile) +
		"&sslcert=" + url.QueryEscape(f.clientCertFile) + "&sslkey=" + url.QueryEscape(f.clientKeyFile)
	_, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", q))
	if pgCode(err) == "28P01" {
		t.Fatal(channelBindingBug)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", q+"&channel_binding=require")); err != nil {
		t.Fatalf("channel_binding=require with a client certificate: %v", err)
	}
}

// The gs2 channel-binding flag must agree with the mechanism, as
// PostgreSQL checks (both 08P01):
//   - SCRAM-SHA-256-PLUS with "n" (no binding data): "The client selected
//     SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel
//     binding data."
//   - SCRAM-SHA-256 with "y" over TLS, where PLUS was offered: "The client
//     supports SCRAM channel binding but thinks the server does not.
//     However, this server does support channel binding." (a downgrade)
func TestTLSSCRAMBindingFlags(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	rc := rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	plusNoBind := rc.login(rawAdmin(), adminPassword, scramPlusNoBind)
	if len(plusNoBind.mechs) != 2 {
		t.Fatalf("SCRAM-SHA-256-PLUS not offered (%v); %s", plusNoBind.mechs, channelBindingBug)
	}
	rc = rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	downgrade := rc.login(rawAdmin(), adminPassword, scramClaimNoPlus)
	if plusNoBind.err == nil || downgrade.err == nil {
		t.Fatalf("BUG: the SCRAM gs2 flag is not checked against the mechanism (PLUS with \"n\" accepted: %v; "+
			"SCRAM-SHA-256 with \"y\" over TLS accepted: %v); PostgreSQL refuses both with 08P01 — in pgwire/auth.go use "+
			"server.NewConversationWithChannelBindingRequired(binding) for SCRAM-SHA-256-PLUS and "+
			"server.NewConversationWithChannelBinding(binding) (which rejects \"y\" when PLUS was offered) for "+
			"SCRAM-SHA-256 over TLS", plusNoBind.err == nil, downgrade.err == nil)
	}
	for name, e := range map[string]*pgproto3.ErrorResponse{"PLUS with n": plusNoBind.err, "y over TLS": downgrade.err} {
		if e.Code != "08P01" && e.Code != "28P01" {
			t.Fatalf("%s: %+v", name, e)
		}
	}
}

func TestTLSRequired(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, func(c *pgwire.Config) { c.RequireTLS = true })
	_, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=disable"))
	wantPgError(t, "sslmode=disable", err, "FATAL", "28000", "this server requires TLS (SSL) connections")
	// Refused before any authentication exchange.
	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err == nil || res.err.Code != "28000" || res.mechs != nil {
		t.Fatalf("raw without TLS: %+v", res)
	}
	for _, mode := range []string{"prefer", "require"} {
		if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode="+mode)); err != nil {
			t.Fatalf("sslmode=%s: %v", mode, err)
		}
	}
}

func TestTLSNotConfigured(t *testing.T) {
	ts := startServer(t, nil)
	rc := rawDial(t, ts.addr)
	if answer := rc.request(rawSSLRequestCode); answer != 'N' {
		t.Fatalf("SSLRequest answered %q", answer)
	}
	// The connection goes on in clear.
	if res := rc.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatalf("after 'N': %+v", res.err)
	}
	c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=prefer"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.PgConn().Conn().(*tls.Conn); ok {
		t.Fatal("TLS without a certificate?")
	}
	_, err = tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=require"))
	if err == nil || !strings.Contains(err.Error(), "refused TLS") && !strings.Contains(err.Error(), "SSL") {
		t.Fatalf("sslmode=require against a server without TLS: %v", err)
	}
	// channel_binding=require without TLS fails on the client.
	_, err = tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=disable&channel_binding=require"))
	if err == nil {
		t.Fatal("channel_binding=require without TLS connected")
	}
}

func TestTLSClientCertificates(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	// channel_binding=disable: see TestTLSChannelBindingWithClientCertificate.
	root := "sslmode=verify-full&channel_binding=disable&sslrootcert=" + url.QueryEscape(f.caFile)
	good := root + "&sslcert=" + url.QueryEscape(f.clientCertFile) + "&sslkey=" + url.QueryEscape(f.clientKeyFile)
	c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", good))
	if err != nil {
		t.Fatalf("good client certificate: %v", err)
	}
	if tc, ok := c.PgConn().Conn().(*tls.Conn); !ok || len(tc.ConnectionState().PeerCertificates) == 0 {
		t.Fatal("no TLS")
	}
	// The certificate does not replace the password.
	_, err = tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "defaultdb", good))
	wantPgError(t, "good certificate, wrong password", err, "FATAL", "28P01", `password authentication failed for user "admin"`)
	// No certificate is fine (VerifyClientCertIfGiven).
	if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", root)); err != nil {
		t.Fatalf("no client certificate: %v", err)
	}
	// A certificate of another CA is refused in the handshake: no
	// PostgreSQL error, the TLS alert. (Go's TLS client, so pgx, sends no
	// certificate that is not of a CA the server names in its request; a
	// raw client forces it, as OpenSSL-based clients would send it.)
	rawWithCert(t, ts.addr, f, f.otherClientCertFile, f.otherClientKeyF, false)
	rawWithCert(t, ts.addr, f, f.clientCertFile, f.clientKeyFile, true)
}

// rawWithCert logs in over TLS presenting the given client certificate
// whatever the server asks, and checks that it is accepted or refused in
// the handshake.
func rawWithCert(t *testing.T, addr string, f *tlsFixture, certFile, keyFile string, accepted bool) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.clientConfig()
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	rc := rawDial(t, addr)
	_, err = rc.startTLS(cfg)
	if accepted {
		if err != nil {
			t.Fatalf("handshake with %s: %v", certFile, err)
		}
		if res := rc.login(rawAdmin(), adminPassword, scramPlain); res.err != nil {
			t.Fatalf("login with %s: %+v", certFile, res.err)
		}
		return
	}
	if err == nil {
		// TLS 1.3: the client's handshake ends before the server has
		// checked the certificate; the alert comes with the first read.
		rc.sendStartup(rawAdmin())
		var m pgproto3.BackendMessage
		m, err = rc.receive()
		if err == nil {
			t.Fatalf("client certificate %s accepted: %T %+v", certFile, m, m)
		}
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("client certificate %s: %v", certFile, err)
	}
}

func TestTLSCleartextOnlyOverTLS(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, func(c *pgwire.Config) { c.AllowCleartext = true })

	// Without TLS: SCRAM still.
	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err != nil || res.cleartext || strings.Join(res.mechs, ",") != "SCRAM-SHA-256" {
		t.Fatalf("cleartext server without TLS: %+v", res)
	}
	_, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=disable&require_auth=password"))
	if err == nil {
		t.Fatal("require_auth=password connected without TLS: the server asked for a cleartext password in clear")
	}

	// Over TLS: the password in clear.
	rc = rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	res = rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err != nil || !res.cleartext || res.mechs != nil {
		t.Fatalf("cleartext over TLS: %+v", res)
	}
	for _, pw := range []string{"Wrong!pw0rd", ""} {
		rc = rawDial(t, ts.addr)
		rc.startTLS(f.clientConfig())
		res = rc.login(rawAdmin(), pw, scramAuto)
		if res.err == nil || res.err.Code != "28P01" {
			t.Fatalf("cleartext with password %q: %+v", pw, res.err)
		}
	}
	rc = rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	res = rc.login(map[string]string{"user": "ghost", "database": "defaultdb"}, adminPassword, scramAuto)
	if res.err == nil || res.err.Code != "28P01" || res.err.Message != `password authentication failed for user "ghost"` {
		t.Fatalf("cleartext, unknown user: %+v", res.err)
	}
	if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=require&require_auth=password")); err != nil {
		t.Fatalf("pgx cleartext over TLS: %v", err)
	}
}

func TestGSSENCRequestDeclined(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	// GSSENCRequest 'N', then SSLRequest 'S' on the same connection, as
	// libpq does with gssencmode=prefer.
	rc := rawDial(t, ts.addr)
	if answer := rc.request(rawGSSENCRequestCode); answer != 'N' {
		t.Fatalf("GSSENCRequest answered %q", answer)
	}
	if answer, err := rc.startTLS(f.clientConfig()); answer != 'S' || err != nil {
		t.Fatalf("SSLRequest after GSSENCRequest: %q %v", answer, err)
	}
	if res := rc.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatalf("login: %+v", res.err)
	}
	// And straight to the startup message after 'N'.
	rc = rawDial(t, ts.addr)
	rc.request(rawGSSENCRequestCode)
	if res := rc.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatalf("login after GSSENC 'N': %+v", res.err)
	}
	// (pgx has no gssencmode: it would send it as a setting.)
}

// A second SSLRequest inside TLS, and bytes sent after SSLRequest before
// the handshake (CVE-2021-23214), end the connection.
func TestTLSRequestMisuse(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)

	rc := rawDial(t, ts.addr)
	rc.startTLS(f.clientConfig())
	if _, err := rc.nc.Write(requestPacket(rawSSLRequestCode)); err != nil {
		t.Fatal(err)
	}
	m, err := rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "08P01" || err != nil {
		t.Fatalf("SSLRequest inside TLS: %T %+v %v", m, m, err)
	}

	rc = rawDial(t, ts.addr)
	startup, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: rawAdmin()}).Encode(nil)
	if _, err := rc.nc.Write(append(requestPacket(rawSSLRequestCode), startup...)); err != nil {
		t.Fatal(err)
	}
	m, err = rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "08P01" || err != nil {
		t.Fatalf("data after SSLRequest: %T %+v %v", m, m, err)
	}
	rc.expectClosed()
}

// server.Start loads the certificate, key and client CA from files.
func TestTLSServerStartFromFiles(t *testing.T) {
	f := newTLSFixture(t)
	ctx := context.Background()
	base := server.Config{
		DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: adminPassword,
		TLSCert: f.certFile, TLSKey: f.keyFile, TLSClientCA: f.caFile, RequireTLS: true,
		KV: kv.Options{MinFreeBytes: -1},
	}
	srv, err := server.Start(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	ts := &testServer{addr: srv.Addr.String()}
	// channel_binding=disable: see TestTLSChannelBindingWithClientCertificate.
	q := "sslmode=verify-full&channel_binding=disable&sslrootcert=" + url.QueryEscape(f.caFile) +
		"&sslcert=" + url.QueryEscape(f.clientCertFile) + "&sslkey=" + url.QueryEscape(f.clientKeyFile)
	c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", q))
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	_, err = tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=disable"))
	wantPgError(t, "RequireTLS from server.Start", err, "FATAL", "28000", "this server requires TLS (SSL) connections")
	rawWithCert(t, ts.addr, f, f.otherClientCertFile, f.otherClientKeyF, false)

	// Configuration errors come before anything is opened or listened on.
	notPEM := filepath.Join(f.dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		mod  func(*server.Config)
		want string
	}{
		{"cert without key", func(c *server.Config) { c.TLSKey = "" }, "both --tls-cert and --tls-key"},
		{"key without cert", func(c *server.Config) { c.TLSCert = "" }, "both --tls-cert and --tls-key"},
		{"require without cert", func(c *server.Config) { c.TLSCert, c.TLSKey = "", "" }, "--require-tls needs --tls-cert"},
		{"client CA without cert", func(c *server.Config) { c.TLSCert, c.TLSKey, c.RequireTLS = "", "", false }, "--tls-client-ca needs --tls-cert"},
		{"missing cert file", func(c *server.Config) { c.TLSCert = filepath.Join(f.dir, "missing.pem") }, "load TLS certificate"},
		{"key of another cert", func(c *server.Config) { c.TLSKey = f.clientKeyFile }, "load TLS certificate"},
		{"client CA not PEM", func(c *server.Config) { c.TLSClientCA = notPEM }, "holds no PEM certificate"},
		{"client CA missing", func(c *server.Config) { c.TLSClientCA = filepath.Join(f.dir, "missing.pem") }, "--tls-client-ca"},
	} {
		cfg := base
		cfg.DataDir = filepath.Join(t.TempDir(), "data")
		tc.mod(&cfg)
		s, err := server.Start(ctx, cfg)
		if err == nil {
			s.Shutdown(ctx)
			t.Errorf("%s: started", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not name %q", tc.name, err, tc.want)
		}
		if _, statErr := os.Stat(cfg.DataDir); statErr == nil {
			t.Errorf("%s: the data directory was created", tc.name)
		}
	}
}
