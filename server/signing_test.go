package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

// TestSigningKey starts a server with each kind of key openssl makes:
// every store's checkpoints (each database's and the system store's) are
// signed under the store's origin, stela_state() names the key and
// stela_public_key() returns the PEM that verifies them.
func TestSigningKey(t *testing.T) {
	for _, f := range []string{"ec.pem", "ec-pkcs8.pem", "ed25519.pem"} {
		t.Run(f, func(t *testing.T) {
			ctx := context.Background()
			srv := startSigned(t, filepath.Join("..", "kv", "checkpoint", "testdata", f))
			if !srv.Engine.System().Store().Checkpoint().Signed {
				t.Fatal("the system store's checkpoint is not signed")
			}
			for _, db := range []string{"defaultdb", "postgres"} {
				c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/%s?sslmode=disable", srv.Addr, db))
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close(ctx)
				var raw, pub string
				if err := c.QueryRow(ctx, "SELECT stela_state()::text, stela_public_key()").Scan(&raw, &pub); err != nil {
					t.Fatal(err)
				}
				var st struct {
					Origin         string `json:"origin"`
					Checkpoint     string `json:"checkpoint"`
					Signed         bool   `json:"signed"`
					KeyName        string `json:"key_name"`
					KeyID          string `json:"key_id"`
					KeyFingerprint string `json:"key_fingerprint"`
				}
				if err := json.Unmarshal([]byte(raw), &st); err != nil {
					t.Fatal(err)
				}
				v, err := checkpoint.ParseVerifierPEM(st.Origin, []byte(pub))
				if err != nil {
					t.Fatalf("stela_public_key(): %v\n%s", err, pub)
				}
				if _, err := checkpoint.Open([]byte(st.Checkpoint), v); err != nil {
					t.Fatalf("%s: checkpoint does not verify with stela_public_key(): %v", db, err)
				}
				fp, _ := checkpoint.Fingerprint(v.PublicKey())
				if !st.Signed || st.KeyName != "stela.local/"+db || st.KeyID != fmt.Sprintf("%08x", v.KeyID()) || st.KeyFingerprint != fp {
					t.Fatalf("%s: stela_state() = %s", db, raw)
				}
			}
		})
	}
}

// TestSigningKeyUnsigned: without a key, stela_public_key() is NULL and
// stela_state() has no key fields.
func TestSigningKeyUnsigned(t *testing.T) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, startForFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var raw string
	var pub *string
	if err := c.QueryRow(ctx, "SELECT stela_state()::text, stela_public_key()").Scan(&raw, &pub); err != nil {
		t.Fatal(err)
	}
	if pub != nil || strings.Contains(raw, "key_id") || !strings.Contains(raw, `"signed":false`) {
		t.Fatalf("unsigned server: %s, %v", raw, pub)
	}
}

// TestSigningKeyRefused: a key file the server cannot sign with stops
// the start-up with the path and the reason.
func TestSigningKeyRefused(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	for path, want := range map[string]string{
		filepath.Join("..", "kv", "checkpoint", "testdata", "ec-encrypted-pkcs8.pem"): "encrypted",
		filepath.Join("..", "kv", "checkpoint", "testdata", "p384.pem"):               "P-384",
		filepath.Join("..", "kv", "checkpoint", "testdata", "ec.pub.pem"):             "public key",
		filepath.Join("..", "kv", "checkpoint", "testdata", "rsa.pem"):                "RSA",
		missing: "no such file",
	} {
		_, err := server.Start(context.Background(), server.Config{DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0",
			AdminPassword: "Test!pw0rd", Logger: zerolog.Nop(), KV: kv.Options{MinFreeBytes: -1}, SigningKey: path})
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming the file and %q", path, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("a refused key left a data directory behind")
	}
}

func startSigned(t *testing.T, keyFile string) *server.Server {
	t.Helper()
	return startServer(t, func(c *server.Config) { c.SigningKey = keyFile })
}
