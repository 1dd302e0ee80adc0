package passwd

import (
	"strings"
	"testing"
)

func TestVerifierRoundTrip(t *testing.T) {
	v, err := NewVerifier("S3cret!pw")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "SCRAM-SHA-256$4096:") {
		t.Fatalf("verifier %q", v)
	}
	c, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if Format(c) != v {
		t.Fatal("Format(Parse(v)) != v")
	}
	if !Check(v, "S3cret!pw") || Check(v, "S3cret!pW") || Check("garbage", "x") {
		t.Fatal("Check")
	}
}

// A verifier PostgreSQL 15 itself produced for the password "postgres"
// (SET password_encryption = 'scram-sha-256'; ALTER ROLE ... PASSWORD
// 'postgres'; SELECT rolpassword FROM pg_authid): our Check must accept it.
func TestCheckAcceptsPostgresVerifier(t *testing.T) {
	const pg = "SCRAM-SHA-256$4096:OsEkVSfcSFpFJjIIIJAtOQ==$OGmowzBQdl+LFg9P1bDYaekwKdfYO0GVklBDovuzE40=:q5T5YkrMHHhky6aF/tUm9zSqiiIbjt6rT2nJ26nhBgQ="
	if _, err := Parse(pg); err != nil {
		t.Fatal(err)
	}
	if !Check(pg, "postgres") || Check(pg, "Postgres") {
		t.Fatal("PostgreSQL's verifier of 'postgres' does not check")
	}
}

func TestParseRejects(t *testing.T) {
	for _, v := range []string{"", "md5abc", "SCRAM-SHA-256$", "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA", "SCRAM-SHA-256$x:c2FsdA==$a:b"} {
		if _, err := Parse(v); err == nil {
			t.Errorf("Parse(%q) accepted", v)
		}
	}
}

func TestPolicyAndGenerate(t *testing.T) {
	for pw, ok := range map[string]bool{"Ab1!efgh": true, "Ab1!efg": false, "ab1!efgh": false, "AB1!EFGH": false, "Abc!efgh": false, "Ab1cefgh": false} {
		if err := Policy(pw); (err == nil) != ok {
			t.Errorf("Policy(%q) = %v", pw, err)
		}
	}
	for i := 0; i < 100; i++ {
		pw, err := Generate()
		if err != nil || Policy(pw) != nil {
			t.Fatalf("Generate() = %q, %v", pw, err)
		}
	}
}

func TestDecoyIsStablePerUser(t *testing.T) {
	a, b := Decoy([]byte("k"), "alice"), Decoy([]byte("k"), "alice")
	if a.Salt != b.Salt || Decoy([]byte("k"), "bob").Salt == a.Salt {
		t.Fatal("decoy salt must be stable per user and differ between users")
	}
}
