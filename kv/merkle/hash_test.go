package merkle

import (
	"crypto/sha256"
	"strings"
	"testing"
)

// TestHashDefinitions checks the two hash functions against RFC 9162 §2.1.1
// computed by hand with crypto/sha256.
func TestHashDefinitions(t *testing.T) {
	data := []byte("stela")
	if got, want := LeafHash(data), Hash(sha256.Sum256(append([]byte{0}, data...))); got != want {
		t.Errorf("LeafHash = %v, want %v", got, want)
	}
	l, r := LeafHash([]byte("l")), LeafHash([]byte("r"))
	in := append(append([]byte{1}, l[:]...), r[:]...)
	if got, want := NodeHash(l, r), Hash(sha256.Sum256(in)); got != want {
		t.Errorf("NodeHash = %v, want %v", got, want)
	}
	// Domain separation: a leaf and a node over the same bytes differ.
	if LeafHash(append(l[:], r[:]...)) == NodeHash(l, r) {
		t.Error("LeafHash and NodeHash collide on the same bytes")
	}
	// A long leaf exercises the streaming path of LeafHash.
	big := make([]byte, 10000)
	if got, want := LeafHash(big), Hash(sha256.Sum256(append([]byte{0}, big...))); got != want {
		t.Errorf("LeafHash(10000 bytes) = %v, want %v", got, want)
	}
}

// TestHashStringParse round-trips hex and rejects malformed strings.
func TestHashStringParse(t *testing.T) {
	h := LeafHash([]byte("x"))
	s := h.String()
	if len(s) != 64 || strings.ToLower(s) != s {
		t.Fatalf("String() = %q, want 64 lowercase hex digits", s)
	}
	for _, in := range []string{s, strings.ToUpper(s)} {
		got, err := ParseHash(in)
		if err != nil || got != h {
			t.Errorf("ParseHash(%q) = %v, %v; want %v", in, got, err, h)
		}
	}
	for _, bad := range []string{"", s[:62], s + "00", "zz" + s[2:], s[:63] + "g"} {
		if _, err := ParseHash(bad); err == nil || !strings.HasPrefix(err.Error(), "merkle: ") {
			t.Errorf("ParseHash(%q) error = %v, want a merkle error", bad, err)
		}
	}
}

// TestHashAllocs pins down the allocation-free hashing the package relies on
// for cheap verification.
func TestHashAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation changes inlining")
	}
	data := make([]byte, 100)
	var sink Hash
	if n := testing.AllocsPerRun(100, func() { sink = LeafHash(data) }); n != 0 {
		t.Errorf("LeafHash allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { sink = NodeHash(sink, sink) }); n != 0 {
		t.Errorf("NodeHash allocates %v times", n)
	}
}
