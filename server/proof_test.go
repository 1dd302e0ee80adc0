package server_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/kv/merkle"
	"github.com/stela-db/stela/kv/proof"
	"github.com/stela-db/stela/sql/types"
)

// TestProofFunctions reads a row's proof and the state through plain SQL
// and checks them as a client would: with kv/proof against the state's
// root, and the transaction's inclusion once more with an independent
// implementation (golang.org/x/mod/sumdb/tlog, RFC 6962 hashing); the
// proven value decodes to the row SELECT returns; a consistency proof
// links an older state to the newer one.
func TestProofFunctions(t *testing.T) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, startForFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE r (id int PRIMARY KEY, v text, n int)",
		"INSERT INTO r VALUES (1, 'a', 10), (2, 'b', 20)",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var st1 struct {
		Tx   uint64 `json:"tx"`
		Root string `json:"root"`
	}
	readJSON := func(dst any, q string, args ...any) {
		t.Helper()
		var raw string
		if err := c.QueryRow(ctx, q+"::text", args...).Scan(&raw); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if err := json.Unmarshal([]byte(raw), dst); err != nil {
			t.Fatalf("%s: %v in %s", q, err, raw)
		}
	}
	readJSON(&st1, "SELECT stela_state()")
	if _, err := c.Exec(ctx, "UPDATE r SET v = 'c' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	var st2 struct {
		Tx   uint64 `json:"tx"`
		Root string `json:"root"`
	}
	readJSON(&st2, "SELECT stela_state()")
	root := func(s string) merkle.Hash {
		var h merkle.Hash
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != len(h) {
			t.Fatalf("bad root %q", s)
		}
		copy(h[:], b)
		return h
	}

	var rp struct {
		Tx     uint64   `json:"tx"`
		Size   uint64   `json:"size"`
		TxPath []string `json:"tx_path"`
		Proof  []byte   `json:"proof"`
		Value  []byte   `json:"value"`
	}
	readJSON(&rp, "SELECT stela_row_proof('r', $1::int)", 1)
	var kp proof.KeyProof
	if err := kp.UnmarshalBinary(rp.Proof); err != nil {
		t.Fatal(err)
	}
	if rp.Size != st2.Tx || kp.Size != st2.Tx {
		t.Fatalf("proof at size %d/%d, state at %d", rp.Size, kp.Size, st2.Tx)
	}
	if err := kp.Verify(root(st2.Root)); err != nil {
		t.Fatalf("row proof does not verify: %v", err)
	}
	// The same inclusion, checked by golang.org/x/mod/sumdb/tlog.
	var tp tlog.RecordProof
	for _, h := range rp.TxPath {
		tp = append(tp, tlog.Hash(root(h)))
	}
	leaf := kp.Header.LeafHash()
	if err := tlog.CheckRecord(tp, int64(rp.Size), tlog.Hash(root(st2.Root)), int64(kp.Header.TxID-1), tlog.Hash(leaf)); err != nil {
		t.Fatalf("tlog rejects the tx path: %v", err)
	}
	// The proven value is the row: id 1, 'c', 10.
	row, err := keyenc.DecodeRow(rp.Value, []*types.T{types.Int4, types.Text, types.Int4})
	if err != nil {
		t.Fatal(err)
	}
	if row[0] != int64(1) || row[1] != "c" || row[2] != int64(10) {
		t.Fatalf("proven row %v, want [1 c 10]", row)
	}
	// A tampered value fails.
	kp.Value = append([]byte(nil), kp.Value...)
	kp.Value[len(kp.Value)-1] ^= 1
	if err := kp.Verify(root(st2.Root)); err == nil {
		t.Fatal("a changed value still verifies")
	}

	var cp struct {
		Proof []byte `json:"proof"`
	}
	readJSON(&cp, "SELECT stela_consistency_proof($1::bigint, $2::bigint)", st1.Tx, st2.Tx)
	var cproof proof.ConsistencyProof
	if err := cproof.UnmarshalBinary(cp.Proof); err != nil {
		t.Fatal(err)
	}
	if err := cproof.Verify(root(st1.Root), root(st2.Root)); err != nil {
		t.Fatalf("consistency proof: %v", err)
	}
	var tpath tlog.TreeProof
	for _, h := range cproof.Path {
		tpath = append(tpath, tlog.Hash(h))
	}
	if err := tlog.CheckTree(tpath, int64(st2.Tx), tlog.Hash(root(st2.Root)), int64(st1.Tx), tlog.Hash(root(st1.Root))); err != nil {
		t.Fatalf("tlog rejects the consistency proof: %v", err)
	}
}
