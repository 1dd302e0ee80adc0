package expr

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"

	"golang.org/x/crypto/blowfish"
	"golang.org/x/crypto/cast5"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // OpenPGP's digest 3, which pgcrypto accepts

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The options of pgcrypto's PGP functions ("cipher-algo=aes256,
// compress-algo=1"), the algorithms they name and pgcrypto's errors.
// The whole string is lower-cased, then split into key=value pairs at
// commas, with spaces allowed around words, as pgcrypto's parse_args.

// pgpOptions are the options of one call, with pgcrypto's defaults.
type pgpOptions struct {
	cipher int
	// s2kCipher encrypts the session key; -1 for cipher's.
	s2kCipher int
	s2kMode   int
	// s2kCount is the iterations of s2k mode 3; -1 for a random count
	// between 65536 and 253952, as pgcrypto.
	s2kCount      int
	s2kDigest     int
	compressAlgo  int
	compressLevel int
	disableMDC    bool
	sessKey       bool
	unicode       bool
	convertCRLF   bool
}

// OpenPGP's algorithm numbers (RFC 4880 §9).
const (
	pgpCipher3DES     = 2
	pgpCipherCAST5    = 3
	pgpCipherBlowfish = 4
	pgpCipherAES128   = 7
	pgpCipherAES192   = 8
	pgpCipherAES256   = 9
	pgpCipherTwofish  = 10

	pgpDigestMD5       = 1
	pgpDigestSHA1      = 2
	pgpDigestRIPEMD160 = 3
	pgpDigestSHA256    = 8
	pgpDigestSHA384    = 9
	pgpDigestSHA512    = 10

	pgpComprNone  = 0
	pgpComprZIP   = 1
	pgpComprZLIB  = 2
	pgpComprBZIP2 = 3
)

// pgpCipherInfo is a cipher pgcrypto's PGP code knows.
type pgpCipherInfo struct {
	keyLen int
	// block makes the cipher; nil for twofish, which pgcrypto names but
	// OpenSSL does not have.
	block func(key []byte) (cipher.Block, error)
}

var pgpCiphers = map[int]pgpCipherInfo{
	pgpCipher3DES:     {24, des.NewTripleDESCipher},
	pgpCipherCAST5:    {16, func(k []byte) (cipher.Block, error) { return cast5.NewCipher(k) }},
	pgpCipherBlowfish: {16, func(k []byte) (cipher.Block, error) { return blowfish.NewCipher(k) }},
	pgpCipherAES128:   {16, aes.NewCipher},
	pgpCipherAES192:   {24, aes.NewCipher},
	pgpCipherAES256:   {32, aes.NewCipher},
	pgpCipherTwofish:  {32, nil},
}

// pgpCipherNames are the names cipher-algo and s2k-cipher-algo take.
var pgpCipherNames = map[string]int{
	"3des": pgpCipher3DES, "cast5": pgpCipherCAST5, "bf": pgpCipherBlowfish, "blowfish": pgpCipherBlowfish,
	"aes": pgpCipherAES128, "aes128": pgpCipherAES128, "aes192": pgpCipherAES192, "aes256": pgpCipherAES256,
	"twofish": pgpCipherTwofish,
}

// pgpDigests are the S2K digests, by number.
var pgpDigests = map[int]func() hash.Hash{
	pgpDigestMD5: md5.New, pgpDigestSHA1: sha1.New, pgpDigestRIPEMD160: ripemd160.New,
	pgpDigestSHA256: sha256.New, pgpDigestSHA384: sha512.New384, pgpDigestSHA512: sha512.New,
}

var pgpDigestNames = map[string]int{
	"md5": pgpDigestMD5, "sha1": pgpDigestSHA1, "sha-1": pgpDigestSHA1, "ripemd160": pgpDigestRIPEMD160,
	"sha256": pgpDigestSHA256, "sha384": pgpDigestSHA384, "sha512": pgpDigestSHA512,
}

// pgcrypto's PGP errors, as px_strerror words them; all are 39000.
const (
	pgpErrArgument         = "Illegal argument to function"
	pgpErrCorrupt          = "Wrong key or corrupt data"
	pgpErrUnsupportedCompr = "Unsupported compression algorithm"
	pgpErrUnsupportedCiph  = "Unsupported cipher algorithm"
	pgpErrUnsupportedHash  = "Unsupported digest algorithm"
	pgpErrNotText          = "Not text data"
	pgpErrBadS2K           = "Bad S2K mode"
	pgpErrCompression      = "Compression error"
	pgpErrNoUsableKey      = "No encryption key found"
	pgpErrMultipleKeys     = "Several keys given - pgcrypto does not handle keyring"
	pgpErrNotV4Key         = "Only V4 key packets are supported"
	pgpErrUnknownPubAlgo   = "Unknown public-key encryption algorithm"
	pgpErrBug              = "pgcrypto bug"
	pgpErrWrongKey         = "Wrong key"
	pgpErrUnexpectedPkt    = "Unexpected packet in key data"
	pgpErrExpectPublicKey  = "Refusing to encrypt with secret key"
	pgpErrExpectSecretKey  = "Cannot decrypt with public key"
	pgpErrKeyPktCorrupt    = "Corrupt key packet"
	pgpErrNeedSecretPsw    = "Need password for secret key"
	pgpErrMultipleSubkeys  = "Several subkeys not supported"
)

// pgpError is one of those errors.
type pgpError string

func (e pgpError) Error() string { return string(e) }

// sqlError is the error a client sees.
func (e pgpError) sqlError() error {
	return pgerror.New(pgcode.ExternalRoutineInvocationException, string(e))
}

func defaultPGPOptions() *pgpOptions {
	return &pgpOptions{cipher: pgpCipherAES128, s2kCipher: -1, s2kMode: 3, s2kCount: -1, s2kDigest: pgpDigestSHA1,
		compressLevel: 6}
}

// cAtoi is C's atoi: leading blanks, a sign, digits, the rest ignored.
func cAtoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			n = 1 << 31
		}
	}
	if neg {
		return -n
	}
	return n
}

// parsePGPOptions parses an options string.
func parsePGPOptions(s string) (*pgpOptions, error) {
	o := defaultPGPOptions()
	s = strings.ToLower(s)
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }
	// word reads a word from s[p:], skipping spaces around it.
	word := func(p int) (string, int) {
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		start := p
		for p < len(s) && !isSpace(s[p]) && s[p] != '=' && s[p] != ',' {
			p++
		}
		w := s[start:p]
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		return w, p
	}
	for p := 0; p < len(s); {
		key, q := word(p)
		if q >= len(s) || s[q] != '=' {
			return nil, pgpError(pgpErrArgument)
		}
		val, q := word(q + 1)
		if q < len(s) {
			if s[q] != ',' {
				return nil, pgpError(pgpErrArgument)
			}
			q++
		}
		if key == "" || val == "" {
			return nil, pgpError(pgpErrArgument)
		}
		if err := o.set(key, val); err != nil {
			return nil, err
		}
		p = q
	}
	return o, nil
}

// set applies one option, as pgcrypto's set_arg.
func (o *pgpOptions) set(key, val string) error {
	cipherCode := func() (int, error) {
		if c, ok := pgpCipherNames[val]; ok {
			return c, nil
		}
		return 0, pgpError(pgpErrUnsupportedCiph)
	}
	n := cAtoi(val)
	var err error
	switch key {
	case "cipher-algo":
		o.cipher, err = cipherCode()
	case "s2k-cipher-algo":
		o.s2kCipher, err = cipherCode()
	case "disable-mdc":
		o.disableMDC = n != 0
	case "sess-key":
		o.sessKey = n != 0
	case "s2k-mode":
		if n != 0 && n != 1 && n != 3 {
			return pgpError(pgpErrArgument)
		}
		o.s2kMode = n
	case "s2k-count":
		if n < 1024 || n > 65011712 {
			return pgpError(pgpErrArgument)
		}
		o.s2kCount = n
	case "s2k-digest-algo":
		d, ok := pgpDigestNames[val]
		if !ok {
			return pgpError(pgpErrUnsupportedHash)
		}
		o.s2kDigest = d
	case "compress-algo":
		if n < pgpComprNone || n > pgpComprBZIP2 {
			return pgpError(pgpErrArgument)
		}
		o.compressAlgo = n
	case "compress-level":
		if n < 0 || n > 9 {
			return pgpError(pgpErrArgument)
		}
		o.compressLevel = n
	case "convert-crlf":
		o.convertCRLF = n != 0
	case "unicode-mode":
		o.unicode = n != 0
	case "debug", "expect-cipher-algo", "expect-disable-mdc", "expect-sess-key", "expect-s2k-mode",
		"expect-s2k-count", "expect-s2k-digest-algo", "expect-s2k-cipher-algo", "expect-compress-algo",
		"expect-unicode-mode":
		// pgcrypto's options for its own tests: they only print debug
		// messages.
	default:
		return pgpError(pgpErrArgument)
	}
	return err
}
