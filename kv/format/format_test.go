package format_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stela-db/stela/kv/format"
)

// Golden encodings: these bytes are the format. If this test fails, the
// format changed; that needs a new HeaderVersion, not a new expectation.
func TestGoldenEncodings(t *testing.T) {
	e := format.NewPut([]byte("k\x00y"), []byte("value"), []byte{0xAA})
	wantEntry := "01" + "0003" + "6b0079" +
		hex.EncodeToString(func() []byte { s := sha256.Sum256([]byte("value")); return s[:] }()) +
		"00000001" + "aa"
	if got := hex.EncodeToString(e.Encode()); got != wantEntry {
		t.Fatalf("entry encoding\n got %s\nwant %s", got, wantEntry)
	}
	leaf := e.LeafHash()
	if want := sha256.Sum256(append([]byte{0}, e.Encode()...)); leaf != want {
		t.Fatalf("entry leaf hash is not SHA-256(0x00 || encoding)")
	}

	d := format.NewDelete([]byte("gone"), nil)
	wantDelete := "02" + "0004" + "676f6e65" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" + "00000000"
	if got := hex.EncodeToString(d.Encode()); got != wantDelete {
		t.Fatalf("delete encoding\n got %s\nwant %s", got, wantDelete)
	}

	h := format.Header{Version: 1, TxID: 0x0102030405060708, Time: 1_700_000_000_000_000, Entries: 3, EntriesRoot: [32]byte{1, 2, 3}}
	wantHeader := "0001" + "0102030405060708" + "00060a24181e4000" + "00000003" + "0102030000000000000000000000000000000000000000000000000000000000"
	if got := hex.EncodeToString(h.Encode()); got != wantHeader {
		t.Fatalf("header encoding\n got %s\nwant %s", got, wantHeader)
	}
	if want := sha256.Sum256(append([]byte{0}, h.Encode()...)); h.LeafHash() != want {
		t.Fatalf("header leaf hash is not SHA-256(0x00 || encoding)")
	}
	// Pinned leaf hash of this header, computed independently with
	// printf '\x00<header bytes>' | sha256sum.
	if got := hex.EncodeToString(func() []byte { l := h.LeafHash(); return l[:] }()); got != pinnedHeaderLeaf {
		t.Fatalf("header leaf hash %s, want %s", got, pinnedHeaderLeaf)
	}
}

func TestEntryRoundTrip(t *testing.T) {
	for _, e := range []format.Entry{
		format.NewPut([]byte("a"), nil, nil),
		format.NewPut(bytes.Repeat([]byte{0}, format.MaxKeySize), []byte("v"), bytes.Repeat([]byte{7}, 1000)),
		format.NewDelete([]byte("x"), []byte("why")),
	} {
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		enc := e.Encode()
		if len(enc) != e.EncodedSize() {
			t.Fatalf("EncodedSize %d, encoding %d", e.EncodedSize(), len(enc))
		}
		got, n, err := format.DecodeEntry(append(enc, 0xFF))
		if err != nil || n != len(enc) {
			t.Fatalf("decode: %v (used %d of %d)", err, n, len(enc))
		}
		if !bytes.Equal(got.Encode(), enc) || got.LeafHash() != e.LeafHash() {
			t.Fatal("round trip differs")
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := format.NewPut([]byte("key"), []byte("v"), []byte("m")).Encode()
	for cut := 0; cut < len(good); cut++ {
		if _, _, err := format.DecodeEntry(good[:cut]); !errors.Is(err, format.ErrCorrupt) {
			t.Fatalf("entry truncated at %d: %v", cut, err)
		}
	}
	bad := append([]byte(nil), good...)
	bad[0] = 9
	if _, _, err := format.DecodeEntry(bad); !errors.Is(err, format.ErrCorrupt) {
		t.Fatalf("bad kind: %v", err)
	}
	h := format.Header{Version: 1, TxID: 1, Entries: 1}
	enc := h.Encode()
	for cut := 0; cut < len(enc); cut++ {
		if _, err := format.DecodeHeader(enc[:cut]); !errors.Is(err, format.ErrCorrupt) {
			t.Fatalf("header truncated at %d: %v", cut, err)
		}
	}
	for _, mutate := range []func(b []byte){
		func(b []byte) { b[1] = 2 },  // version
		func(b []byte) { b[9] = 0 },  // tx id 0
		func(b []byte) { b[21] = 0 }, // 0 entries
	} {
		b := append([]byte(nil), enc...)
		mutate(b)
		if _, err := format.DecodeHeader(b); !errors.Is(err, format.ErrCorrupt) {
			t.Fatalf("mutated header accepted: %v", err)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add(format.NewPut([]byte("key"), []byte("v"), []byte("m")).Encode())
	f.Add(format.NewDelete([]byte("k"), nil).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		e, n, err := format.DecodeEntry(b)
		if err != nil {
			if !errors.Is(err, format.ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded entry invalid: %v", err)
		}
		if !bytes.Equal(e.Encode(), b[:n]) {
			t.Fatal("not canonical")
		}
	})
}

func FuzzDecodeHeader(f *testing.F) {
	h := format.Header{Version: 1, TxID: 5, Time: 12345, Entries: 2}
	f.Add(h.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := format.DecodeHeader(b)
		if err != nil {
			if !errors.Is(err, format.ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		if !bytes.Equal(h.Encode(), b) {
			t.Fatal("not canonical")
		}
	})
}

const pinnedHeaderLeaf = "a7b25db4c033171cf3fe3b317d7aadf283b2e978ef6ad26cb1af098451c0cfd6"
