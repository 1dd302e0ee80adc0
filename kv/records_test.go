package kv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stela-db/stela/kv/format"
)

func TestVersionKeyOrder(t *testing.T) {
	keys := [][]byte{
		{0}, {0, 0}, {0, 1}, {0, 0xFF}, {1}, {1, 0}, {0xFF}, {0xFF, 0}, {0xFF, 0xFF},
		[]byte("a"), []byte("a\x00"), []byte("a\x00\x00"), []byte("a\x01"), []byte("ab"),
	}
	for _, a := range keys {
		for _, b := range keys {
			for _, ta := range []uint64{1, 7, 1 << 40} {
				for _, tb := range []uint64{1, 7, 1 << 40} {
					ka, kb := versionKey(a, ta), versionKey(b, tb)
					want := bytes.Compare(a, b)
					if want == 0 {
						// Same key: newer versions first.
						switch {
						case ta > tb:
							want = -1
						case ta < tb:
							want = 1
						}
					}
					if got := bytes.Compare(ka, kb); got != want {
						t.Fatalf("versionKey(%x,%d) vs (%x,%d) = %d, want %d", a, ta, b, tb, got, want)
					}
					succ := versionKeySuccessor(a)
					if bytes.Compare(a, b) < 0 && !(bytes.Compare(ka, succ) < 0 && bytes.Compare(succ, kb) <= 0) {
						t.Fatalf("successor of %x does not separate it from %x", a, b)
					}
				}
			}
			k, tx, err := decodeVersionKey(versionKey(a, 42))
			if err != nil || !bytes.Equal(k, a) || tx != 42 {
				t.Fatalf("decodeVersionKey(versionKey(%x, 42)) = %x, %d, %v", a, k, tx, err)
			}
		}
	}
}

func TestVersionRecordRoundTrip(t *testing.T) {
	for _, r := range []versionRecord{
		{kind: format.KindPut, index: 3, time: 99, metadata: []byte("md"), value: []byte("value")},
		{kind: format.KindPut, index: 0, time: -1},
		{kind: format.KindDelete, index: 1 << 31, time: 1 << 50, metadata: []byte{0}},
	} {
		b := r.appendEncoding(nil)
		if len(b) != r.encodedSize() {
			t.Fatalf("encodedSize %d, encoding %d", r.encodedSize(), len(b))
		}
		got, err := decodeVersionRecord(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.appendEncoding(nil), b) {
			t.Fatalf("round trip differs")
		}
	}
}

func FuzzDecodeVersionRecord(f *testing.F) {
	r := versionRecord{kind: format.KindPut, index: 3, time: 99, metadata: []byte("md"), value: []byte("value")}
	f.Add(r.appendEncoding(nil))
	f.Add([]byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeVersionRecord(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		if !bytes.Equal(r.appendEncoding(nil), b) {
			t.Fatalf("not canonical")
		}
	})
}

func FuzzDecodeEntries(f *testing.F) {
	var rec []byte
	rec = format.NewPut([]byte("a"), []byte("1"), nil).AppendEncoding(rec)
	rec = format.NewDelete([]byte("b"), []byte("m")).AppendEncoding(rec)
	f.Add(rec, uint32(2))
	f.Add(rec, uint32(1))
	f.Add([]byte{}, uint32(0xFFFFFFFF))
	f.Fuzz(func(t *testing.T, b []byte, n uint32) {
		entries, err := decodeEntries(b, n)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		var again []byte
		for _, e := range entries {
			again = e.AppendEncoding(again)
		}
		if uint32(len(entries)) != n || !bytes.Equal(again, b) {
			t.Fatalf("not canonical")
		}
	})
}

func FuzzDecodeVersionKey(f *testing.F) {
	f.Add(versionKey([]byte("k\x00ey"), 7))
	f.Add(versionKey([]byte{0}, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, tx, err := decodeVersionKey(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		if !bytes.Equal(versionKey(k, tx), b) {
			t.Fatalf("not canonical: %x -> %x %d", b, k, tx)
		}
	})
}

func FuzzDecodeStoreIdentity(f *testing.F) {
	f.Add(storeIdentity{version: 1, created: 5}.encode())
	f.Add(storeIdentity{version: 2, created: 5, nodesFrom: 7}.encode())
	f.Add(storeIdentity{version: 3, created: 5, nodesFrom: 7, listsFrom: 9}.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodeStoreIdentity(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && id.version <= storeFormatVersion {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		if !bytes.Equal(id.encode(), b) {
			t.Fatalf("not canonical")
		}
	})
}

// TestVersionBounds: the three keys a point read builds in one buffer are
// the ones built apart, for keys with bytes that need escaping, and none
// of them runs into the next.
func TestVersionBounds(t *testing.T) {
	for _, key := range [][]byte{[]byte("k"), {0}, {0, 0, 1}, []byte("row\x00\xff\x00"), bytes.Repeat([]byte{0}, 300)} {
		for _, tx := range []uint64{1, 1 << 40, ^uint64(0)} {
			prefix, upper, seek := versionBounds(versionPrefix(key), tx)
			if !bytes.Equal(prefix, versionPrefix(key)) || !bytes.Equal(upper, versionKeySuccessor(key)) || !bytes.Equal(seek, versionKey(key, tx)) {
				t.Fatalf("key %x tx %d: %x %x %x", key, tx, prefix, upper, seek)
			}
			if cap(prefix) != len(prefix) || cap(upper) != len(upper) {
				t.Fatalf("key %x: an append to a bound would overwrite the next", key)
			}
		}
	}
}

// TestDecodeStoreIdentity: both formats decode, format 1 with no
// transaction keeping its nodes in its header record; a newer format is
// refused by name, not as damage.
func TestDecodeStoreIdentity(t *testing.T) {
	v1, err := decodeStoreIdentity(storeIdentity{version: 1, created: 5}.encode())
	if err != nil || v1.nodesFrom != math.MaxUint64 || v1.created != 5 {
		t.Errorf("format 1: %+v, %v", v1, err)
	}
	if v1.listsFrom != math.MaxUint64 {
		t.Errorf("format 1: lists under their own keys from tx %d", v1.listsFrom)
	}
	v2, err := decodeStoreIdentity(storeIdentity{version: 2, created: 5, nodesFrom: 9}.encode())
	if err != nil || v2.nodesFrom != 9 || v2.listsFrom != math.MaxUint64 {
		t.Errorf("format 2: %+v, %v", v2, err)
	}
	v3, err := decodeStoreIdentity(storeIdentity{version: 3, created: 5, nodesFrom: 9, listsFrom: 12}.encode())
	if err != nil || v3.nodesFrom != 9 || v3.listsFrom != 12 {
		t.Errorf("format 3: %+v, %v", v3, err)
	}
	if _, err := decodeStoreIdentity(storeIdentity{version: 3, created: 5, nodesFrom: 9}.encode()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("format 3 with lists from tx 0: %v", err)
	}
	v4, err := decodeStoreIdentity(storeIdentity{version: 4, created: 5, nodesFrom: 9, listsFrom: 12}.encode())
	if err != nil || v4.version != 4 || v4.nodesFrom != 9 || v4.listsFrom != 12 {
		t.Errorf("format 4: %+v, %v", v4, err)
	}
	newer := storeIdentity{version: 4, created: 5, nodesFrom: 9, listsFrom: 9}.encode()
	binary.BigEndian.PutUint16(newer[8:], 5)
	if _, err := decodeStoreIdentity(newer); err == nil || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "store format 5") {
		t.Errorf("format 5: %v", err)
	}
	for _, bad := range [][]byte{
		storeIdentity{version: 2, created: 5, nodesFrom: 0}.encode(),
		storeIdentity{version: 1, created: 5}.encode()[:17],
		append(storeIdentity{version: 1, created: 5}.encode(), 0),
		storeIdentity{version: 2, created: 5, nodesFrom: 1}.encode()[:18],
	} {
		if _, err := decodeStoreIdentity(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%x: %v, want ErrCorrupt", bad, err)
		}
	}
}
