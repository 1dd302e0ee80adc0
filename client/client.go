package client

import (
	"bytes"
	"context"
	"crypto"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/proof"
)

// Verification failures. A server that fails one is not to be believed;
// the trusted state is left as it was.
var (
	// ErrForked: the server's log is not an extension of the trusted one
	// (history rewritten, or another log served under the same name).
	ErrForked = errors.New("client: the server's log does not extend the trusted state")
	// ErrRolledBack: the server's log is shorter than the trusted one.
	ErrRolledBack = errors.New("client: the server's log is shorter than the trusted state")
	// ErrBadProof: a row proof does not verify against the server's own
	// checkpoint, or proves another row than the one asked for.
	ErrBadProof = errors.New("client: proof does not verify")
	// ErrBadCheckpoint: the checkpoint text and the state disagree.
	ErrBadCheckpoint = errors.New("client: malformed or inconsistent checkpoint")
	// ErrUnexpectedKey: a key is pinned (Options.Keys) and the checkpoint
	// is not signed by it.
	ErrUnexpectedKey = errors.New("client: checkpoint not signed by a pinned key")
)

// Client is a connection to one database of a stela server with the
// trusted state kept in a file.
type Client struct {
	Conn      *pgx.Conn
	statePath string
	key       string
	keys      []*checkpoint.Verifier
	pubs      []crypto.PublicKey
	// last is the state this client last trusted (and wrote): a server
	// still at it needs no look at the file.
	last *Trusted
}

// Options configure Open.
type Options struct {
	// StatePath is the state file (created with mode 0600).
	StatePath string
	// Key names the trusted state in the file; default host:port/database
	// of the connection.
	Key string
	// Keys, when set, are the public keys the server's checkpoints must
	// be signed with (see kv/checkpoint.ParseVerifierPEM); without them
	// checkpoints are trusted by consistency alone.
	Keys []*checkpoint.Verifier
	// PublicKeys are pinned like Keys, under the key name each
	// checkpoint's own origin gives (stela signs each database's log
	// under its origin): one public key serves every database of a
	// server. The origin is held to the trusted state's like any other.
	PublicKeys []crypto.PublicKey
}

// Open connects to connString and uses the trusted state in the file.
func Open(ctx context.Context, connString string, opts Options) (*Client, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg, opts)
}

// OpenConfig is Open with a parsed connection configuration, for callers
// that visit several databases of one server.
func OpenConfig(ctx context.Context, connConfig *pgx.ConnConfig, opts Options) (*Client, error) {
	conn, err := pgx.ConnectConfig(ctx, connConfig)
	if err != nil {
		return nil, err
	}
	key := opts.Key
	if key == "" {
		cfg := conn.Config()
		key = fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	}
	return &Client{Conn: conn, statePath: opts.StatePath, key: key, keys: opts.Keys, pubs: opts.PublicKeys}, nil
}

// Close closes the connection.
func (c *Client) Close(ctx context.Context) error { return c.Conn.Close(ctx) }

// serverState is what stela_state() and the row proof say of a state.
type serverState struct {
	Origin     string `json:"origin"`
	Tx         uint64 `json:"tx"`
	Root       string `json:"root"`
	Checkpoint string `json:"checkpoint"`
}

// stateOf reads a state the server sent: its checkpoint (signed by a
// pinned key, when keys are pinned), which must say what its fields say.
func (c *Client) stateOf(s serverState) (Trusted, error) {
	t, err := c.checkpointOf([]byte(s.Checkpoint))
	if err != nil {
		return Trusted{}, err
	}
	root, err := hex.DecodeString(s.Root)
	if err != nil || !bytes.Equal(root, t.Root[:]) || t.Size != s.Tx || t.Origin != s.Origin {
		return Trusted{}, fmt.Errorf("%w: the checkpoint text disagrees with the state", ErrBadCheckpoint)
	}
	return t, nil
}

// queryJSON runs a query returning one json value into dst.
func (c *Client) queryJSON(ctx context.Context, dst any, sql string, args ...any) error {
	var raw string
	if err := c.Conn.QueryRow(ctx, sql+"::text", args...).Scan(&raw); err != nil {
		return err
	}
	return json.Unmarshal([]byte(raw), dst)
}

// advance checks that next, read from the checkpoint note, extends the
// trusted state (asking the server for a consistency proof) and is signed
// as the trusted state was (signer.go), and makes it the trusted state.
// The first state a client sees is trusted as it is (trust on first use).
func (c *Client) advance(ctx context.Context, next Trusted, note []byte) (Trusted, error) {
	if l := c.last; l != nil && l.Origin == next.Origin && l.Size == next.Size && l.Root == next.Root {
		if err := c.checkSigner(ctx, &next, note, l); err != nil {
			return Trusted{}, err
		}
		if next.PublicKey == l.PublicKey {
			return *l, nil
		}
	}
	unlock, err := lockState(c.statePath)
	if err != nil {
		return Trusted{}, err
	}
	defer unlock()
	old, ok, err := loadState(c.statePath, c.key)
	if err != nil {
		return Trusted{}, err
	}
	var prev *Trusted
	if ok {
		prev = &old
	}
	if err := c.checkSigner(ctx, &next, note, prev); err != nil {
		return Trusted{}, err
	}
	if ok {
		switch {
		case old.Origin != next.Origin:
			return Trusted{}, fmt.Errorf("%w: origin %q, trusted %q", ErrForked, next.Origin, old.Origin)
		case next.Size < old.Size:
			return Trusted{}, fmt.Errorf("%w: %d transactions, trusted %d", ErrRolledBack, next.Size, old.Size)
		case next.Size == old.Size:
			if next.Root != old.Root {
				return Trusted{}, fmt.Errorf("%w: another root at size %d", ErrForked, next.Size)
			}
			if next.PublicKey == old.PublicKey {
				c.last = &old
				return old, nil
			}
			// Same state, first seen signed (or under a newly pinned
			// key): trust the key from now on.
		case old.Size > 0:
			var cp struct {
				Proof []byte `json:"proof"`
			}
			if err := c.queryJSON(ctx, &cp, "SELECT stela_consistency_proof($1::bigint, $2::bigint)", old.Size, next.Size); err != nil {
				return Trusted{}, err
			}
			var p proof.ConsistencyProof
			if err := p.UnmarshalBinary(cp.Proof); err != nil {
				return Trusted{}, fmt.Errorf("%w: %v", ErrForked, err)
			}
			if p.Size1 != old.Size || p.Size2 != next.Size {
				return Trusted{}, fmt.Errorf("%w: proof between %d and %d, asked %d and %d", ErrForked, p.Size1, p.Size2, old.Size, next.Size)
			}
			if err := p.Verify(old.Root, next.Root); err != nil {
				return Trusted{}, fmt.Errorf("%w: %v", ErrForked, err)
			}
		}
	}
	if err := saveState(c.statePath, c.key, next); err != nil {
		return Trusted{}, err
	}
	c.last = &next
	return next, nil
}

// VerifyState fetches the server's current state, checks that it extends
// the trusted one, and trusts it.
func (c *Client) VerifyState(ctx context.Context) (Trusted, error) {
	var s serverState
	if err := c.queryJSON(ctx, &s, "SELECT stela_state()"); err != nil {
		return Trusted{}, err
	}
	next, err := c.stateOf(s)
	if err != nil {
		return Trusted{}, err
	}
	return c.advance(ctx, next, []byte(s.Checkpoint))
}

// Exec runs a statement that writes, then verifies that the log grew
// consistently with the trusted state and trusts the new state.
func (c *Client) Exec(ctx context.Context, sql string, args ...any) (Trusted, error) {
	if _, err := c.Conn.Exec(ctx, sql, args...); err != nil {
		return Trusted{}, err
	}
	return c.VerifyState(ctx)
}

// Row is a row version the log proves.
type Row struct {
	// Tx wrote this version; Deleted is set for a delete (Columns nil).
	Tx      uint64
	Deleted bool
	// Columns are the row's values in the table's column order (dropped
	// columns included, as NULL) in PostgreSQL's binary send format, nil
	// for NULL: the bytes the proof hashes, decodable with pgtype.
	Columns [][]byte
	// Key is the row's key in the log.
	Key []byte
}

// VerifiedRow reads the latest version of a row by its primary key (at,
// when not 0: the version a read at that tx sees), with its proof, and
// verifies it: the proof's checkpoint extends the trusted state, the row's
// entry is in its transaction and the transaction in the log. The row is
// decoded from the proven bytes.
func (c *Client) VerifiedRow(ctx context.Context, at uint64, table string, pk ...any) (Row, error) {
	// The binary form (stela_row_proof_bytes): no JSON to encode and
	// decode on every verified read.
	args := append([]any{int64(at), table}, stringify(pk)...)
	sql := "SELECT stela_row_proof_bytes($1::bigint, $2::text"
	for i := range pk {
		sql += fmt.Sprintf(", $%d::text", i+3)
	}
	var raw []byte
	if err := c.Conn.QueryRow(ctx, sql+")", args...).Scan(&raw); err != nil {
		return Row{}, err
	}
	note, tableID, proofBytes, err := splitRowProof(raw)
	if err != nil {
		return Row{}, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	next, err := c.checkpointOf(note)
	if err != nil {
		return Row{}, err
	}
	var kp proof.KeyProof
	if err := kp.UnmarshalBinary(proofBytes); err != nil {
		return Row{}, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	if kp.Size != next.Size || !rowKeyOfTable(kp.Key, tableID) {
		return Row{}, fmt.Errorf("%w: the proof is about another table or state", ErrBadProof)
	}
	if err := kp.Verify(next.Root); err != nil {
		return Row{}, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	if _, err := c.advance(ctx, next, note); err != nil {
		return Row{}, err
	}
	row := Row{Tx: kp.Header.TxID, Deleted: kp.Deleted, Key: kp.Key}
	if !kp.Deleted {
		if row.Columns, err = decodeRow(kp.Value); err != nil {
			return Row{}, fmt.Errorf("%w: %v", ErrBadProof, err)
		}
	}
	return row, nil
}

// splitRowProof splits stela_row_proof_bytes's answer: "SRP" 0x01,
// uvarint(len(note)), the checkpoint note, the table id, the key proof.
func splitRowProof(b []byte) (note []byte, tableID uint32, keyProof []byte, err error) {
	if len(b) < 4 || string(b[:4]) != "SRP\x01" {
		return nil, 0, nil, errors.New("not a row proof")
	}
	b = b[4:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) || uint64(len(b)-k)-n < 4 {
		return nil, 0, nil, errors.New("truncated row proof")
	}
	b = b[k:]
	note, b = b[:n], b[n:]
	return note, binary.BigEndian.Uint32(b), b[4:], nil
}

// checkpointOf reads a checkpoint note as the trusted state it states,
// checking its signature against the pinned keys, if any, and naming the
// pinned key that signed it.
func (c *Client) checkpointOf(note []byte) (Trusted, error) {
	if c.pinned() {
		keys, err := c.pinnedKeys(note)
		if err != nil {
			return Trusted{}, err
		}
		cp, err := checkpoint.Open(note, keys...)
		if err != nil {
			return Trusted{}, fmt.Errorf("%w: %v", ErrUnexpectedKey, err)
		}
		t := Trusted{Origin: cp.Origin, Size: cp.Size, Root: cp.Root}
		if err := bindPinnedKey(&t, note, keys); err != nil {
			return Trusted{}, err
		}
		return t, nil
	}
	body := note
	if i := bytes.Index(body, []byte("\n\n")); i >= 0 {
		body = body[:i+1]
	}
	cp, err := checkpoint.Parse(body)
	if err != nil {
		return Trusted{}, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	return Trusted{Origin: cp.Origin, Size: cp.Size, Root: cp.Root}, nil
}

// stringify passes key values as text, whatever their Go type: the
// server parses them as the key columns' types.
func stringify(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = v
		case []byte:
			out[i] = `\x` + hex.EncodeToString(v) // bytea's text form
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// rowKeyOfTable reports whether key is a row key of the table: 0x02,
// the table id, the primary index (docs/PROOFS.md).
func rowKeyOfTable(key []byte, tableID uint32) bool {
	return len(key) > 7 && key[0] == 0x02 &&
		uint32(key[1])<<24|uint32(key[2])<<16|uint32(key[3])<<8|uint32(key[4]) == tableID &&
		key[5] == 0 && key[6] == 1
}
