package sql

import (
	"strings"

	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
	"github.com/stela-db/stela/kv/proof"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Proofs through plain SQL: functions any client (psql, JDBC) can call,
// returning JSON that a client checks on its own machine against a
// checkpoint it trusts (docs/PROOFS.md describes every field):
//
//	stela_state()                         the database's signed state
//	stela_tx(n)                           transaction n: header and entries
//	stela_consistency_proof(from, to)     the log of `from` txs is a prefix of the log of `to`
//	stela_row_proof('table', pk...)       the row's latest version is in the log
//	stela_row_proof_at(tx, 'table', pk...) the same, as of tx
//	stela_system_state()                  the system log's state (users, grants, databases)
//	stela_system_tx(n)                    system transaction n (superusers only)
//	stela_public_key()                    the PEM public key checkpoints are signed with (NULL: unsigned)
//
// Hashes are lowercase hex; byte strings (keys, values, encodings) are
// base64; "proof" fields hold the binary encodings of kv/proof.

// proofFuncArity is each function's argument count (-1: at least the
// table, then the key columns).
var proofFuncArity = map[string]int{
	"stela_state": 0, "stela_tx": 1, "stela_consistency_proof": 2, "stela_row_proof": -1, "stela_row_proof_at": -2,
	"stela_row_proof_bytes": -2, "stela_system_state": 0, "stela_system_tx": 1,
	"stela_public_key": 0,
}

// proofFunc builds a call of a proof function; nil for other names.
func (pl *planner) proofFunc(b *expr.Builder, f *pg_query.FuncCall, name string) (expr.Expr, error) {
	arity, ok := proofFuncArity[name]
	if !ok {
		return nil, nil
	}
	min := arity
	if arity < 0 {
		min = -arity + 1 // table and at least one key value
	}
	if len(f.Args) < min || (arity >= 0 && len(f.Args) != arity) {
		return nil, pgerror.Newf(pgcode.UndefinedFunction, "function %s with %d arguments does not exist", name, len(f.Args)).
			WithPosition(int(f.Location) + 1)
	}
	args := make([]expr.Expr, len(f.Args))
	for i, a := range f.Args {
		var err error
		switch {
		case (name == "stela_tx" || name == "stela_system_tx" || name == "stela_consistency_proof") || ((name == "stela_row_proof_at" || name == "stela_row_proof_bytes") && i == 0):
			args[i], err = b.BuildAs(a, types.Int8, name+"()")
		case (name == "stela_row_proof" && i == 0) || ((name == "stela_row_proof_at" || name == "stela_row_proof_bytes") && i == 1):
			args[i], err = b.BuildAs(a, types.Text, name+"()")
		default:
			// Key values of any type are cast to text here and parsed as
			// the key column's type when the call runs (the table is
			// known only then).
			var e expr.Expr
			if e, err = b.Build(a); err == nil {
				if t := e.Type(); t == nil || t.Oid == types.Unknown.Oid {
					args[i], err = b.BuildAs(a, types.Text, name+"()")
				} else {
					args[i] = &expr.Cast{Arg: e, T: types.Text, Explicit: true}
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return &proofCall{name: name, args: args}, nil
}

type proofCall struct {
	name string
	args []expr.Expr
}

func (f *proofCall) Type() *types.T {
	switch f.name {
	case "stela_row_proof_bytes":
		return types.Bytea
	case "stela_public_key":
		return types.Text
	}
	return types.JSON
}
func (f *proofCall) Children() []expr.Expr { return f.args }
func (f *proofCall) IsVolatile() bool      { return true }
func (f *proofCall) String() string        { return f.name + "(...)" }

func (f *proofCall) Eval(ctx *expr.Context) (types.Datum, error) {
	vals, err := evalStrict(ctx, f.args)
	if vals == nil || err != nil {
		return nil, err // strict: a NULL argument gives NULL
	}
	x := ctx.Exec.(*execCtx)
	st := x.sess.db.Store
	// The log's state and headers are the read level's (SELECT on the
	// database's tables); a row proof needs SELECT on its table, checked
	// in rowProof.
	// The system log's state is anyone's to check; its entries hold
	// password verifiers and are a superuser's only.
	if !strings.HasPrefix(f.name, "stela_row_proof") && !strings.HasPrefix(f.name, "stela_system") {
		if err := x.sess.checkNeeds([]privNeed{{tables: "r", object: "function " + f.name}}); err != nil {
			return nil, err
		}
	}
	var out any
	switch f.name {
	case "stela_state":
		out = stateJSON(x.sess.db.Name, st.Checkpoint(), st.Signer())
	case "stela_public_key":
		return publicKeyPEM(st.Signer())
	case "stela_tx":
		out, err = txJSON(st, vals[0].(int64))
	case "stela_system_state":
		sys := x.sess.engine.sys.Store()
		out = stateJSON("", sys.Checkpoint(), sys.Signer())
	case "stela_system_tx":
		if !x.sess.currentSuperuser() {
			return nil, errSystemTxPrivilege()
		}
		out, err = txJSON(x.sess.engine.sys.Store(), vals[0].(int64))
	case "stela_consistency_proof":
		out, err = consistencyJSON(st, vals[0].(int64), vals[1].(int64))
	case "stela_row_proof", "stela_row_proof_at", "stela_row_proof_bytes":
		var at int64
		if f.name != "stela_row_proof" {
			at, vals = vals[0].(int64), vals[1:]
		}
		rp, err := x.rowProof(at, vals[0].(string), vals[1:])
		if err != nil {
			return nil, err
		}
		if f.name == "stela_row_proof_bytes" {
			return rp.bytes(), nil
		}
		out = rp.json()
	}
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	// A json datum is its text; encoding/json wrote valid JSON.
	return string(b), nil
}

type stateOut struct {
	Database   string `json:"database,omitempty"` // empty for the system log
	Origin     string `json:"origin"`
	Tx         uint64 `json:"tx"`
	Root       string `json:"root"`
	Checkpoint string `json:"checkpoint"`
	Signed     bool   `json:"signed"`
	// The signing key, when signed: its name in the signature line (the
	// origin), its signed-note key ID (8 hex digits) and its name-free
	// fingerprint (checkpoint.Fingerprint), the same for every database.
	KeyName        string `json:"key_name,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
	KeyFingerprint string `json:"key_fingerprint,omitempty"`
}

func stateJSON(db string, cp kv.Checkpoint, signer checkpoint.Signer) stateOut {
	out := stateOut{Database: db, Origin: cp.Origin, Tx: cp.Size, Root: hex.EncodeToString(cp.Root[:]), Checkpoint: string(cp.Note), Signed: cp.Signed}
	if signer != nil && cp.Signed {
		out.KeyName = signer.Name()
		out.KeyID = fmt.Sprintf("%08x", signer.KeyID())
		out.KeyFingerprint, _ = checkpoint.Fingerprint(signer.Public())
	}
	return out
}

// publicKeyPEM is stela_public_key(): the signer's public key as PEM text,
// NULL when checkpoints are not signed.
func publicKeyPEM(signer checkpoint.Signer) (types.Datum, error) {
	if signer == nil {
		return nil, nil
	}
	b, err := checkpoint.MarshalPublicKeyPEM(signer)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// checkTxID refuses a tx id outside the log with 22023.
func checkTxID(st *kv.Store, n int64, what string) (uint64, error) {
	last := st.LastTx()
	if n < 1 || uint64(n) > last {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%s %d is not a transaction of the log (1..%d)", what, n, last)
	}
	return uint64(n), nil
}

type entryOut struct {
	Kind        string  `json:"kind"`
	Key         []byte  `json:"key"`
	ValueDigest string  `json:"value_digest"`
	Metadata    []byte  `json:"metadata"`
	Value       *[]byte `json:"value"`
	LeafHash    string  `json:"leaf_hash"`
}

type headerOut struct {
	Version     uint16 `json:"version"`
	Tx          uint64 `json:"tx"`
	Time        string `json:"time"`
	TimeMicros  int64  `json:"time_micros"`
	Entries     uint32 `json:"entries"`
	EntriesRoot string `json:"entries_root"`
	LeafHash    string `json:"leaf_hash"`
	Encoding    []byte `json:"encoding"`
}

func headerJSON(h format.Header) headerOut {
	leaf := h.LeafHash()
	return headerOut{Version: h.Version, Tx: h.TxID, Time: h.CommitTime().Format(time.RFC3339Nano), TimeMicros: h.Time,
		Entries: h.Entries, EntriesRoot: hex.EncodeToString(h.EntriesRoot[:]), LeafHash: hex.EncodeToString(leaf[:]), Encoding: h.Encode()}
}

type txOut struct {
	Header  headerOut  `json:"header"`
	Entries []entryOut `json:"entries"`
}

func txJSON(st *kv.Store, n int64) (any, error) {
	id, err := checkTxID(st, n, "transaction")
	if err != nil {
		return nil, err
	}
	tx, err := st.Tx(id)
	if err != nil {
		return nil, err
	}
	out := txOut{Header: headerJSON(tx.Header)}
	for _, e := range tx.Entries {
		leaf := e.LeafHash()
		eo := entryOut{Kind: "put", Key: e.Key, ValueDigest: hex.EncodeToString(e.ValueDigest[:]), Metadata: e.Metadata, LeafHash: hex.EncodeToString(leaf[:])}
		if e.Kind == format.KindDelete {
			eo.Kind = "delete"
		} else {
			v := e.Value
			eo.Value = &v
		}
		out.Entries = append(out.Entries, eo)
	}
	return out, nil
}

func hexPath(p []merkle.Hash) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

type consistencyOut struct {
	From  uint64   `json:"from"`
	To    uint64   `json:"to"`
	Path  []string `json:"path"`
	Proof []byte   `json:"proof"`
}

func consistencyJSON(st *kv.Store, from, to int64) (any, error) {
	a, err := checkTxID(st, from, "from")
	if err != nil {
		return nil, err
	}
	b, err := checkTxID(st, to, "to")
	if err != nil {
		return nil, err
	}
	if a > b {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "from (%d) is after to (%d)", a, b)
	}
	p, err := st.ProveConsistency(a, b)
	if err != nil {
		return nil, err
	}
	bin, err := p.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return consistencyOut{From: a, To: b, Path: hexPath(p.Path), Proof: bin}, nil
}

type rowProofOut struct {
	Table      string    `json:"table"`
	TableID    uint32    `json:"table_id"`
	Key        []byte    `json:"key"`
	Tx         uint64    `json:"tx"`
	Deleted    bool      `json:"deleted"`
	Value      []byte    `json:"value"`
	Metadata   []byte    `json:"metadata"`
	EntryIndex uint32    `json:"entry_index"`
	EntryPath  []string  `json:"entry_path"`
	Header     headerOut `json:"header"`
	Size       uint64    `json:"size"`
	TxPath     []string  `json:"tx_path"`
	Proof      []byte    `json:"proof"`
	Checkpoint string    `json:"checkpoint"`
	Origin     string    `json:"origin"`
	Root       string    `json:"root"`
}

// rowProof proves the version of a row (by primary key) read at tx (0:
// the latest), in the log as of the current checkpoint.
func (x *execCtx) rowProof(at int64, table string, key []types.Datum) (*rowProofData, error) {
	st := x.sess.db.Store
	cp := st.Checkpoint()
	atTx := cp.Size
	if at != 0 {
		var err error
		if atTx, err = checkTxID(st, at, "tx"); err != nil {
			return nil, err
		}
	}
	d, err := x.relationByText(table)
	if err != nil {
		return nil, err
	}
	if err := x.sess.checkTable("r", d); err != nil {
		return nil, err
	}
	if d.Kind != catalog.KindTable {
		return nil, pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a table", d.Name)
	}
	l := x.tableLayout(table, d)
	if len(d.Table.Truncated) > 0 {
		// Before a TRUNCATE, the row was under the table's storage of then.
		id, err := catalog.StorageAt(x.txn, d, atTx)
		if err != nil {
			return nil, err
		}
		if id != l.TableID {
			past := *l
			past.TableID = id
			l = &past
		}
	}
	pk := l.Indexes[0]
	if len(key) != len(pk.Cols) {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "table \"%s\" has a primary key of %d columns, %d values given", d.Name, len(pk.Cols), len(key))
	}
	row := make([]types.Datum, len(l.Types))
	for i, c := range pk.Cols {
		v, err := l.Types[c].ParseText(key[i].(string), x.sess.FormatSettings())
		if err != nil {
			return nil, err
		}
		row[c] = v
	}
	k, err := l.RowKey(row)
	if err != nil {
		return nil, err
	}
	p, err := st.ProveKey(k, atTx, cp.Size)
	if errors.Is(err, kv.ErrNotFound) {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "table \"%s\" has no row with this key at tx %d", d.Name, atTx)
	}
	if err != nil {
		return nil, err
	}
	bin, err := p.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &rowProofData{table: d, storage: l.TableID, key: k, p: p, bin: bin, cp: cp}, nil
}

// rowProofData is a row's proof before it is written out as JSON or as
// bytes.
type rowProofData struct {
	table   *catalog.Descriptor
	storage uint32 // the table id in key: the table's storage at the proof's tx
	key     []byte
	p       *proof.KeyProof
	bin     []byte // p's binary encoding
	cp      kv.Checkpoint
}

func (r *rowProofData) json() rowProofOut {
	p := r.p
	return rowProofOut{Table: r.table.Name, TableID: r.storage, Key: r.key, Tx: p.Header.TxID, Deleted: p.Deleted, Value: p.Value, Metadata: p.Metadata,
		EntryIndex: p.EntryIndex, EntryPath: hexPath(p.EntryPath), Header: headerJSON(p.Header), Size: p.Size,
		TxPath: hexPath(p.TxPath), Proof: r.bin, Checkpoint: string(r.cp.Note), Origin: r.cp.Origin, Root: hex.EncodeToString(r.cp.Root[:])}
}

// bytes is stela_row_proof_bytes's answer: the row proof for clients that
// check many rows, without JSON (docs/PROOFS.md):
//
//	"SRP" 0x01 || uvarint(len(checkpoint)) || checkpoint note
//	|| table id (4 bytes, big-endian) || kv/proof key proof encoding
func (r *rowProofData) bytes() []byte {
	b := append(make([]byte, 0, 4+binary.MaxVarintLen64+len(r.cp.Note)+4+len(r.bin)), "SRP\x01"...)
	b = binary.AppendUvarint(b, uint64(len(r.cp.Note)))
	b = append(b, r.cp.Note...)
	b = binary.BigEndian.AppendUint32(b, r.storage)
	return append(b, r.bin...)
}
