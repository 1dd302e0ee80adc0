package catalog

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
)

func openFuncDB(t *testing.T) *engine.DB {
	t.Helper()
	l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1, Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return engine.NewDB(s)
}

func putFunc(t *testing.T, txn *engine.Txn, id uint32, name string, args ...uint32) *Descriptor {
	t.Helper()
	d := &Descriptor{Kind: KindFunction, ID: id, Name: name, Schema: PublicID,
		Function: &FunctionDesc{ArgOids: args, ResultOid: 23, Language: "sql", Body: "SELECT 1", Volatility: "v"}}
	if err := Put(txn, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// Overloads share a name and differ by argument types: each has its own
// name entry, all are one prefix scan, and a name that another name
// starts with is not among them.
func TestFunctionOverloads(t *testing.T) {
	db := openFuncDB(t)
	txn, err := db.Begin(engine.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	putFunc(t, txn, FirstUserID, "f", 23)
	two := putFunc(t, txn, FirstUserID+1, "f", 23, 25)
	putFunc(t, txn, FirstUserID+2, "f", 25)
	putFunc(t, txn, FirstUserID+3, "ff", 23)
	putFunc(t, txn, FirstUserID+4, "g")

	fs, err := Functions(txn, PublicID, "f")
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for _, d := range fs {
		ids = append(ids, d.ID)
	}
	if len(ids) != 3 || ids[0] != FirstUserID || ids[1] != FirstUserID+1 || ids[2] != FirstUserID+2 {
		t.Fatalf("Functions(f) = %v", ids)
	}
	if d, err := LookupFunction(txn, PublicID, "f", []uint32{23, 25}); err != nil || d == nil || d.ID != two.ID {
		t.Fatalf("LookupFunction(f, int, text) = %v, %v", d, err)
	}
	if d, err := LookupFunction(txn, PublicID, "f", []uint32{20}); err != nil || d != nil {
		t.Fatalf("LookupFunction(f, bigint) = %v, %v", d, err)
	}
	if d, err := LookupFunction(txn, PublicID, "g", nil); err != nil || d == nil {
		t.Fatalf("LookupFunction(g) = %v, %v", d, err)
	}

	// Rename moves the name entry; Delete removes it.
	if err := Rename(txn, two, "h"); err != nil {
		t.Fatal(err)
	}
	if fs, err := Functions(txn, PublicID, "f"); err != nil || len(fs) != 2 {
		t.Fatalf("after rename, Functions(f) = %d, %v", len(fs), err)
	}
	if d, err := LookupFunction(txn, PublicID, "h", []uint32{23, 25}); err != nil || d == nil {
		t.Fatalf("LookupFunction(h) = %v, %v", d, err)
	}
	if err := Delete(txn, two); err != nil {
		t.Fatal(err)
	}
	if fs, err := Functions(txn, PublicID, "h"); err != nil || len(fs) != 0 {
		t.Fatalf("after delete, Functions(h) = %d, %v", len(fs), err)
	}
	if d, err := Get(txn, two.ID); err != nil || d != nil {
		t.Fatalf("after delete, Get = %v, %v", d, err)
	}
}
