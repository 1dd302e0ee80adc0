package expr

import (
	"crypto/cipher"
	"encoding/binary"
)

// The parts of OpenPGP (RFC 4880) that pgcrypto's symmetric encryption
// uses: packet framing (§4.2), string-to-key (§3.7) and OpenPGP's CFB
// mode (§13.9).

// OpenPGP packet tags.
const (
	pgpTagPubEncSessKey = 1
	pgpTagSignature     = 2
	pgpTagSymEncSessKey = 3
	pgpTagSecretKey     = 5
	pgpTagPublicKey     = 6
	pgpTagSecretSubkey  = 7
	pgpTagCompressed    = 8
	pgpTagSymEncData    = 9
	pgpTagMarker        = 10
	pgpTagLiteral       = 11
	pgpTagTrust         = 12
	pgpTagUserID        = 13
	pgpTagPublicSubkey  = 14
	pgpTagUserAttr      = 17
	pgpTagSymEncDataMDC = 18
	pgpTagMDC           = 19
	pgpTagPriv61        = 61
)

// pgpPacket appends a packet in the new format with a definite length.
func pgpPacket(dst []byte, tag int, body []byte) []byte {
	dst = append(dst, 0xC0|byte(tag))
	switch n := len(body); {
	case n < 192:
		dst = append(dst, byte(n))
	case n < 8384:
		n -= 192
		dst = append(dst, byte(n>>8)+192, byte(n))
	default:
		dst = append(dst, 255)
		dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	return append(dst, body...)
}

// pgpNextPacket reads the packet at the start of data, old or new
// format, partial lengths joined: its tag, body and the data after it.
// A body longer than the data is corrupt, or with truncatedOK what
// there is of it.
func pgpNextPacket(data []byte, truncatedOK bool) (tag int, body, rest []byte, err error) {
	corrupt := pgpError(pgpErrCorrupt)
	if len(data) == 0 || data[0]&0x80 == 0 {
		return 0, nil, nil, corrupt
	}
	h := data[0]
	data = data[1:]
	if h&0x40 == 0 {
		// Old format: the tag in bits 5-2, the length's size in 1-0.
		tag = int(h>>2) & 0xF
		var n int
		switch h & 3 {
		case 0:
			if len(data) < 1 {
				return 0, nil, nil, corrupt
			}
			n, data = int(data[0]), data[1:]
		case 1:
			if len(data) < 2 {
				return 0, nil, nil, corrupt
			}
			n, data = int(binary.BigEndian.Uint16(data)), data[2:]
		case 2:
			if len(data) < 4 {
				return 0, nil, nil, corrupt
			}
			n, data = int(binary.BigEndian.Uint32(data)), data[4:]
		default:
			// Indeterminate: to the end of the data.
			return tag, data, nil, nil
		}
		if n > len(data) || n < 0 {
			if !truncatedOK {
				return 0, nil, nil, corrupt
			}
			n = len(data)
		}
		return tag, data[:n], data[n:], nil
	}
	tag = int(h & 0x3F)
	for {
		if len(data) < 1 {
			return 0, nil, nil, corrupt
		}
		var n int
		partial := false
		switch c := int(data[0]); {
		case c < 192:
			n, data = c, data[1:]
		case c < 224:
			if len(data) < 2 {
				return 0, nil, nil, corrupt
			}
			n, data = (c-192)<<8+int(data[1])+192, data[2:]
		case c == 255:
			if len(data) < 5 {
				return 0, nil, nil, corrupt
			}
			n, data = int(binary.BigEndian.Uint32(data[1:])), data[5:]
		default:
			n, data, partial = 1<<(c&0x1F), data[1:], true
		}
		if n > len(data) || n < 0 {
			if !truncatedOK {
				return 0, nil, nil, corrupt
			}
			n, partial = len(data), false
		}
		body = append(body, data[:n]...)
		data = data[n:]
		if !partial {
			return tag, body, data, nil
		}
	}
}

// s2kCount is the iteration count an S2K count byte stands for.
func s2kCount(c byte) int { return (16 + int(c&15)) << (int(c>>4) + 6) }

// s2kCountByte is the count byte of the smallest count of at least n,
// as pgcrypto rounds s2k-count.
func s2kCountByte(n int) byte {
	for c := 0; c < 256; c++ {
		if s2kCount(byte(c)) >= n {
			return byte(c)
		}
	}
	return 255
}

// pgpS2K is a string-to-key specifier (§3.7.1): how a key is derived
// from a password.
type pgpS2K struct {
	mode, digest int
	salt         []byte
	count        int
}

// readS2K reads the specifier at the start of b, whose mode and digest
// bytes the caller has checked are there: it and its length. An unknown
// mode is pgcrypto's "Unsupported S2K"; one cut short, corrupt data.
func readS2K(b []byte) (pgpS2K, int, error) {
	s := pgpS2K{mode: int(b[0]), digest: int(b[1])}
	p := 2
	switch s.mode {
	case 0:
	case 1, 3:
		if len(b) < p+8 {
			return s, 0, pgpError(pgpErrCorrupt)
		}
		s.salt, p = b[p:p+8], p+8
		if s.mode == 3 {
			if len(b) < p+1 {
				return s, 0, pgpError(pgpErrCorrupt)
			}
			s.count, p = s2kCount(b[p]), p+1
		}
	default:
		return s, 0, pgpError(pgpErrBadS2K)
	}
	return s, p, nil
}

// key derives a key of keyLen bytes from password by the specifier.
func (s pgpS2K) key(password []byte, keyLen int) []byte {
	return s2kKey(s.mode, s.digest, s.salt, s.count, password, keyLen)
}

// s2kKey derives a key of keyLen bytes from a password: mode 0 hashes
// it, 1 hashes it after the salt, 3 hashes salt and password repeated
// over count bytes; a key longer than the digest takes further
// digests, each preloaded with one more zero byte.
func s2kKey(mode, digest int, salt []byte, count int, password []byte, keyLen int) []byte {
	var key []byte
	for i := 0; len(key) < keyLen; i++ {
		h := pgpDigests[digest]()
		h.Write(make([]byte, i))
		switch mode {
		case 0:
			h.Write(password)
		case 1:
			h.Write(salt)
			h.Write(password)
		default:
			sp := append(append([]byte(nil), salt...), password...)
			n := max(count, len(sp))
			for ; n >= len(sp); n -= len(sp) {
				h.Write(sp)
			}
			h.Write(sp[:n])
		}
		key = h.Sum(key)
	}
	return key[:keyLen]
}

// pgpCFB runs CFB with a zero IV over data (OpenPGP's mode for
// integrity-protected data and encrypted session keys).
func pgpCFB(b cipher.Block, data []byte, encrypt bool) []byte {
	return cfb(b, make([]byte, b.BlockSize()), data, encrypt)
}

// pgpResyncCFB runs OpenPGP's CFB of data without integrity protection
// (tag 9): the prefix of a block and two check bytes, then a resync:
// the rest runs with the prefix's last block of ciphertext as IV.
func pgpResyncCFB(b cipher.Block, data []byte, encrypt bool) []byte {
	bs := b.BlockSize()
	n := min(len(data), bs+2)
	out := pgpCFB(b, data[:n], encrypt)
	if len(data) <= n {
		return out
	}
	ct := out
	if !encrypt {
		ct = data
	}
	return append(out, cfb(b, append([]byte(nil), ct[2:bs+2]...), data[n:], encrypt)...)
}
