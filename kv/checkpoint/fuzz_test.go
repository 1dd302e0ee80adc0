package checkpoint

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors wrap
// ErrMalformed, and that whatever it accepts is canonical: it validates and
// marshals back to exactly the input. Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		cp, err := Parse(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if err := cp.Validate(); err != nil {
			t.Fatalf("Parse accepted %q but Validate says %v", body, err)
		}
		if got := cp.Marshal(); !bytes.Equal(got, body) {
			t.Fatalf("Parse(%q) re-marshals to %q", body, got)
		}
	})
}

// FuzzOpen checks that Open never panics on any bytes, fails only with the
// documented error kinds, and on success returns a checkpoint that
// marshals to exactly the signed text and that ParseUnverified agrees
// with. The verifiers are the committed openssl fixtures; seeds in
// testdata/fuzz/FuzzOpen include notes they signed, so mutations explore
// the verified paths too.
func FuzzOpen(f *testing.F) {
	verifiers := []*Verifier{verifierFromPEM(f, "ed25519.pub.pem"), verifierFromPEM(f, "ec.pub.pem")}
	f.Fuzz(func(t *testing.T, msg []byte) {
		cp, err := Open(msg, verifiers...)
		if kind := errorKind(err); kind == "other" {
			t.Fatalf("Open error %v is none of the documented kinds", err)
		}
		if err != nil {
			return
		}
		text := msg[:bytes.LastIndex(msg, []byte("\n\n"))+1]
		if got := cp.Marshal(); !bytes.Equal(got, text) {
			t.Fatalf("Open(%q) returned %+v, which marshals to %q", msg, cp, got)
		}
		again, _, err := ParseUnverified(msg)
		if err != nil || !reflect.DeepEqual(again, cp) {
			t.Fatalf("ParseUnverified(%q) = %+v, %v; Open gave %+v", msg, again, err, cp)
		}
	})
}
