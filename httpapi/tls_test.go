package httpapi_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/internal/testcert"
	"github.com/stela-db/stela/server"
)

// TestHTTPSWithServerCertificate: with --tls-cert and --tls-key the HTTP
// API speaks only HTTPS, with the certificate pgwire uses, and the API
// works through it (login and a query).
func TestHTTPSWithServerCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSignedCert(t, dir)
	ts := startServerWith(t, func(c *server.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	addr := ts.srv.HTTPAddr.String()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	resp, err := client.Post("https://"+addr+"/api/v1/db/defaultdb/sql", "application/json",
		strings.NewReader(`{"sql": "SELECT 40 + 2 AS answer"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without credentials over HTTPS: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("POST", "https://"+addr+"/api/v1/db/defaultdb/sql", strings.NewReader(`{"sql": "SELECT 40 + 2 AS answer"}`))
	req.SetBasicAuth("admin", adminPassword)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `[[42]]`) || resp.TLS == nil {
		t.Fatalf("query over HTTPS: %d %s (TLS %v)", resp.StatusCode, body, resp.TLS != nil)
	}
	// Plain HTTP to the same port gets no answer of the API.
	resp, err = (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/api/v1/openapi.json")
	if err == nil {
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("plain HTTP answered: %s", body)
		}
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and
// returns their paths and a pool that trusts the certificate's CA.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	ca := testcert.NewCA(t, "stela test CA")
	certPEM, keyPEM := ca.Issue(t, "stela test", net.ParseIP("127.0.0.1"))
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, ca.Pool()
}
