package backup

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

// signer returns a new Ed25519 signer and its PEM public key.
func signer(t *testing.T) (checkpoint.Signer, []byte) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := checkpoint.NewEd25519Signer("stela.example/test", key)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := checkpoint.MarshalPublicKeyPEM(s)
	if err != nil {
		t.Fatal(err)
	}
	return s, pem
}

// takeBackup starts a server signing with s (nil: unsigned), writes a
// few transactions to a database and returns a backup of it.
func takeBackup(t *testing.T, s checkpoint.Signer) string {
	t.Helper()
	ctx := context.Background()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1, Signer: s}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	u := url.URL{Scheme: "postgres", User: url.UserPassword("admin", "Test!pw0rd"), Host: srv.Addr.String(), Path: "/defaultdb", RawQuery: "sslmode=disable"}
	c, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{"CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'one')",
		"INSERT INTO t VALUES (2, 'two')", "UPDATE t SET v = 'uno' WHERE id = 1", "DELETE FROM t WHERE id = 2",
		"INSERT INTO t VALUES (3, 'three')"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "b.stela")
	if _, err := Take(ctx, c, TakeOptions{Database: "defaultdb", Out: file}); err != nil {
		t.Fatal(err)
	}
	return file
}

// frame is a frame of a parsed file.
type frame struct {
	kind    byte
	payload []byte
}

// parse splits a file into frames (without the 'E' frame).
func parse(t *testing.T, b []byte) []frame {
	t.Helper()
	fr, err := newFrameReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []frame
	for {
		kind, p, err := fr.next()
		if err != nil {
			t.Fatal(err)
		}
		if kind == kindEnd {
			return out
		}
		out = append(out, frame{kind, append([]byte(nil), p...)})
	}
}

// build writes frames as a well-formed file, as a forger would: valid
// checksums and end hash.
func build(t *testing.T, frames []frame) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := newFrameWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := fw.frame(f.kind, f.payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.end(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// txFrame returns the index of the 'T' frame of tx id.
func txFrame(t *testing.T, frames []frame, id uint64) int {
	t.Helper()
	for i, f := range frames {
		if f.kind == kindTx && binary.BigEndian.Uint64(f.payload[2:10]) == id {
			return i
		}
	}
	t.Fatalf("no frame for tx %d", id)
	return 0
}

// TestRestoreRefuses damages or forges a backup in every way and checks
// that restore refuses it, naming the first bad transaction or the
// checkpoint, and leaves nothing in the data directory.
func TestRestoreRefuses(t *testing.T) {
	s, pem := signer(t)
	file := takeBackup(t, s)
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	frames := parse(t, orig)
	// Sanity: the untouched backup restores.
	if _, err := Restore(context.Background(), file, filepath.Join(t.TempDir(), "ok"), RestoreOptions{PublicKey: pem}); err != nil {
		t.Fatalf("the untouched backup: %v", err)
	}
	const bad = 4 // the tx damaged below
	edit := func(f func(fs []frame) []frame) []byte {
		fs := make([]frame, len(frames))
		for i, fr := range frames {
			fs[i] = frame{fr.kind, append([]byte(nil), fr.payload...)}
		}
		return build(t, f(fs))
	}
	editLog := func(change func(l *logInfo)) []byte {
		return edit(func(fs []frame) []frame {
			var l logInfo
			if err := json.Unmarshal(fs[1].payload, &l); err != nil {
				t.Fatal(err)
			}
			change(&l)
			fs[1].payload, _ = json.Marshal(l)
			return fs
		})
	}
	flipped := append([]byte(nil), orig...)
	// The last byte of tx 4's record, inside the file: damage by accident
	// (checksums not recomputed).
	at := bytes.Index(flipped, frames[txFrame(t, frames, bad)].payload) + len(frames[txFrame(t, frames, bad)].payload) - 1
	flipped[at] ^= 0x40

	_, other := signer(t)
	cases := []struct {
		name string
		file []byte
		key  []byte
		tx   uint64 // first bad tx; 0: the checkpoint or the file
		want string
	}{
		{"flipped byte", flipped, pem, bad, "checksum mismatch"},
		{"forged value", edit(func(fs []frame) []frame {
			p := fs[txFrame(t, fs, bad)].payload
			p[len(p)-1] ^= 0x40
			return fs
		}), pem, bad, ""},
		{"truncated", orig[:at], pem, bad, "truncated"},
		{"end frame cut", orig[:len(orig)-20], pem, 0, "truncated"},
		{"dropped tx", edit(func(fs []frame) []frame {
			i := txFrame(t, fs, bad)
			return append(fs[:i], fs[i+1:]...)
		}), pem, bad, "missing, repeated or out of order"},
		{"last tx dropped", edit(func(fs []frame) []frame { return fs[:len(fs)-1] }), pem, uint64(len(frames) - 2), "its checkpoint covers"},
		{"checkpoint root", editLog(func(l *logInfo) {
			l.Checkpoint = strings.Replace(l.Checkpoint, "\n", "\nX", 2)
		}), pem, 0, "not signed by the given public key"},
		{"checkpoint root, no key", editLog(func(l *logInfo) {
			cp, _, err := checkpoint.ParseUnverified([]byte(l.Checkpoint))
			if err != nil {
				t.Fatal(err)
			}
			cp.Root[0] ^= 1
			l.Checkpoint = string(cp.Marshal())
		}), nil, 0, "do not match the checkpoint"},
		{"other key", orig, other, 0, "not signed by the given public key"},
		{"unsigned with a key", editLog(func(l *logInfo) {
			cp, _, _ := checkpoint.ParseUnverified([]byte(l.Checkpoint))
			l.Checkpoint = string(cp.Marshal())
		}), pem, 0, "not signed by the given public key"},
		{"path outside", editLog(func(l *logInfo) { l.Dir = "databases/../../x" }), pem, 0, "is not one a data directory has"},
		{"not a backup", []byte("hello\n"), pem, 0, "not a stela backup"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "in.stela")
			if err := os.WriteFile(in, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "data")
			_, err := Restore(context.Background(), in, dir, RestoreOptions{PublicKey: c.key})
			var re *RefusedError
			if !errors.As(err, &re) || re.TxID != c.tx || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v; want a refusal at tx %d mentioning %q", err, c.tx, c.want)
			}
			if c.tx != 0 && !strings.Contains(err.Error(), fmt.Sprintf("first bad transaction: tx %d", c.tx)) {
				t.Fatalf("message %q does not name tx %d", err, c.tx)
			}
			if names, _ := os.ReadDir(dir); len(names) != 0 {
				t.Fatalf("a refused restore left %v in the data directory", names)
			}
		})
	}
}
