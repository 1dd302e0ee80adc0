package expr

import (
	"crypto/md5"
	"strings"
)

// md5-crypt, the "md5" algorithm of pgcrypto's crypt() and gen_salt()
// (Poul-Henning Kamp's FreeBSD scheme, "$1$"): the salt is up to 8
// characters after "$1$", ending at a '$'; the hash is "$1$" + salt +
// "$" + 22 characters. The password, "$1$" and the salt are digested
// with a digest of password+salt+password mixed in, then 1000 rounds
// re-digest the result with the password and salt in a pattern set by
// the round number, so that a guess costs a thousand digests.

const (
	md5CryptMagic    = "$1$"
	md5CryptSaltMax  = 8
	md5CryptRounds   = 1000
	md5CryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// md5Crypt hashes password with setting, which starts "$1$" (a salt
// from gen_salt, or a whole stored hash).
func md5Crypt(password []byte, setting string) string {
	salt := setting[len(md5CryptMagic):]
	if i := strings.IndexByte(salt, '$'); i >= 0 {
		salt = salt[:i]
	}
	if len(salt) > md5CryptSaltMax {
		salt = salt[:md5CryptSaltMax]
	}

	alt := md5.New()
	alt.Write(password)
	alt.Write([]byte(salt))
	alt.Write(password)
	altSum := alt.Sum(nil)

	h := md5.New()
	h.Write(password)
	h.Write([]byte(md5CryptMagic + salt))
	// As many bytes of the alternate digest as the password is long.
	for n := len(password); n > 0; n -= md5.Size {
		h.Write(altSum[:min(n, md5.Size)])
	}
	// One byte per bit of the password's length, low bit first: a NUL
	// for a one, the password's first byte for a zero.
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(password[:1])
		}
	}
	sum := h.Sum(nil)

	for i := range md5CryptRounds {
		r := md5.New()
		if i&1 != 0 {
			r.Write(password)
		} else {
			r.Write(sum)
		}
		if i%3 != 0 {
			r.Write([]byte(salt))
		}
		if i%7 != 0 {
			r.Write(password)
		}
		if i&1 != 0 {
			r.Write(sum)
		} else {
			r.Write(password)
		}
		sum = r.Sum(sum[:0])
	}

	// The 16 bytes go out in a fixed shuffle, three at a time (the
	// last alone), each group as little-endian 6-bit digits.
	var out strings.Builder
	out.WriteString(md5CryptMagic + salt + "$")
	for _, g := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		cryptDigits(&out, uint32(sum[g[0]])<<16|uint32(sum[g[1]])<<8|uint32(sum[g[2]]), 4)
	}
	cryptDigits(&out, uint32(sum[11]), 2)
	return out.String()
}

// cryptDigits writes the n low 6-bit digits of v, lowest first, in the
// crypt(3) alphabet.
func cryptDigits(out *strings.Builder, v uint32, n int) {
	for range n {
		out.WriteByte(md5CryptAlphabet[v&0x3f])
		v >>= 6
	}
}

// md5CryptSalt is gen_salt('md5'): "$1$" and 8 random characters.
func md5CryptSalt(random []byte) string {
	b := []byte(md5CryptMagic)
	for _, r := range random[:md5CryptSaltMax] {
		b = append(b, md5CryptAlphabet[r&0x3f])
	}
	return string(b)
}
