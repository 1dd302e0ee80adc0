package pgwire

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/xdg-go/scram"
)

// channelBinding returns the SCRAM tls-server-end-point binding of the
// server's certificate (RFC 5929): a hash of the certificate the server
// presents, which the client also sees. It is computed once. ok is false
// when TLS is off or the certificate cannot be read (SCRAM-SHA-256-PLUS is
// then not offered).
func (s *Server) channelBinding() (scram.ChannelBinding, bool) {
	s.bindingOnce.Do(func() {
		if s.cfg.TLS == nil || len(s.cfg.TLS.Certificates) == 0 {
			return
		}
		leaf, err := leafCertificate(&s.cfg.TLS.Certificates[0])
		if err != nil {
			s.log.Warn().Err(err).Msg("cannot read the TLS certificate: SCRAM channel binding is off")
			return
		}
		// The binding helper reads the certificate from a connection
		// state; on the server side that state holds the client's
		// certificates, so build one that holds ours.
		b, err := scram.NewTLSServerEndpointBinding(&tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}})
		if err != nil {
			s.log.Warn().Err(err).Msg("no SCRAM channel binding for this certificate")
			return
		}
		s.binding, s.bindingOK = b, true
	})
	return s.binding, s.bindingOK
}

func leafCertificate(c *tls.Certificate) (*x509.Certificate, error) {
	if c.Leaf != nil {
		return c.Leaf, nil
	}
	return x509.ParseCertificate(c.Certificate[0])
}
