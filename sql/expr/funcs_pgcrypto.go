package expr

import (
	"crypto/hmac"
	"crypto/md5"
	crand "crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The pgcrypto extension's general hashing functions (digest, hmac),
// its password hashing (crypt, gen_salt: funcs_pgcrypto_crypt.go), raw
// encryption (encrypt, decrypt, encrypt_iv, decrypt_iv:
// funcs_pgcrypto_encrypt.go), gen_random_bytes, gen_random_uuid (the
// built-in one, funcs_uuid.go, which PostgreSQL 13 moved into core),
// symmetric-key and public-key PGP encryption (pgp_sym_*, pgp_pub_*,
// pgp_key_id: funcs_pgcrypto_pgp*.go) and ASCII armor (armor, dearmor,
// pgp_armor_headers: funcs_pgcrypto_armor.go). Functions are registered
// in the order of PostgreSQL's install script, the order of their OIDs.

// pgcryptoHashes are the digest algorithms, by pgcrypto's
// (case-insensitive) names.
var pgcryptoHashes = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

// pgcryptoHash finds an algorithm, with pgcrypto's error for another
// name.
func pgcryptoHash(name string) (func() hash.Hash, error) {
	if h, ok := pgcryptoHashes[strings.ToLower(name)]; ok {
		return h, nil
	}
	return nil, pgerror.Newf(pgcode.InvalidParameterValue, "Cannot use \"%s\": No such hash algorithm", name)
}

// maxRandomBytes is the most gen_random_bytes hands out in one call, as
// pgcrypto's.
const maxRandomBytes = 1024

// bytesOf reads a text or bytea argument of a pgcrypto function as its
// bytes.
func bytesOf(d types.Datum) []byte {
	if s, ok := d.(string); ok {
		return []byte(s)
	}
	return d.([]byte)
}

func init() {
	const ext = "pgcrypto"
	txt, by := types.Text, types.Bytea
	digest := func(_ *Context, a []types.Datum) (types.Datum, error) {
		h, err := pgcryptoHash(a[1].(string))
		if err != nil {
			return nil, err
		}
		w := h()
		w.Write(bytesOf(a[0]))
		return w.Sum(nil), nil
	}
	mac := func(_ *Context, a []types.Datum) (types.Datum, error) {
		h, err := pgcryptoHash(a[2].(string))
		if err != nil {
			return nil, err
		}
		w := hmac.New(h, bytesOf(a[1]))
		w.Write(bytesOf(a[0]))
		return w.Sum(nil), nil
	}
	addExtFunc(ext, "digest", fn([]*types.T{txt, txt}, by, digest))
	addExtFunc(ext, "digest", fn([]*types.T{by, txt}, by, digest))
	addExtFunc(ext, "hmac", fn([]*types.T{txt, txt, txt}, by, mac))
	addExtFunc(ext, "hmac", fn([]*types.T{by, by, txt}, by, mac))
	addCryptFuncs(ext)
	addEncryptFuncs(ext)
	addExtFunc(ext, "gen_random_bytes", volatileFn([]*types.T{types.Int4}, by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := a[0].(int64)
		if n < 1 || n > maxRandomBytes {
			return nil, pgerror.New(pgcode.ExternalRoutineInvocationException, "Length not in range")
		}
		b := make([]byte, n)
		_, _ = crand.Read(b)
		return b, nil
	}))
	// pgcrypto's own gen_random_uuid, reached as public.gen_random_uuid();
	// an unqualified call finds the built-in one first, as pg_catalog
	// comes first in PostgreSQL's search path.
	addExtFunc(ext, "gen_random_uuid", genRandomUUID())
	addPGPSymFuncs(ext)
	addPGPPubFuncs(ext)
	addExtFunc(ext, "pgp_key_id", fn([]*types.T{by}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pgpKeyID(a[0].([]byte))
	}))
	addArmorFuncs(ext)
}
