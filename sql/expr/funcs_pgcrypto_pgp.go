package expr

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	crand "crypto/rand"
	"crypto/sha1"
	"encoding/binary"
	"io"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// pgcrypto's symmetric-key PGP encryption: pgp_sym_encrypt(data,
// password [, options]) makes an OpenPGP message (RFC 4880) that gpg
// and PostgreSQL decrypt, and pgp_sym_decrypt reads theirs: a
// symmetric-key session key packet (tag 3: cipher, S2K), then the data
// encrypted in CFB mode, with a modification detection code (tag 18)
// unless disable-mdc, holding a literal data packet ('b' for bytea,
// 't' or with unicode-mode 'u' for text), compressed (zip or zlib) if
// compress-algo says so. The text functions refuse binary data ("Not
// text data"), and convert-crlf turns \n into \r\n on the way in and
// back on the way out. As pgcrypto, decryption reports a wrong
// password, a bad prefix or MDC and garbled packets alike, as "Wrong
// key or corrupt data".

// pgpRandom is n random bytes.
func pgpRandom(n int) []byte {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return b
}

// pgpSymEncrypt is pgp_sym_encrypt(_bytea).
func pgpSymEncrypt(data, password []byte, o *pgpOptions, text bool) ([]byte, error) {
	if o.s2kCipher < 0 {
		o.s2kCipher = o.cipher
	}
	// The data's cipher is the session key packet's, unless the
	// session key is a separate one.
	if !o.sessKey {
		o.cipher = o.s2kCipher
	}
	s2kInfo, dataInfo := pgpCiphers[o.s2kCipher], pgpCiphers[o.cipher]
	if s2kInfo.block == nil || dataInfo.block == nil {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	if o.compressAlgo == pgpComprBZIP2 {
		return nil, pgpError(pgpErrUnsupportedCompr)
	}

	// The session key packet: version 4, cipher, S2K specifier.
	sk := []byte{4, byte(o.s2kCipher), byte(o.s2kMode), byte(o.s2kDigest)}
	var salt []byte
	count := 0
	if o.s2kMode != 0 {
		salt = pgpRandom(8)
		sk = append(sk, salt...)
	}
	if o.s2kMode == 3 {
		c := 96 + pgpRandom(1)[0]&0x1F
		if o.s2kCount > 0 {
			c = s2kCountByte(o.s2kCount)
		}
		sk = append(sk, c)
		count = s2kCount(c)
	}
	key := s2kKey(o.s2kMode, o.s2kDigest, salt, count, password, s2kInfo.keyLen)
	if o.sessKey {
		sess := pgpRandom(dataInfo.keyLen)
		kb, err := s2kInfo.block(key)
		if err != nil {
			return nil, pgpError(pgpErrUnsupportedCiph)
		}
		sk = append(sk, pgpCFB(kb, append([]byte{byte(o.cipher)}, sess...), true)...)
		key = sess
	}
	out := pgpPacket(nil, pgpTagSymEncSessKey, sk)
	return pgpEncryptData(out, key, o, data, text)
}

// pgpEncryptData appends to out the data packets of a message: the
// literal data, maybe compressed, encrypted with the session key in
// cipher o.cipher.
func pgpEncryptData(out, key []byte, o *pgpOptions, data []byte, text bool) ([]byte, error) {
	dataInfo := pgpCiphers[o.cipher]
	// The literal data packet, maybe compressed.
	typ := byte('b')
	if text {
		typ = 't'
		if o.unicode {
			typ = 'u'
		}
		if o.convertCRLF {
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		}
	}
	lit := []byte{typ, 0}
	lit = binary.BigEndian.AppendUint32(lit, uint32(time.Now().Unix()))
	inner := pgpPacket(nil, pgpTagLiteral, append(lit, data...))
	if o.compressAlgo != pgpComprNone && o.compressLevel > 0 {
		var z bytes.Buffer
		z.WriteByte(byte(o.compressAlgo))
		var w io.WriteCloser
		if o.compressAlgo == pgpComprZIP {
			w, _ = flate.NewWriter(&z, o.compressLevel)
		} else {
			w, _ = zlib.NewWriterLevel(&z, o.compressLevel)
		}
		_, _ = w.Write(inner)
		_ = w.Close()
		inner = pgpPacket(nil, pgpTagCompressed, z.Bytes())
	}

	b, err := dataInfo.block(key)
	if err != nil {
		return nil, pgpError(pgpErrUnsupportedCiph)
	}
	bs := b.BlockSize()
	prefix := pgpRandom(bs)
	prefix = append(prefix, prefix[bs-2:]...)
	plain := append(prefix, inner...)
	if o.disableMDC {
		return pgpPacket(out, pgpTagSymEncData, pgpResyncCFB(b, plain, true)), nil
	}
	plain = append(plain, 0xD3, 0x14)
	sum := sha1.Sum(plain)
	plain = append(plain, sum[:]...)
	return pgpPacket(out, pgpTagSymEncDataMDC, append([]byte{1}, pgpCFB(b, plain, true)...)), nil
}

// pgpSymDecrypt is pgp_sym_decrypt(_bytea).
func pgpSymDecrypt(msg, password []byte, o *pgpOptions, text bool) ([]byte, error) {
	return pgpDecrypt(msg, password, nil, o, text)
}

// pgpDecrypt decrypts a message with a password or, given pub, a
// secret key.
func pgpDecrypt(msg, password []byte, pub *pgpKey, o *pgpOptions, text bool) ([]byte, error) {
	var key []byte
	algo := 0
	for len(msg) > 0 {
		tag, body, rest, err := pgpNextPacket(msg, false)
		if err != nil {
			return nil, err
		}
		msg = rest
		switch tag {
		case pgpTagMarker:
		case pgpTagPubEncSessKey:
			// pgcrypto reads a public-key encrypted session key with
			// the password's functions too, and fails so. Each one is
			// read; the last one's key counts.
			if pub == nil {
				return nil, pgpError(pgpErrBug)
			}
			if key, algo, err = pgpPubSessionKey(body, pub); err != nil {
				return nil, err
			}
		case pgpTagSymEncSessKey:
			if key == nil {
				if key, algo, err = pgpSessionKey(body, password); err != nil {
					return nil, err
				}
			}
		case pgpTagSymEncData, pgpTagSymEncDataMDC:
			// The data ends the message.
			if key == nil || len(rest) > 0 {
				return nil, pgpError(pgpErrCorrupt)
			}
			return pgpDecryptData(tag, body, key, algo, o, text)
		default:
			return nil, pgpError(pgpErrCorrupt)
		}
	}
	return nil, pgpError(pgpErrCorrupt)
}

// pgpResult is a decrypted message as the function returns it: bytea,
// or, for the text functions, text, which must be valid in the
// database's encoding (as in PostgreSQL).
func pgpResult(out []byte, text bool) (any, error) {
	if !text {
		return out, nil
	}
	if err := types.CheckEncodingBytes(out); err != nil {
		return nil, err
	}
	return string(out), nil
}

// pgpSessionKey reads a symmetric-key session key packet: the data's
// key and cipher.
func pgpSessionKey(body, password []byte) ([]byte, int, error) {
	if len(body) < 4 || body[0] != 4 {
		return nil, 0, pgpError(pgpErrCorrupt)
	}
	// Checked in pgcrypto's order: the S2K mode as it is read, then
	// the cipher, then the digest (an unknown one is corrupt data).
	algo := int(body[1])
	s2k, n, err := readS2K(body[2:])
	if err != nil {
		return nil, 0, err
	}
	p := 2 + n
	info, ok := pgpCiphers[algo]
	if !ok {
		return nil, 0, pgpError(pgpErrUnsupportedCiph)
	}
	if _, ok := pgpDigests[s2k.digest]; !ok {
		return nil, 0, pgpError(pgpErrCorrupt)
	}
	if info.block == nil {
		return nil, 0, pgpError(pgpErrUnsupportedCiph)
	}
	key := s2k.key(password, info.keyLen)
	if p == len(body) {
		return key, algo, nil
	}
	// An encrypted session key: its cipher, then the key.
	b, err := info.block(key)
	if err != nil {
		return nil, 0, pgpError(pgpErrCorrupt)
	}
	sess := pgpCFB(b, body[p:], false)
	inner, ok := pgpCiphers[int(sess[0])]
	if !ok || inner.block == nil || len(sess)-1 != inner.keyLen {
		return nil, 0, pgpError(pgpErrCorrupt)
	}
	return sess[1:], int(sess[0]), nil
}

// pgpDecryptData decrypts an encrypted data packet and reads its
// literal data.
func pgpDecryptData(tag int, body, key []byte, algo int, o *pgpOptions, text bool) ([]byte, error) {
	corrupt := pgpError(pgpErrCorrupt)
	b, err := pgpCiphers[algo].block(key)
	if err != nil {
		return nil, corrupt
	}
	bs := b.BlockSize()
	var plain []byte
	if tag == pgpTagSymEncDataMDC {
		if len(body) < 1 || body[0] != 1 {
			return nil, corrupt
		}
		plain = pgpCFB(b, body[1:], false)
	} else {
		plain = pgpResyncCFB(b, body, false)
	}
	if len(plain) < bs+2 || plain[bs-2] != plain[bs] || plain[bs-1] != plain[bs+1] {
		return nil, corrupt
	}
	packets := plain[bs+2:]
	if tag == pgpTagSymEncDataMDC {
		// The MDC packet ends the data: SHA-1 of everything before its
		// hash.
		n := len(plain) - 20
		if n < bs+2+2 || plain[n-2] != 0xD3 || plain[n-1] != 0x14 {
			return nil, corrupt
		}
		if sum := sha1.Sum(plain[:n]); !bytes.Equal(sum[:], plain[n:]) {
			return nil, corrupt
		}
		packets = plain[bs+2 : n-2]
	}
	data, typ, err := pgpLiteral(packets, 0)
	if err != nil {
		return nil, err
	}
	if text {
		if typ != 't' && typ != 'u' {
			return nil, pgpError(pgpErrNotText)
		}
		if o.convertCRLF {
			data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		}
	}
	return data, nil
}

// pgpLiteral reads the literal data packet of decrypted packets,
// maybe inside a compressed one: the data and its type.
func pgpLiteral(packets []byte, depth int) ([]byte, byte, error) {
	corrupt := pgpError(pgpErrCorrupt)
	tag, body, rest, err := pgpNextPacket(packets, false)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case tag == pgpTagLiteral && len(rest) == 0:
		if len(body) < 2 || len(body) < 2+int(body[1])+4 {
			return nil, 0, corrupt
		}
		return body[2+int(body[1])+4:], body[0], nil
	case tag == pgpTagCompressed && len(rest) == 0 && depth == 0:
		if len(body) < 1 {
			return nil, 0, corrupt
		}
		var r io.Reader
		switch body[0] {
		case pgpComprNone:
			return pgpLiteral(body[1:], depth+1)
		case pgpComprZIP:
			r = flate.NewReader(bytes.NewReader(body[1:]))
		case pgpComprZLIB:
			zr, err := zlib.NewReader(bytes.NewReader(body[1:]))
			if err != nil {
				return nil, 0, pgpError(pgpErrCompression)
			}
			r = zr
		default:
			return nil, 0, pgpError(pgpErrUnsupportedCompr)
		}
		inner, err := io.ReadAll(r)
		if err != nil {
			return nil, 0, pgpError(pgpErrCompression)
		}
		return pgpLiteral(inner, depth+1)
	}
	return nil, 0, corrupt
}

// pgpKeyID is pgp_key_id(bytea): "SYMKEY" for a message encrypted
// with a password, the key ID of the public-key encrypted session key
// ("ANYKEY" when it hides the key) or of a key's encryption subkey.
func pgpKeyID(msg []byte) (types.Datum, error) {
	var id []byte
	gotMain := false
	pubKeys, pubEnc, symEnc := 0, 0, 0
loop:
	for len(msg) > 0 {
		// As pgcrypto, a packet cut short ends the reading.
		tag, body, rest, err := pgpNextPacket(msg, true)
		if err != nil {
			return nil, err.(pgpError).sqlError()
		}
		msg = rest
		switch tag {
		case pgpTagSecretKey, pgpTagPublicKey:
			// The main key signs; the subkey encrypts.
			if gotMain {
				return nil, pgpError(pgpErrMultipleKeys).sqlError()
			}
			gotMain = true
		case pgpTagSecretSubkey, pgpTagPublicSubkey:
			kid, ok, err := pgpSubkeyID(body)
			if err != nil {
				return nil, err.(pgpError).sqlError()
			}
			if ok {
				id = kid
				pubKeys++
			}
		case pgpTagPubEncSessKey:
			if len(body) < 9 {
				return nil, pgpError(pgpErrCorrupt).sqlError()
			}
			pubEnc++
			id = body[1:9]
		case pgpTagSymEncData, pgpTagSymEncDataMDC:
			break loop
		case pgpTagSymEncSessKey:
			symEnc++
		case pgpTagSignature, pgpTagMarker, pgpTagTrust, pgpTagUserID, pgpTagUserAttr, pgpTagPriv61:
		default:
			return nil, pgpError(pgpErrCorrupt).sqlError()
		}
	}
	switch {
	case pubKeys > 0 && pubEnc > 0:
		return nil, pgpError(pgpErrCorrupt).sqlError()
	case pubKeys > 1 || pubEnc > 1:
		return nil, pgpError(pgpErrMultipleKeys).sqlError()
	case pubKeys > 0 || pubEnc > 0:
		if bytes.Equal(id, make([]byte, 8)) {
			return "ANYKEY", nil
		}
		const hexUpper = "0123456789ABCDEF"
		out := make([]byte, 16)
		for i, c := range id {
			out[2*i], out[2*i+1] = hexUpper[c>>4], hexUpper[c&15]
		}
		return string(out), nil
	case symEnc > 0:
		return "SYMKEY", nil
	}
	return nil, pgpError(pgpErrNoUsableKey).sqlError()
}

// OpenPGP public-key algorithms.
const (
	pgpPubRSAEncSign = 1
	pgpPubRSAEnc     = 2
	pgpPubRSASign    = 3
	pgpPubElgEnc     = 16
	pgpPubDSA        = 17
)

// pgpSubkeyID reads the public part of a (public or secret) subkey
// packet: its key ID (the last 8 bytes of the V4 fingerprint), ok when
// the key can encrypt.
func pgpSubkeyID(body []byte) ([]byte, bool, error) {
	if len(body) < 6 {
		return nil, false, pgpError(pgpErrCorrupt)
	}
	if body[0] != 4 {
		return nil, false, pgpError(pgpErrNotV4Key)
	}
	algo := int(body[5])
	mpis, err := pgpMPICount(algo)
	if err != nil {
		return nil, false, err
	}
	p := 6
	for i := 0; i < mpis; i++ {
		if len(body) < p+2 {
			return nil, false, pgpError(pgpErrCorrupt)
		}
		n := (int(binary.BigEndian.Uint16(body[p:])) + 7) / 8
		p += 2 + n
		if len(body) < p {
			return nil, false, pgpError(pgpErrCorrupt)
		}
	}
	canEncrypt := algo == pgpPubRSAEncSign || algo == pgpPubRSAEnc || algo == pgpPubElgEnc
	return pgpFingerprintID(body[:p]), canEncrypt, nil
}

// pgpMPICount is how many numbers the public part of a key of
// algorithm algo holds (RFC 4880 §5.5.2).
func pgpMPICount(algo int) (int, error) {
	switch algo {
	case pgpPubRSAEncSign, pgpPubRSAEnc, pgpPubRSASign:
		return 2, nil
	case pgpPubElgEnc:
		return 3, nil
	case pgpPubDSA:
		return 4, nil
	}
	return 0, pgpError(pgpErrUnknownPubAlgo)
}

// pgpFingerprintID is the key ID of a V4 public key whose packet body (up to
// the end of its numbers) is pub: the last 8 bytes of its SHA-1
// fingerprint (§12.2).
func pgpFingerprintID(pub []byte) []byte {
	h := sha1.New()
	h.Write([]byte{0x99, byte(len(pub) >> 8), byte(len(pub))})
	h.Write(pub)
	return h.Sum(nil)[12:]
}

// pgpOptionsArg is the options argument a[i] parsed, pgcrypto's
// defaults when the call has none.
func pgpOptionsArg(a []types.Datum, i int) (*pgpOptions, error) {
	if len(a) <= i {
		return defaultPGPOptions(), nil
	}
	return parsePGPOptions(a[i].(string))
}

// pgpSQLError is err as the SQL functions report it: pgcrypto's
// message and SQLSTATE for its own errors.
func pgpSQLError(err error) error {
	if e, ok := err.(pgpError); ok {
		return e.sqlError()
	}
	return err
}

// pgpSymArgs reads a pgp_sym_* call's options (its third argument, if
// any) and checks its password (the second): as in pgcrypto, an empty
// password is no password.
func pgpSymArgs(a []types.Datum) (*pgpOptions, error) {
	o, err := pgpOptionsArg(a, 2)
	if err != nil {
		return nil, pgpSQLError(err)
	}
	if len(bytesOf(a[1])) == 0 {
		return nil, pgpError(pgpErrArgument).sqlError()
	}
	return o, nil
}

// addPGPSymFuncs registers pgp_sym_encrypt(_bytea) and
// pgp_sym_decrypt(_bytea), with and without options, as functions of
// extension ext, in the install script's order.
func addPGPSymFuncs(ext string) {
	txt, by := types.Text, types.Bytea
	encrypt := func(text bool) func(*Context, []types.Datum) (types.Datum, error) {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			o, err := pgpSymArgs(a)
			if err != nil {
				return nil, err
			}
			out, err := pgpSymEncrypt(bytesOf(a[0]), bytesOf(a[1]), o, text)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			return out, nil
		}
	}
	decrypt := func(text bool) func(*Context, []types.Datum) (types.Datum, error) {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			o, err := pgpSymArgs(a)
			if err != nil {
				return nil, err
			}
			out, err := pgpSymDecrypt(a[0].([]byte), bytesOf(a[1]), o, text)
			if err != nil {
				return nil, pgpSQLError(err)
			}
			return pgpResult(out, text)
		}
	}
	addExtFunc(ext, "pgp_sym_encrypt", volatileFn([]*types.T{txt, txt}, by, encrypt(true)))
	addExtFunc(ext, "pgp_sym_encrypt_bytea", volatileFn([]*types.T{by, txt}, by, encrypt(false)))
	addExtFunc(ext, "pgp_sym_encrypt", volatileFn([]*types.T{txt, txt, txt}, by, encrypt(true)))
	addExtFunc(ext, "pgp_sym_encrypt_bytea", volatileFn([]*types.T{by, txt, txt}, by, encrypt(false)))
	addExtFunc(ext, "pgp_sym_decrypt", fn([]*types.T{by, txt}, txt, decrypt(true)))
	addExtFunc(ext, "pgp_sym_decrypt_bytea", fn([]*types.T{by, txt}, by, decrypt(false)))
	addExtFunc(ext, "pgp_sym_decrypt", fn([]*types.T{by, txt, txt}, txt, decrypt(true)))
	addExtFunc(ext, "pgp_sym_decrypt_bytea", fn([]*types.T{by, txt, txt}, by, decrypt(false)))
}
