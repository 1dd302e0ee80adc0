package expr

import (
	"bytes"
	"crypto/rsa"
	"encoding/binary"
	"math/big"

	"golang.org/x/crypto/openpgp/elgamal" //nolint:staticcheck // OpenPGP's ElGamal, which pgcrypto's keys use

	"github.com/stela-db/stela/sql/types"
)

// pgcrypto's public-key PGP encryption: pgp_pub_encrypt(data, key
// [, options]) makes a message whose session key is encrypted to the
// encryption subkey of a public key (a public-key encrypted session key
// packet, tag 1: version 3, the subkey's ID, its algorithm, the
// encrypted numbers), then the data as pgp_sym_encrypt's; and
// pgp_pub_decrypt(msg, key [, password [, options]]) reads it with the
// secret key. The session key is sealed as OpenPGP says (RFC 4880
// §5.1): the cipher, the key and a 16-bit sum of its bytes, padded as
// PKCS #1 v1.5 and encrypted with RSA or ElGamal. As pgcrypto, a key
// ID that is not the subkey's, a bad padding or sum all are "Wrong
// key".

// pgpPubEncrypt is pgp_pub_encrypt(_bytea).
func pgpPubEncrypt(data, keyData []byte, o *pgpOptions, text bool) ([]byte, error) {
	k, err := pgpReadKey(keyData, false, nil)
	if err != nil {
		return nil, err
	}
	info := pgpCiphers[o.cipher]
	if info.block == nil {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	if o.compressAlgo == pgpComprBZIP2 {
		return nil, pgpError(pgpErrUnsupportedCompr)
	}
	sess := pgpRandom(info.keyLen)
	msg := append([]byte{byte(o.cipher)}, sess...)
	sum := 0
	for _, c := range sess {
		sum += int(c)
	}
	msg = binary.BigEndian.AppendUint16(msg, uint16(sum))

	pkt := append([]byte{3}, k.keyID...)
	pkt = append(pkt, byte(k.algo))
	switch k.algo {
	case pgpPubRSAEncSign, pgpPubRSAEnc:
		// OpenPGP seals session keys with PKCS #1 v1.5, as pgcrypto.
		c, err := rsa.EncryptPKCS1v15(nil, k.rsaPub, msg) //nolint:staticcheck // RFC 4880 §5.1 requires PKCS #1 v1.5
		if err != nil {
			return nil, pgpError(pgpErrBug)
		}
		pkt = pgpAppendMPI(pkt, new(big.Int).SetBytes(c))
	case pgpPubElgEnc:
		c1, c2, err := elgamal.Encrypt(cryptoRandReader{}, k.elgPub, msg)
		if err != nil {
			return nil, pgpError(pgpErrBug)
		}
		pkt = pgpAppendMPI(pgpAppendMPI(pkt, c1), c2)
	}
	return pgpEncryptData(pgpPacket(nil, pgpTagPubEncSessKey, pkt), sess, o, data, text)
}

// cryptoRandReader reads crypto/rand's bytes.
type cryptoRandReader struct{}

func (cryptoRandReader) Read(b []byte) (int, error) { return copy(b, pgpRandom(len(b))), nil }

// pgpPubSessionKey reads a public-key encrypted session key packet
// with the secret key k: the data's key and cipher.
func pgpPubSessionKey(body []byte, k *pgpKey) ([]byte, int, error) {
	corrupt, wrong := pgpError(pgpErrCorrupt), pgpError(pgpErrWrongKey)
	if len(body) < 1 || body[0] != 3 || len(body) < 10 {
		return nil, 0, corrupt
	}
	// A zero key ID hides the key: any may try.
	if id := body[1:9]; !bytes.Equal(id, make([]byte, 8)) && !bytes.Equal(id, k.keyID) {
		return nil, 0, wrong
	}
	rest := body[10:]
	var msg []byte
	var err error
	switch algo := int(body[9]); algo {
	case pgpPubElgEnc:
		if k.algo != pgpPubElgEnc {
			return nil, 0, wrong
		}
		var c1, c2 *big.Int
		if c1, rest, err = pgpReadMPI(rest); err != nil {
			return nil, 0, err
		}
		if c2, rest, err = pgpReadMPI(rest); err != nil {
			return nil, 0, err
		}
		// A zero would leave elgamal.Decrypt nothing to look at.
		if new(big.Int).Mod(c2, k.elgPriv.P).Sign() == 0 {
			return nil, 0, wrong
		}
		if msg, err = elgamal.Decrypt(k.elgPriv, c1, c2); err != nil {
			return nil, 0, wrong
		}
	case pgpPubRSAEncSign, pgpPubRSAEnc:
		if k.algo != pgpPubRSAEncSign && k.algo != pgpPubRSAEnc {
			return nil, 0, wrong
		}
		var c *big.Int
		if c, rest, err = pgpReadMPI(rest); err != nil {
			return nil, 0, err
		}
		size := k.rsaPriv.Size()
		if (c.BitLen()+7)/8 > size {
			return nil, 0, wrong
		}
		if msg, err = rsa.DecryptPKCS1v15(nil, k.rsaPriv, c.FillBytes(make([]byte, size))); err != nil { //nolint:staticcheck // RFC 4880 §5.1 requires PKCS #1 v1.5
			return nil, 0, wrong
		}
	default:
		return nil, 0, pgpError(pgpErrUnknownPubAlgo)
	}
	// The cipher, the key, the sum of the key's bytes.
	if len(msg) < 3 {
		return nil, 0, wrong
	}
	key := msg[1 : len(msg)-2]
	sum := 0
	for _, c := range key {
		sum += int(c)
	}
	if uint16(sum) != binary.BigEndian.Uint16(msg[len(msg)-2:]) {
		return nil, 0, wrong
	}
	if len(rest) > 0 {
		return nil, 0, corrupt
	}
	inner, ok := pgpCiphers[int(msg[0])]
	if !ok || inner.block == nil {
		return nil, 0, pgpError(pgpErrUnsupportedCiph)
	}
	if len(key) != inner.keyLen {
		return nil, 0, corrupt
	}
	return key, int(msg[0]), nil
}

// addPGPPubFuncs registers pgp_pub_encrypt(_bytea) and
// pgp_pub_decrypt(_bytea), with and without a key password and
// options, as functions of extension ext, in the install script's
// order.
func addPGPPubFuncs(ext string) {
	txt, by := types.Text, types.Bytea
	encrypt := func(text bool) func(*Context, []types.Datum) (types.Datum, error) {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			o, err := pgpOptionsArg(a, 2)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			out, err := pgpPubEncrypt(bytesOf(a[0]), a[1].([]byte), o, text)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			return out, nil
		}
	}
	decrypt := func(text bool) func(*Context, []types.Datum) (types.Datum, error) {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			o, err := pgpOptionsArg(a, 3)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			// No password argument is not an empty password.
			var password []byte
			if len(a) > 2 {
				password = append([]byte{}, a[2].(string)...)
			}
			k, err := pgpReadKey(a[1].([]byte), true, password)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			out, err := pgpDecrypt(a[0].([]byte), nil, k, o, text)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			return pgpResult(out, text)
		}
	}
	addExtFunc(ext, "pgp_pub_encrypt", volatileFn([]*types.T{txt, by}, by, encrypt(true)))
	addExtFunc(ext, "pgp_pub_encrypt_bytea", volatileFn([]*types.T{by, by}, by, encrypt(false)))
	addExtFunc(ext, "pgp_pub_encrypt", volatileFn([]*types.T{txt, by, txt}, by, encrypt(true)))
	addExtFunc(ext, "pgp_pub_encrypt_bytea", volatileFn([]*types.T{by, by, txt}, by, encrypt(false)))
	for _, args := range [][]*types.T{{by, by}, {by, by, txt}, {by, by, txt, txt}} {
		addExtFunc(ext, "pgp_pub_decrypt", fn(args, txt, decrypt(true)))
		addExtFunc(ext, "pgp_pub_decrypt_bytea", fn(args, by, decrypt(false)))
	}
}
