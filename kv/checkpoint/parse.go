package checkpoint

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// strictBase64 rejects encodings whose unused trailing bits are not zero.
// Without it two different root lines would decode to the same hash, and a
// parsed checkpoint would not marshal back to the bytes that were signed.
var strictBase64 = base64.StdEncoding.Strict()

// Parse decodes a checkpoint body (the text of the note, not a signed
// note). It is strict: it accepts exactly what Marshal produces for some
// valid Checkpoint and nothing else, so a successful Parse followed by
// Marshal returns body unchanged. Every error wraps ErrMalformed.
//
// Parse checks no signature: use Open for notes from untrusted sources.
func Parse(body []byte) (Checkpoint, error) {
	if len(body) > MaxNoteSize {
		return Checkpoint{}, malformed("body is %d bytes, over the %d-byte limit", len(body), MaxNoteSize)
	}
	if len(body) == 0 || body[len(body)-1] != '\n' {
		return Checkpoint{}, malformed("body does not end in a newline")
	}
	// Count lines before splitting so that a body of 64 KiB of newlines
	// costs a scan, not an allocation of 64 Ki strings.
	lines := strings.Count(string(body), "\n")
	if lines < 3 {
		return Checkpoint{}, malformed("body has %d lines, want at least 3", lines)
	}
	if lines > 3+MaxExtensions {
		return Checkpoint{}, malformed("%d extension lines, over the limit of %d", lines-3, MaxExtensions)
	}
	fields := strings.Split(string(body[:len(body)-1]), "\n")

	var c Checkpoint
	var err error
	c.Origin = fields[0]
	if err := checkOrigin(c.Origin); err != nil {
		return Checkpoint{}, err
	}
	if c.Size, err = parseSize(fields[1]); err != nil {
		return Checkpoint{}, err
	}
	if c.Root, err = parseRoot(fields[2]); err != nil {
		return Checkpoint{}, err
	}
	if ext := fields[3:]; len(ext) > 0 {
		if err := checkExtensions(ext); err != nil {
			return Checkpoint{}, err
		}
		c.Extensions = ext
	}
	return c, nil
}

// parseSize decodes the tree size line: ASCII digits, no sign, no leading
// zero unless the size is 0, and no more than fits in a uint64.
func parseSize(s string) (uint64, error) {
	if s == "" {
		return 0, malformed("empty tree size")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, malformed("tree size %.40q is not a decimal number", s)
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, malformed("tree size %.40q has a leading zero", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		// Only overflow is left: the digits were checked above.
		return 0, malformed("tree size %.40q does not fit in 64 bits", s)
	}
	return n, nil
}

// parseRoot decodes the root hash line: exactly 32 bytes in canonical,
// padded standard base64.
func parseRoot(s string) ([32]byte, error) {
	// The standard decoder silently skips '\r' and '\n', even in strict
	// mode, so they are refused here along with wrong lengths.
	if len(s) != rootB64Len || strings.ContainsAny(s, "\r\n") {
		return [32]byte{}, malformed("root hash %.40q is not base64 of 32 bytes", s)
	}
	// DecodedLen rounds up to whole 3-byte groups, hence 33 bytes of room.
	var buf [33]byte
	n, err := strictBase64.Decode(buf[:], []byte(s))
	if err != nil || n != 32 {
		return [32]byte{}, malformed("root hash %.40q is not canonical base64 of 32 bytes", s)
	}
	return [32]byte(buf[:32]), nil
}
