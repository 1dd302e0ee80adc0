package expr

import (
	"context"
	"encoding/base64"

	"golang.org/x/crypto/blowfish"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// bcrypt, the "bf" algorithm of pgcrypto's crypt() and gen_salt(): the
// salt "$2a$NN$" + 22 characters names the cost (2^NN rounds of the
// expensive key schedule) and 128 bits of salt; the hash is the salt
// followed by 31 characters, 23 bytes of "OrpheanBeholderScryDoubt"
// encrypted 64 times by the Blowfish state the schedule leaves.
//
// golang.org/x/crypto/bcrypt only hashes with a random salt of its own,
// while crypt() must hash with the salt it is given (crypt(pw, stored)
// = stored is how applications check a password), so the schedule is
// run here on x/crypto's Blowfish, which exports the salted key
// expansion bcrypt is made of.
//
// Two corners of pgcrypto's crypt_blowfish are not reproduced and are
// refused (0A000) rather than answered wrongly: "$2x$" hashes of
// passwords whose non-ASCII bytes hit its sign-extension bug, and the
// "$2a$" countermeasure that only passwords with 0xFF bytes (never
// valid UTF-8, so never a text value) can trigger.

// bcryptEncoding is bcrypt's base64: its own alphabet, no padding.
// Decoding is not strict, as crypt_blowfish's: the 22nd character of a
// salt carries 4 bits beyond the 128 that are dropped, and the hash
// repeats the salt re-encoded (so "...uv" comes back as "...uu").
var bcryptEncoding = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").
	WithPadding(base64.NoPadding)

const (
	// bcryptSaltChars is the length of the encoded 16-byte salt.
	bcryptSaltChars = 22
	// bcryptMinCost and bcryptMaxCost bound the cost, as pgcrypto's.
	bcryptMinCost, bcryptMaxCost = 4, 31
	// bcryptDefaultCost is gen_salt('bf')'s.
	bcryptDefaultCost = 6
	// bcryptKeyWords is how many 32-bit words of the (cycled)
	// password the key schedule reads: 72 bytes.
	bcryptKeyWords = 18
	// bcryptCancelEvery is how many rounds run between checks for a
	// cancelled statement: a cost of 31 takes days.
	bcryptCancelEvery = 1 << 10
)

// errInvalidSalt is crypt()'s error for a salt of the right prefix
// but wrong form.
func errInvalidSalt() error { return pgerror.New(pgcode.InvalidParameterValue, "invalid salt") }

// bcryptCrypt hashes password with setting, which starts "$2a$" or
// "$2x$" (a salt from gen_salt, or a whole stored hash).
func bcryptCrypt(ctx context.Context, password []byte, setting string) (string, error) {
	const prefix = len("$2a$NN$")
	if len(setting) < prefix+bcryptSaltChars || setting[3] != '$' || setting[6] != '$' ||
		!isASCIIDigit(setting[4]) || !isASCIIDigit(setting[5]) {
		return "", errInvalidSalt()
	}
	cost := int(setting[4]-'0')*10 + int(setting[5]-'0')
	if cost < bcryptMinCost || cost > bcryptMaxCost {
		return "", errInvalidSalt()
	}
	salt, err := bcryptEncoding.DecodeString(setting[prefix : prefix+bcryptSaltChars])
	if err != nil {
		return "", errInvalidSalt()
	}
	// The key is the password with its terminating NUL, as C sees it.
	key := append(append(make([]byte, 0, len(password)+1), password...), 0)
	differs, signExtended := bcryptSignBug(key)
	if setting[2] == 'x' && differs {
		return "", pgerror.New(pgcode.FeatureNotSupported, "crypt: \"$2x$\" hashes of passwords with non-ASCII characters are not supported")
	}
	if setting[2] == 'a' && signExtended && !differs {
		return "", pgerror.New(pgcode.FeatureNotSupported, "crypt: \"$2a$\" hashes of passwords with 0xFF bytes are not supported")
	}
	c, err := blowfish.NewSaltedCipher(key, salt)
	if err != nil {
		return "", err
	}
	for i := uint64(0); i < 1<<cost; i++ {
		if i%bcryptCancelEvery == 0 && ctx != nil && ctx.Err() != nil {
			return "", ctx.Err()
		}
		blowfish.ExpandKey(key, c)
		blowfish.ExpandKey(salt, c)
	}
	text := []byte("OrpheanBeholderScryDoubt")
	for i := 0; i < 64; i++ {
		for j := 0; j < len(text); j += blowfish.BlockSize {
			c.Encrypt(text[j:j+blowfish.BlockSize], text[j:j+blowfish.BlockSize])
		}
	}
	return setting[:prefix] + bcryptEncoding.EncodeToString(salt) + bcryptEncoding.EncodeToString(text[:23]), nil
}

// bcryptSignBug tells how crypt_blowfish's old sign-extension bug
// ("$2x$" reproduces it) would read key: differs when some of the 18
// key words come out otherwise than correctly, signExtended when some
// byte >= 0x80 stood after the first byte of its word (the case where
// the bug can matter). The bug read each byte as a signed char, so a
// byte >= 0x80 set all the higher bits of the word built so far.
func bcryptSignBug(key []byte) (differs, signExtended bool) {
	pos := 0
	for range bcryptKeyWords {
		var good, bad uint32
		for j := range 4 {
			b := key[pos]
			good = good<<8 | uint32(b)
			bad = bad<<8 | uint32(int32(int8(b)))
			if j > 0 && b >= 0x80 {
				signExtended = true
			}
			pos = (pos + 1) % len(key)
		}
		differs = differs || good != bad
	}
	return differs, signExtended
}

// bcryptSalt is gen_salt('bf', cost): a "$2a$" setting with 16 random
// bytes.
func bcryptSalt(cost int, random []byte) string {
	return "$2a$" + string([]byte{byte('0' + cost/10), byte('0' + cost%10)}) + "$" + bcryptEncoding.EncodeToString(random[:16])
}
