package expr

import (
	crand "crypto/rand"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pgcrypto's password hashing: crypt(password, salt) and gen_salt(type
// [, rounds]). The salt's prefix picks the algorithm, as pgcrypto's
// px_crypt does, and a whole stored hash is a valid salt, so
// crypt(password, stored) = stored checks a password. bcrypt ("bf",
// crypt_bcrypt.go) and md5-crypt ("md5", crypt_md5.go) are provided;
// the DES-based traditional ("des") and extended ("xdes") crypt(3) are
// not (no maintained Go implementation; they are weak and rarely used):
// their salts are told apart and refused with 0A000.

// saltAlgorithm is one of gen_salt's algorithms, with its rounds:
// gen_salt(type) takes defaultRounds; gen_salt(type, n) checks n
// against [minRounds, maxRounds], 0 standing for the default.
type saltAlgorithm struct {
	defaultRounds, minRounds, maxRounds int64
	// oddRounds is xdes's further rule: the count must be odd.
	oddRounds bool
	// make builds the salt from the rounds and random bytes; nil for
	// an algorithm stela cannot hash with.
	make func(rounds int64, random []byte) string
}

// saltAlgorithms are gen_salt's algorithms by (case-insensitive) name,
// with pgcrypto's limits.
var saltAlgorithms = map[string]saltAlgorithm{
	"des":  {},
	"xdes": {defaultRounds: 725, minRounds: 1, maxRounds: 1<<24 - 1, oddRounds: true},
	"md5":  {defaultRounds: md5CryptRounds, minRounds: md5CryptRounds, maxRounds: md5CryptRounds, make: func(_ int64, r []byte) string { return md5CryptSalt(r) }},
	"bf": {defaultRounds: bcryptDefaultCost, minRounds: bcryptMinCost, maxRounds: bcryptMaxCost,
		make: func(n int64, r []byte) string { return bcryptSalt(int(n), r) }},
}

// saltRandomBytes is enough randomness for any of the salts.
const saltRandomBytes = 16

// genSalt is gen_salt(name, rounds), rounds 0 for the default.
func genSalt(name string, rounds int64) (string, error) {
	alg, ok := saltAlgorithms[strings.ToLower(name)]
	if !ok {
		return "", pgerror.New(pgcode.InvalidParameterValue, "gen_salt: Unknown salt algorithm")
	}
	if rounds == 0 {
		rounds = alg.defaultRounds
	}
	if rounds < alg.minRounds || rounds > alg.maxRounds || alg.oddRounds && rounds%2 == 0 {
		return "", pgerror.New(pgcode.InvalidParameterValue, "gen_salt: Incorrect number of rounds")
	}
	if alg.make == nil {
		return "", errDESCrypt("gen_salt")
	}
	random := make([]byte, saltRandomBytes)
	_, _ = crand.Read(random)
	return alg.make(rounds, random), nil
}

// pgCrypt is crypt(password, salt).
func pgCrypt(c *Context, password, salt string) (string, error) {
	switch {
	case strings.HasPrefix(salt, "$2a$"), strings.HasPrefix(salt, "$2x$"):
		return bcryptCrypt(c.Ctx, []byte(password), salt)
	case strings.HasPrefix(salt, "$2$"):
		// pgcrypto knows the prefix of bcrypt's first version but
		// hashes nothing with it.
		return "", pgerror.New(pgcode.ExternalRoutineInvocationException, "crypt(3) returned NULL")
	case strings.HasPrefix(salt, md5CryptMagic):
		return md5Crypt([]byte(password), salt), nil
	case strings.HasPrefix(salt, "_"):
		// Extended DES: "_", 4 characters of count, 4 of salt.
		if len(salt) < 9 {
			return "", errInvalidSalt()
		}
	default:
		// Traditional DES: 2 characters of salt.
		if len(salt) < 2 {
			return "", errInvalidSalt()
		}
	}
	return "", errDESCrypt("crypt")
}

// errDESCrypt is the error of the DES-based algorithms, which stela
// does not provide.
func errDESCrypt(fn string) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "%s: DES-based password hashing (des, xdes) is not supported", fn).
		WithHint("Use gen_salt('bf') or gen_salt('md5').")
}

// addCryptFuncs registers crypt and gen_salt as functions of extension
// ext: crypt immutable, gen_salt volatile, as pgcrypto declares them.
func addCryptFuncs(ext string) {
	txt := types.Text
	addExtFunc(ext, "crypt", fn([]*types.T{txt, txt}, txt, func(c *Context, a []types.Datum) (types.Datum, error) {
		return pgCrypt(c, a[0].(string), a[1].(string))
	}))
	addExtFunc(ext, "gen_salt", volatileFn([]*types.T{txt}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return genSalt(a[0].(string), 0)
	}))
	addExtFunc(ext, "gen_salt", volatileFn([]*types.T{txt, types.Int4}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return genSalt(a[0].(string), a[1].(int64))
	}))
}
