package expr

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"strings"

	"golang.org/x/crypto/blowfish"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pgcrypto's raw encryption: encrypt(data, key, type), decrypt(...),
// and encrypt_iv/decrypt_iv, which take the IV too. type is
// "algorithm[-mode][/pad:padding]", as pgcrypto's px_find_combo parses
// it: algorithm aes (rijndael), bf (blowfish), des or 3des; mode cbc
// (the default), ecb, or cfb for bf; padding pkcs (the default) or
// none. Names are case-insensitive. Keys and IVs are fitted as
// pgcrypto fits them before handing them to OpenSSL (rawCipher.key),
// so that ciphertexts are PostgreSQL's byte for byte.
//
// bf and des are what PostgreSQL gives when its OpenSSL has the legacy
// algorithms; an OpenSSL 3 without its legacy provider refuses them
// ("Cipher cannot be initialized"), as stela refuses cast5, which Go
// has only for 16-byte keys (OpenSSL runs shorter keys with fewer
// rounds).

// rawCipher is one of pgcrypto's algorithms.
type rawCipher struct {
	blockSize int
	// key fits the key pgcrypto hands OpenSSL: cut to the algorithm's
	// largest size, then padded as the algorithm's init does. nil for
	// an algorithm stela refuses.
	key func(k []byte) []byte
	// block makes the block cipher from a fitted key.
	block func(k []byte) (cipher.Block, error)
	// cfb is set for an algorithm that also has the cfb mode.
	cfb bool
}

// zeroPadded cuts k to max bytes or pads it with zeros to the first of
// sizes that holds it.
func zeroPadded(k []byte, max int, sizes ...int) []byte {
	if len(k) > max {
		k = k[:max]
	}
	for _, s := range sizes {
		if len(k) <= s {
			out := make([]byte, s)
			copy(out, k)
			return out
		}
	}
	return k
}

var rawCiphers = map[string]*rawCipher{
	// AES: 128, 192 or 256 bits, the key padded with zeros to the
	// smallest that holds it.
	"aes": {blockSize: aes.BlockSize, block: aes.NewCipher,
		key: func(k []byte) []byte { return zeroPadded(k, 32, 16, 24, 32) }},
	// Blowfish takes keys of 1 to 56 bytes; pgcrypto hands OpenSSL an
	// empty key as a zeroed buffer of which BF_set_key reads one byte.
	"bf": {blockSize: blowfish.BlockSize, cfb: true,
		block: func(k []byte) (cipher.Block, error) { return blowfish.NewCipher(k) },
		key: func(k []byte) []byte {
			if len(k) == 0 {
				return []byte{0}
			}
			return zeroPadded(k, 56)
		}},
	"des": {blockSize: des.BlockSize, block: des.NewCipher,
		key: func(k []byte) []byte { return zeroPadded(k, 8, 8) }},
	"des3": {blockSize: des.BlockSize, block: des.NewTripleDESCipher,
		key: func(k []byte) []byte { return zeroPadded(k, 24, 24) }},
	"cast5": {blockSize: 8},
}

// rawCipherNames are pgcrypto's names: algorithm-mode, and aliases.
var rawCipherNames = map[string]string{
	"bf-cbc": "bf-cbc", "bf-ecb": "bf-ecb", "bf-cfb": "bf-cfb",
	"des-ecb": "des-ecb", "des-cbc": "des-cbc", "des3-ecb": "des3-ecb", "des3-cbc": "des3-cbc",
	"cast5-ecb": "cast5-ecb", "cast5-cbc": "cast5-cbc", "aes-ecb": "aes-ecb", "aes-cbc": "aes-cbc",
	"bf": "bf-cbc", "blowfish": "bf-cbc", "blowfish-cbc": "bf-cbc", "blowfish-ecb": "bf-ecb", "blowfish-cfb": "bf-cfb",
	"des": "des-cbc", "3des": "des3-cbc", "3des-ecb": "des3-ecb", "3des-cbc": "des3-cbc",
	"cast5": "cast5-cbc", "aes": "aes-cbc", "rijndael": "aes-cbc", "rijndael-cbc": "aes-cbc", "rijndael-ecb": "aes-ecb",
}

// rawCombo is a parsed type string.
type rawCombo struct {
	alg  *rawCipher
	mode string // cbc, ecb or cfb
	pad  bool
}

// px errors, as pgcrypto's px_strerror words them.
const (
	pxNoCipher      = "No such cipher algorithm"
	pxBadOption     = "Unknown option"
	pxBadFormat     = "Badly formatted type"
	pxCipherInit    = "Cipher cannot be initialized"
	pxEncryptFailed = "Encryption failed"
	pxDecryptFailed = "Decryption failed"
)

// parseRawCombo parses a type string, with pgcrypto's error (22023)
// for one it does not know.
func parseRawCombo(typ string) (*rawCombo, error) {
	bad := func(msg string) error {
		return pgerror.Newf(pgcode.InvalidParameterValue, "Cannot use \"%s\": %s", typ, msg)
	}
	parts := strings.Split(typ, "/")
	pad := "pkcs"
	for _, p := range parts[1:] {
		if p == "" {
			continue
		}
		name, val, ok := strings.Cut(p, ":")
		if !ok {
			return nil, bad(pxBadFormat)
		}
		if !strings.EqualFold(name, "pad") {
			return nil, bad(pxBadOption)
		}
		pad = val
	}
	full, ok := rawCipherNames[strings.ToLower(parts[0])]
	if !ok {
		return nil, bad(pxNoCipher)
	}
	alg, mode, _ := strings.Cut(full, "-")
	c := &rawCombo{alg: rawCiphers[alg], mode: mode, pad: true}
	switch strings.ToLower(pad) {
	case "pkcs":
	case "none":
		c.pad = false
	default:
		return nil, bad(pxNoCipher)
	}
	return c, nil
}

// run encrypts or decrypts data with key and iv (nil for encrypt and
// decrypt, which use a zero IV). The error is the px message.
func (c *rawCombo) run(data, key, iv []byte, encrypt bool) ([]byte, string) {
	if c.alg.key == nil {
		return nil, pxCipherInit
	}
	b, err := c.alg.block(c.alg.key(key))
	if err != nil {
		return nil, pxCipherInit
	}
	bs := c.alg.blockSize
	ivBuf := make([]byte, bs)
	copy(ivBuf, iv)
	if c.mode == "cfb" {
		return cfb(b, ivBuf, data, encrypt), ""
	}
	if encrypt {
		if c.pad {
			n := bs - len(data)%bs
			data = append(append(make([]byte, 0, len(data)+n), data...), make([]byte, n)...)
			for i := len(data) - n; i < len(data); i++ {
				data[i] = byte(n)
			}
		} else if len(data)%bs != 0 {
			return nil, pxEncryptFailed
		}
	} else if len(data)%bs != 0 || c.pad && len(data) == 0 {
		return nil, pxDecryptFailed
	}
	out := make([]byte, len(data))
	switch {
	case c.mode == "ecb" && encrypt:
		for i := 0; i < len(data); i += bs {
			b.Encrypt(out[i:], data[i:])
		}
	case c.mode == "ecb":
		for i := 0; i < len(data); i += bs {
			b.Decrypt(out[i:], data[i:])
		}
	case encrypt:
		cipher.NewCBCEncrypter(b, ivBuf).CryptBlocks(out, data)
	default:
		cipher.NewCBCDecrypter(b, ivBuf).CryptBlocks(out, data)
	}
	if encrypt || !c.pad {
		return out, ""
	}
	// PKCS#7: the last byte says how many bytes of padding, each of that
	// value, end the data.
	n := int(out[len(out)-1])
	if n == 0 || n > bs {
		return nil, pxDecryptFailed
	}
	for _, p := range out[len(out)-n:] {
		if int(p) != n {
			return nil, pxDecryptFailed
		}
	}
	return out[:len(out)-n], ""
}

// cfb runs the full-block cipher feedback mode (OpenSSL's bf-cfb, 64
// bits of feedback), the last block possibly partial: no padding.
func cfb(b cipher.Block, iv, data []byte, encrypt bool) []byte {
	bs := b.BlockSize()
	out := make([]byte, len(data))
	prev := iv
	stream := make([]byte, bs)
	for i := 0; i < len(data); i += bs {
		b.Encrypt(stream, prev)
		end := min(i+bs, len(data))
		for j := i; j < end; j++ {
			out[j] = data[j] ^ stream[j-i]
		}
		if encrypt {
			prev = out[i:end]
		} else {
			prev = data[i:end]
		}
	}
	return out
}

// addEncryptFuncs registers encrypt, decrypt, encrypt_iv and decrypt_iv
// as functions of extension ext.
func addEncryptFuncs(ext string) {
	by, txt := types.Bytea, types.Text
	call := func(name string, encrypt, withIV bool) *overload {
		args := []*types.T{by, by, txt}
		if withIV {
			args = []*types.T{by, by, by, txt}
		}
		return fn(args, by, func(_ *Context, a []types.Datum) (types.Datum, error) {
			var iv []byte
			if withIV {
				iv = a[2].([]byte)
			}
			c, err := parseRawCombo(a[len(a)-1].(string))
			if err != nil {
				return nil, err
			}
			out, msg := c.run(a[0].([]byte), a[1].([]byte), iv, encrypt)
			if msg != "" {
				return nil, pgerror.Newf(pgcode.ExternalRoutineInvocationException, "%s error: %s", name, msg)
			}
			return out, nil
		})
	}
	addExtFunc(ext, "encrypt", call("encrypt", true, false))
	addExtFunc(ext, "decrypt", call("decrypt", false, false))
	addExtFunc(ext, "encrypt_iv", call("encrypt_iv", true, true))
	addExtFunc(ext, "decrypt_iv", call("decrypt_iv", false, true))
}
