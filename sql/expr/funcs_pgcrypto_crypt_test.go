package expr

import (
	"context"
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// cryptVectors are crypt(password, salt) as PostgreSQL 15's pgcrypto
// computes them.
var cryptVectors = []struct{ password, salt, want string }{
	{"", "$1$", "$1$$qRPK7m23GJusamGpoGLby/"},
	{"pw", "$1$", "$1$$F0Fc2lbYpzr3KKdKkM0Wj."},
	{"password", "$1$", "$1$$I2o9Z7NcvQAKp7wyCTlia0"},
	{"0123456789abcdef", "$1$", "$1$$1GB3AJvgv92PN/0Y38a5/."},
	{"pw", "$1$saltsalt", "$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1"},
	{"pw", "$1$saltsaltlonger$", "$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1"},
	{"pw", "$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1", "$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1"},
	{"pw", "$1$ab!*$cd", "$1$ab!*$ADMmJG4k/KaNETXkcWRy01"},
	{"pwé", "$1$saltsalt", "$1$saltsalt$101Qk/6N.6NTYxcnkg9zV0"},
	{strings.Repeat("z", 73), "$1$saltsalt", "$1$saltsalt$nsMBLWf1jdlBvgXFumJdb/"},
	{"日本語パスワード", "$1$./09AZaz$xxx", "$1$./09AZaz$J/MXty0GlFRCxrceoOeIT."},

	{"", "$2a$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq"},
	{"pw", "$2a$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuuyvPXIbu7xe6/CED2DzX8z6Si09MlzlW"},
	// The salt's 22nd character carries 4 unused bits: re-encoded.
	{"pw", "$2a$06$abcdefghijklmnopqrstuv", "$2a$06$abcdefghijklmnopqrstuuXOw8daVruAKMR3X3ty3bsuEmsp0E2Ba"},
	{"pw", "$2a$06$abcdefghijklmnopqrstuuXOw8daVruAKMR3X3ty3bsuEmsp0E2Ba", "$2a$06$abcdefghijklmnopqrstuuXOw8daVruAKMR3X3ty3bsuEmsp0E2Ba"},
	{"pwé", "$2a$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuujsQhHjRSIF57ubu2gPTdap.fRnqh.Gy"},
	{"日本語パスワード", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.QSYG636oPNc4ZJU1hzozdL8qIBHEkKS"},
	// Only the first 72 bytes count.
	{strings.Repeat("y", 72), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.4eQhVFG83RE7Ujg6.w.JlWjHZKEWAHC"},
	{strings.Repeat("a", 100), "$2a$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe"},
	{strings.Repeat("a", 72), "$2a$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe"},
	// "$2x$" is "$2a$" for ASCII passwords.
	{"password", "$2x$04$......................", "$2x$04$......................LAtw7/ohmmBAhnXqmkuIz83Rl5Qdjhm"},
}

func TestCryptMatchesPgcrypto(t *testing.T) {
	c := &Context{Ctx: context.Background()}
	for _, v := range cryptVectors {
		got, err := pgCrypt(c, v.password, v.salt)
		if err != nil || got != v.want {
			t.Errorf("crypt(%q, %q) = %q, %v; want %q", v.password, v.salt, got, err, v.want)
		}
	}
}

func TestCryptErrors(t *testing.T) {
	c := &Context{Ctx: context.Background()}
	for _, v := range []struct {
		password, salt string
		code           pgcode.Code
	}{
		{"pw", "$2a$03$abcdefghijklmnopqrstuu", pgcode.InvalidParameterValue},
		{"pw", "$2a$32$abcdefghijklmnopqrstuu", pgcode.InvalidParameterValue},
		{"pw", "$2a$6$abcdefghijklmnopqrstuu", pgcode.InvalidParameterValue},
		{"pw", "$2a$06abcdefghijklmnopqrstuuu", pgcode.InvalidParameterValue},
		{"pw", "$2a$04$abcdefghijklmnopqrstu", pgcode.InvalidParameterValue},
		{"pw", "$2a$31$abcdefghijklmnopqrstu!", pgcode.InvalidParameterValue},
		{"pw", "$2a$", pgcode.InvalidParameterValue},
		{"pw", "$2$04$abcdefghijklmnopqrstuu", pgcode.ExternalRoutineInvocationException},
		{"pw", "", pgcode.InvalidParameterValue},
		{"pw", "a", pgcode.InvalidParameterValue},
		{"pw", "_J9..abc", pgcode.InvalidParameterValue},
		{"pw", "ab", pgcode.FeatureNotSupported},
		{"pw", "$2b$04$abcdefghijklmnopqrstuu", pgcode.FeatureNotSupported},
		{"pw", "_J9..rasm", pgcode.FeatureNotSupported},
		{"pwé", "$2x$04$......................", pgcode.FeatureNotSupported},
		{"\xff\xff\xa3", "$2a$04$......................", pgcode.FeatureNotSupported},
	} {
		got, err := pgCrypt(c, v.password, v.salt)
		if err == nil || pgerror.GetCode(err) != v.code {
			t.Errorf("crypt(%q, %q) = %q, %v; want error %s", v.password, v.salt, got, err, v.code)
		}
	}
}

func TestCryptCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pgCrypt(&Context{Ctx: ctx}, "pw", "$2a$31$abcdefghijklmnopqrstuu"); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestBcryptSignBug(t *testing.T) {
	for _, v := range []struct {
		key                   string
		differs, signExtended bool
	}{
		{"password\x00", false, false},
		// A byte >= 0x80 opening a word is read alike.
		{"\xc3\xa9\x00", true, true},
		{"pw\xc3\xa9\x00", true, true},
		// After 0xFF bytes only, the bug reads the word right: the
		// case "$2a$" alters.
		{"\xff\xff\xa3\x00", false, true},
	} {
		d, s := bcryptSignBug([]byte(v.key))
		if d != v.differs || s != v.signExtended {
			t.Errorf("bcryptSignBug(%q) = %v, %v; want %v, %v", v.key, d, s, v.differs, v.signExtended)
		}
	}
}

func TestGenSalt(t *testing.T) {
	c := &Context{Ctx: context.Background()}
	for _, v := range []struct {
		name   string
		rounds int64
		prefix string
		length int
	}{
		{"bf", 0, "$2a$06$", 29},
		{"BF", 4, "$2a$04$", 29},
		{"bf", 31, "$2a$31$", 29},
		{"md5", 0, "$1$", 11},
		{"md5", 1000, "$1$", 11},
	} {
		s, err := genSalt(v.name, v.rounds)
		if err != nil || !strings.HasPrefix(s, v.prefix) || len(s) != v.length {
			t.Fatalf("gen_salt(%q, %d) = %q, %v", v.name, v.rounds, s, err)
		}
		if v.rounds > 6 {
			continue
		}
		// A salt hashes, and the hash checks its password.
		h, err := pgCrypt(c, "secret", s)
		if err != nil {
			t.Fatalf("crypt with %q: %v", s, err)
		}
		if again, err := pgCrypt(c, "secret", h); err != nil || again != h {
			t.Errorf("crypt(secret, %q) = %q, %v", h, again, err)
		}
		if other, _ := pgCrypt(c, "Secret", h); other == h {
			t.Errorf("crypt(Secret, %q) matched", h)
		}
	}
	a, _ := genSalt("bf", 0)
	b, _ := genSalt("bf", 0)
	if a == b {
		t.Errorf("two bf salts are equal: %q", a)
	}
	for _, v := range []struct {
		name   string
		rounds int64
		code   pgcode.Code
		msg    string
	}{
		{"foo", 0, pgcode.InvalidParameterValue, "gen_salt: Unknown salt algorithm"},
		{"", 5, pgcode.InvalidParameterValue, "gen_salt: Unknown salt algorithm"},
		{"bf", 3, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"bf", 32, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"bf", -1, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"md5", 5, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"des", 1, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"xdes", 1000, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"xdes", 1 << 24, pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds"},
		{"des", 0, pgcode.FeatureNotSupported, "gen_salt: DES-based password hashing (des, xdes) is not supported"},
		{"xdes", 1001, pgcode.FeatureNotSupported, "gen_salt: DES-based password hashing (des, xdes) is not supported"},
	} {
		_, err := genSalt(v.name, v.rounds)
		if err == nil || pgerror.GetCode(err) != v.code || err.Error() != v.msg {
			t.Errorf("gen_salt(%q, %d): %v; want %s %s", v.name, v.rounds, err, v.code, v.msg)
		}
	}
}
