package pgwire

import (
	"crypto/tls"
	"encoding/binary"
	"sort"
	"strings"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Request codes of the first packet (PostgreSQL's "magic" versions).
const (
	codeCancelRequest  = 80877102
	codeSSLRequest     = 80877103
	codeGSSENCRequest  = 80877104
	protocolVersion3_0 = 3 << 16
)

// handshake runs the startup phase: TLS negotiation, the startup message,
// authentication and the session's start. It reports false (with no
// error) for connections that end quietly: cancel requests and garbage.
func (c *conn) handshake() (bool, error) {
	msg, ok, err := c.readStartupMessage()
	if err != nil || !ok {
		return false, err
	}
	if c.srv.cfg.RequireTLS && !c.tls {
		c.srv.stats.authFailed(AuthTLSRequired)
		return false, pgerror.New(pgcode.InvalidAuthorizationSpecification, "this server requires TLS (SSL) connections").WithSeverity(pgerror.SeverityFatal)
	}
	user := msg.Parameters["user"]
	if user == "" {
		return false, pgerror.New(pgcode.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet").WithSeverity(pgerror.SeverityFatal)
	}
	if msg.Parameters["replication"] != "" && msg.Parameters["replication"] != "false" && msg.Parameters["replication"] != "off" {
		return false, pgerror.New(pgcode.FeatureNotSupported, "replication connections are not supported").WithSeverity(pgerror.SeverityFatal)
	}
	database := msg.Parameters["database"]
	if database == "" {
		database = user // as PostgreSQL does
	}
	// The limit holds for this listener's connections and for the
	// sessions of every front end together (the HTTP API's count in
	// the engine's).
	if n := c.srv.sessions.Add(1); int(n) > c.srv.cfg.MaxConnections || c.srv.engine.SessionCount() >= c.srv.cfg.MaxConnections {
		c.srv.sessions.Add(-1)
		return false, pgerror.New(pgcode.TooManyConnections, "sorry, too many clients already").WithSeverity(pgerror.SeverityFatal)
	}
	started := false
	defer func() {
		// Not started (an error, or a panic): nothing else releases
		// what was taken here.
		if !started {
			c.srv.sessions.Add(-1)
			if c.sess != nil {
				c.sess.Close()
				c.sess = nil
			}
		}
	}()

	u, err := c.authenticate(user)
	if err != nil {
		return false, err
	}
	c.user = user
	c.w.send(&pgproto3.AuthenticationOk{})

	params := map[string]string{}
	for k, v := range msg.Parameters {
		if k != "user" && k != "database" && k != "replication" && !strings.HasPrefix(k, "_pq_.") {
			params[k] = v
		}
	}
	c.pid = c.srv.engine.NewPID()
	sess, err := c.srv.engine.NewSession(sql.SessionArgs{
		User: user, Superuser: u.Superuser, Database: database, Params: params, PID: c.pid,
		Logger: c.log, RemoteAddr: c.raw.RemoteAddr(), Signals: c,
	})
	if err != nil {
		return false, pgerror.Flatten(err).WithSeverity(pgerror.SeverityFatal)
	}
	c.sess = sess
	c.encodingChanged() // the startup packet's client_encoding
	c.dbStats = sess.Stats()
	sess.OnParameterStatus = c.parameterChanged
	sess.Wire = c
	sess.OnNotice = func(e *pgerror.Error) { c.w.send(noticeResponse(e)) }
	sess.OnTerminate = c.terminate
	// Stored setting defaults the session skipped, before the
	// parameters, as PostgreSQL warns while it sets up the session.
	for _, w := range sess.StartupWarnings() {
		c.w.send(noticeResponse(w))
	}
	c.reported = map[string]string{}
	for _, p := range sess.ReportedParameters() {
		c.w.send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
		c.reported[p[0]] = p[1]
	}
	c.w.send(&pgproto3.BackendKeyData{ProcessID: uint32(c.pid), SecretKey: c.secret})
	c.srv.keys.add(c)
	started = true
	c.log = c.log.With().Int32("pid", c.pid).Logger()
	c.log.Debug().Str("user", user).Str("db", database).Bool("tls", c.tls).Msg("session started")
	return true, c.readyForQuery()
}

// readStartupMessage reads packets until a StartupMessage: SSLRequest and
// GSSENCRequest are answered and the loop goes on; a CancelRequest is
// carried out and ends the connection.
func (c *conn) readStartupMessage() (*pgproto3.StartupMessage, bool, error) {
	for {
		body, err := c.r.readStartup()
		if err != nil {
			c.log.Debug().Err(err).Msg("bad startup packet")
			return nil, false, nil
		}
		code := binary.BigEndian.Uint32(body)
		switch code {
		case codeSSLRequest:
			if c.tls {
				return nil, false, protocolViolation("SSLRequest on an encrypted connection")
			}
			if ok, err := c.startTLS(); err != nil || !ok {
				return nil, false, err
			}
		case codeGSSENCRequest:
			if err := c.answer('N'); err != nil {
				return nil, false, nil
			}
		case codeCancelRequest:
			if len(body) == 12 {
				pid := int32(binary.BigEndian.Uint32(body[4:]))
				secret := binary.BigEndian.Uint32(body[8:])
				if c.srv.keys.cancel(pid, secret) {
					c.log.Debug().Int32("pid", pid).Msg("statement canceled by request")
				}
			}
			return nil, false, nil
		default:
			return c.startupPacket(code, body)
		}
	}
}

// startupPacket checks the protocol version of a StartupMessage.
func (c *conn) startupPacket(version uint32, body []byte) (*pgproto3.StartupMessage, bool, error) {
	major, minor := version>>16, version&0xFFFF
	if major != 3 {
		return nil, false, pgerror.Newf(pgcode.FeatureNotSupported,
			"unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor).WithSeverity(pgerror.SeverityFatal)
	}
	// Decode as 3.0: pgproto3 insists on the exact version number.
	binary.BigEndian.PutUint32(body, protocolVersion3_0)
	msg := &pgproto3.StartupMessage{}
	if err := msg.Decode(body); err != nil {
		return nil, false, protocolViolation("invalid startup packet layout: %v", err)
	}
	var unknown []string
	for k := range msg.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unknown = append(unknown, k)
		}
	}
	if minor > 0 || len(unknown) > 0 {
		// A newer client: tell it we speak 3.0 and which protocol options
		// we do not know, and go on in 3.0.
		sort.Strings(unknown)
		c.w.sendRaw(negotiateProtocolVersion(0, unknown))
	}
	return msg, true, nil
}

// negotiateProtocolVersion encodes NegotiateProtocolVersion ('v'), which
// pgproto3/v2 does not have.
func negotiateProtocolVersion(minor uint32, unknown []string) []byte {
	b := []byte{'v', 0, 0, 0, 0}
	b = binary.BigEndian.AppendUint32(b, protocolVersion3_0|minor)
	b = binary.BigEndian.AppendUint32(b, uint32(len(unknown)))
	for _, u := range unknown {
		b = append(append(b, u...), 0)
	}
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	return b
}

// answer writes a single-byte reply to SSLRequest or GSSENCRequest.
func (c *conn) answer(b byte) error {
	c.w.sendRaw([]byte{b})
	return c.w.flush()
}

// startTLS answers SSLRequest: 'S' and a TLS handshake when TLS is
// configured, 'N' otherwise. It reports false when the connection should
// close quietly (the handshake failed: nothing can be said in clear).
func (c *conn) startTLS() (bool, error) {
	if c.srv.cfg.TLS == nil {
		return c.answer('N') == nil, nil
	}
	// Bytes the client sent after SSLRequest, before the handshake, would
	// be read as if they came through TLS: refuse them (CVE-2021-23214).
	if c.r.br.Buffered() > 0 {
		return false, protocolViolation("received unencrypted data after SSL request")
	}
	if err := c.answer('S'); err != nil {
		return false, nil
	}
	tc := tls.Server(c.nc, c.srv.cfg.TLS)
	if err := tc.Handshake(); err != nil {
		c.log.Debug().Err(err).Msg("TLS handshake failed")
		return false, nil
	}
	c.nc = tc
	c.tls = true
	c.r = newReader(tc, c.srv.cfg.MaxMessageSize)
	c.w = newWriter(tc)
	return true, nil
}
