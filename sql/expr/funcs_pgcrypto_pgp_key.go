package expr

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/binary"
	"math/big"

	"golang.org/x/crypto/openpgp/elgamal" //nolint:staticcheck // OpenPGP's ElGamal, which pgcrypto's keys use
)

// Reading the key that pgp_pub_encrypt and pgp_pub_decrypt take: a
// transferable public or secret key (RFC 4880 §11.1, §11.2), as gpg
// exports it and dearmor() makes bytes of it. As pgcrypto, the main key
// is passed over (it signs) and the one subkey that can encrypt (RSA or
// ElGamal) is the key; a secret subkey may be protected by a password
// (S2K, then CFB over its secret numbers).

// pgpKey is the encryption subkey of a key.
type pgpKey struct {
	algo  int
	keyID []byte
	// The public numbers, and with a secret key the secret ones.
	rsaPub  *rsa.PublicKey
	rsaPriv *rsa.PrivateKey
	elgPub  *elgamal.PublicKey
	elgPriv *elgamal.PrivateKey
	// mpis are the public numbers as read, for reading the secret ones
	// after them.
	mpis []*big.Int
}

// pgpCanEncrypt says whether a public-key algorithm encrypts.
func pgpCanEncrypt(algo int) bool {
	return algo == pgpPubRSAEncSign || algo == pgpPubRSAEnc || algo == pgpPubElgEnc
}

// pgpReadMPI reads a multiprecision integer (a 16-bit bit count, then
// the bytes) at the start of data.
func pgpReadMPI(data []byte) (*big.Int, []byte, error) {
	if len(data) < 2 {
		return nil, nil, pgpError(pgpErrCorrupt)
	}
	n := (int(binary.BigEndian.Uint16(data)) + 7) / 8
	if len(data) < 2+n {
		return nil, nil, pgpError(pgpErrCorrupt)
	}
	return new(big.Int).SetBytes(data[2 : 2+n]), data[2+n:], nil
}

// pgpAppendMPI appends x as an MPI.
func pgpAppendMPI(dst []byte, x *big.Int) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(x.BitLen()))
	return append(dst, x.Bytes()...)
}

// pgpReadPublicKey reads the public part of a key packet: its
// algorithm and numbers, and its key ID (the last 8 bytes of the V4
// fingerprint); rest is what follows.
func pgpReadPublicKey(body []byte) (k *pgpKey, rest []byte, err error) {
	if len(body) < 1 {
		return nil, nil, pgpError(pgpErrCorrupt)
	}
	if body[0] != 4 {
		return nil, nil, pgpError(pgpErrNotV4Key)
	}
	if len(body) < 6 {
		return nil, nil, pgpError(pgpErrCorrupt)
	}
	k = &pgpKey{algo: int(body[5])}
	mpis, err := pgpMPICount(k.algo)
	if err != nil {
		return nil, nil, err
	}
	rest = body[6:]
	for i := 0; i < mpis; i++ {
		var x *big.Int
		if x, rest, err = pgpReadMPI(rest); err != nil {
			return nil, nil, err
		}
		k.mpis = append(k.mpis, x)
	}
	k.keyID = pgpFingerprintID(body[:len(body)-len(rest)])
	switch k.algo {
	case pgpPubRSAEncSign, pgpPubRSAEnc:
		e := k.mpis[1]
		if !e.IsInt64() || e.Int64() > 1<<31-1 {
			return nil, nil, pgpError(pgpErrCorrupt)
		}
		k.rsaPub = &rsa.PublicKey{N: k.mpis[0], E: int(e.Int64())}
	case pgpPubElgEnc:
		k.elgPub = &elgamal.PublicKey{P: k.mpis[0], G: k.mpis[1], Y: k.mpis[2]}
	}
	return k, rest, nil
}

// Secret key protection (the "S2K usage" byte).
const (
	pgpHideClear    = 0
	pgpHideSHA1     = 254
	pgpHideChecksum = 255
)

// pgpReadSecretKey reads a secret key packet, its secret numbers
// decrypted with password (nil when none was given).
func pgpReadSecretKey(body, password []byte) (*pgpKey, error) {
	k, rest, err := pgpReadPublicKey(body)
	if err != nil {
		return nil, err
	}
	if len(rest) < 1 {
		return nil, pgpError(pgpErrCorrupt)
	}
	hide := int(rest[0])
	rest = rest[1:]
	switch hide {
	case pgpHideSHA1, pgpHideChecksum:
		if password == nil {
			return nil, pgpError(pgpErrNeedSecretPsw)
		}
		if rest, err = pgpDecryptSecret(rest, password); err != nil {
			return nil, err
		}
	case pgpHideClear:
	default:
		return nil, pgpError(pgpErrKeyPktCorrupt)
	}
	var secret []*big.Int
	numbers := 1
	if k.algo == pgpPubRSAEncSign || k.algo == pgpPubRSAEnc || k.algo == pgpPubRSASign {
		numbers = 4
	}
	start := rest
	for i := 0; i < numbers; i++ {
		var x *big.Int
		if x, rest, err = pgpReadMPI(rest); err != nil {
			return nil, err
		}
		secret = append(secret, x)
	}
	// The check over the secret numbers as written: their SHA-1, or
	// the 16-bit sum of their bytes.
	raw := start[:len(start)-len(rest)]
	if hide == pgpHideSHA1 {
		if len(rest) < 20 {
			return nil, pgpError(pgpErrCorrupt)
		}
		if sum := sha1.Sum(raw); !bytes.Equal(sum[:], rest[:20]) {
			return nil, pgpError(pgpErrKeyPktCorrupt)
		}
		rest = rest[20:]
	} else {
		if len(rest) < 2 {
			return nil, pgpError(pgpErrCorrupt)
		}
		sum := 0
		for _, c := range raw {
			sum += int(c)
		}
		if uint16(sum) != binary.BigEndian.Uint16(rest) {
			return nil, pgpError(pgpErrKeyPktCorrupt)
		}
		rest = rest[2:]
	}
	if len(rest) > 0 {
		return nil, pgpError(pgpErrCorrupt)
	}
	switch k.algo {
	case pgpPubRSAEncSign, pgpPubRSAEnc:
		k.rsaPriv = &rsa.PrivateKey{PublicKey: *k.rsaPub, D: secret[0], Primes: []*big.Int{secret[1], secret[2]}}
		k.rsaPriv.Precompute()
	case pgpPubElgEnc:
		k.elgPriv = &elgamal.PrivateKey{PublicKey: *k.elgPub, X: secret[0]}
	}
	return k, nil
}

// pgpDecryptSecret decrypts the protected secret part of a key: a
// cipher, an S2K specifier, an IV, then the secret numbers and their
// check in CFB mode.
func pgpDecryptSecret(data, password []byte) ([]byte, error) {
	corrupt := pgpError(pgpErrCorrupt)
	if len(data) < 3 {
		return nil, corrupt
	}
	algo := int(data[0])
	s2k, n, err := readS2K(data[1:])
	if err != nil {
		return nil, err
	}
	p := 1 + n
	info, ok := pgpCiphers[algo]
	if !ok {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	if _, ok := pgpDigests[s2k.digest]; !ok {
		return nil, pgpError(pgpErrUnsupportedHash)
	}
	if info.block == nil {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	key := s2k.key(password, info.keyLen)
	b, err := info.block(key)
	if err != nil {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	bs := b.BlockSize()
	if len(data) < p+bs {
		return nil, corrupt
	}
	iv := append([]byte(nil), data[p:p+bs]...)
	return cfb(b, iv, data[p+bs:], false), nil
}

// pgpReadKey finds the encryption subkey in a key's packets: of a
// public key to encrypt, of a secret key to decrypt.
func pgpReadKey(data []byte, secret bool, password []byte) (*pgpKey, error) {
	var enc *pgpKey
	gotMain := false
	for len(data) > 0 {
		// As pgcrypto, a packet cut short is what there is of it.
		tag, body, rest, err := pgpNextPacket(data, true)
		if err != nil {
			return nil, err
		}
		data = rest
		var k *pgpKey
		switch tag {
		case pgpTagPublicKey, pgpTagSecretKey:
			if gotMain {
				return nil, pgpError(pgpErrMultipleKeys)
			}
			gotMain = true
		case pgpTagPublicSubkey:
			if secret {
				return nil, pgpError(pgpErrExpectSecretKey)
			}
			if k, _, err = pgpReadPublicKey(body); err != nil {
				return nil, err
			}
		case pgpTagSecretSubkey:
			if !secret {
				return nil, pgpError(pgpErrExpectPublicKey)
			}
			if k, err = pgpReadSecretKey(body, password); err != nil {
				return nil, err
			}
		case pgpTagSignature, pgpTagMarker, pgpTagTrust, pgpTagUserID, pgpTagUserAttr, pgpTagPriv61:
		default:
			return nil, pgpError(pgpErrUnexpectedPkt)
		}
		if k != nil && pgpCanEncrypt(k.algo) {
			if enc != nil {
				return nil, pgpError(pgpErrMultipleSubkeys)
			}
			enc = k
		}
	}
	if enc == nil {
		return nil, pgpError(pgpErrNoUsableKey)
	}
	return enc, nil
}
