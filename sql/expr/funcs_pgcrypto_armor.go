package expr

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pgcrypto's ASCII armor (RFC 4880 §6.2): armor(data [, keys,
// values]) wraps bytes in "-----BEGIN PGP MESSAGE-----", header lines,
// base64 in lines of 76 and a CRC-24 line; dearmor(text) reads it back
// and pgp_armor_headers(text) lists the header lines. The reader is as
// lenient and as strict as pgcrypto's: any "-----BEGIN...-----" line
// opens the armor, junk may surround it, whitespace inside the base64
// is skipped, and the CRC must be present and right.

// armorLineLen is the length of the base64 lines armor writes.
const armorLineLen = 76

// crc24 is OpenPGP's checksum of armored data (RFC 4880 §6.1).
func crc24(data []byte) uint32 {
	const (
		init = 0xB704CE
		poly = 0x1864CFB
	)
	crc := uint32(init)
	for _, b := range data {
		crc ^= uint32(b) << 16
		for i := 0; i < 8; i++ {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= poly
			}
		}
	}
	return crc & 0xFFFFFF
}

// pgpArmor is armor(data, keys, values).
func pgpArmor(data []byte, keys, values []string) string {
	var b strings.Builder
	b.WriteString("-----BEGIN PGP MESSAGE-----\n")
	for i := range keys {
		b.WriteString(keys[i] + ": " + values[i] + "\n")
	}
	b.WriteByte('\n')
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(armorLineLen, len(enc))
		b.WriteString(enc[:n] + "\n")
		enc = enc[n:]
	}
	crc := crc24(data)
	b.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(crc >> 16), byte(crc >> 8), byte(crc)}))
	b.WriteString("\n-----END PGP MESSAGE-----\n")
	return b.String()
}

// armorHeaderArrays checks armor's keys and values arrays as pgcrypto
// does, and returns their strings.
func armorHeaderArrays(k, v *types.Array) (keys, values []string, err error) {
	if k.NDims() > 1 || k.NDims() != v.NDims() {
		return nil, nil, pgerror.New(pgcode.ArraySubscriptError, "wrong number of array subscripts")
	}
	if len(k.Elems) != len(v.Elems) {
		return nil, nil, pgerror.New(pgcode.ArraySubscriptError, "mismatched array dimensions")
	}
	check := func(what string, d types.Datum) (string, error) {
		if d == nil {
			return "", pgerror.Newf(pgcode.NullValueNotAllowed, "null value not allowed for header %s", what)
		}
		s := d.(string)
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return "", pgerror.Newf(pgcode.InvalidParameterValue, "header %s must not contain non-ASCII characters", what)
			}
		}
		if what == "key" && strings.Contains(s, ": ") {
			return "", pgerror.New(pgcode.InvalidParameterValue, "header key must not contain \": \"")
		}
		if strings.Contains(s, "\n") {
			return "", pgerror.Newf(pgcode.InvalidParameterValue, "header %s must not contain newlines", what)
		}
		return s, nil
	}
	for i := range k.Elems {
		key, err := check("key", k.Elems[i])
		if err != nil {
			return nil, nil, err
		}
		val, err := check("value", v.Elems[i])
		if err != nil {
			return nil, nil, err
		}
		keys, values = append(keys, key), append(values, val)
	}
	return keys, values, nil
}

// errCorruptArmor is pgcrypto's error for text it cannot read as armor.
func errCorruptArmor() error {
	return pgerror.New(pgcode.ExternalRoutineInvocationException, "Corrupt ascii-armor")
}

// armorLine finds the armor line starting with sep ("-----BEGIN" or
// "-----END") at the start of a line of data[from:]: its position and
// the position after it (and its line end); ok false when there is none
// or it is malformed, as pgcrypto's find_header.
func armorLine(data []byte, from int, sep string) (start, end int, ok bool) {
	p := from
	for {
		i := bytes.Index(data[p:], []byte(sep))
		if i < 0 {
			return 0, 0, false
		}
		p += i
		if p == from || data[p-1] == '\n' {
			break
		}
		p += len(sep)
	}
	start = p
	p += len(sep)
	// Any text but a control character may follow, up to "-----".
	for ; p < len(data) && data[p] != '-'; p++ {
		if data[p] < ' ' {
			return 0, 0, false
		}
	}
	if len(data)-p < 5 || string(data[p:p+5]) != "-----" {
		return 0, 0, false
	}
	p += 5
	if p < len(data) {
		if data[p] != '\n' && data[p] != '\r' {
			return 0, 0, false
		}
		if data[p] == '\r' {
			p++
		}
		if p < len(data) && data[p] == '\n' {
			p++
		}
	}
	return start, p, true
}

// armorParts splits armored text into its header lines and the text
// between the empty line ending them and the END line.
func armorParts(data []byte) (headers []byte, body []byte, ok bool) {
	_, p, ok := armorLine(data, 0, "-----BEGIN")
	if !ok {
		return nil, nil, false
	}
	bodyEnd, _, ok := armorLine(data, p, "-----END")
	if !ok {
		return nil, nil, false
	}
	start := p
	for p < bodyEnd && data[p] != '\n' && data[p] != '\r' {
		i := bytes.IndexByte(data[p:bodyEnd], '\n')
		if i < 0 {
			return nil, nil, false
		}
		p += i + 1
	}
	return data[start:p], data[p:bodyEnd], true
}

// armorBase64 decodes base64 as pgcrypto's reader: whitespace skipped,
// '=' allowed only as padding; ok false for anything else.
func armorBase64(src []byte) (out []byte, ok bool) {
	out, bad, _ := decodeBase64(src)
	return out, bad == base64OK
}

// pgpDearmor is dearmor(text).
func pgpDearmor(text string) ([]byte, error) {
	_, body, ok := armorParts([]byte(text))
	if !ok {
		return nil, errCorruptArmor()
	}
	// The CRC line is the last '=' of the body; the data ends one
	// character (the line end) before it.
	eq := bytes.LastIndexByte(body, '=')
	if eq < 0 {
		return nil, errCorruptArmor()
	}
	crcText := body[eq+1:]
	if len(crcText) > 4 {
		crcText = crcText[:4]
	}
	crc, ok := armorBase64(crcText)
	if !ok || len(crc) != 3 {
		return nil, errCorruptArmor()
	}
	data, ok := armorBase64(body[:max(eq-1, 0)])
	if !ok || crc24(data) != uint32(crc[0])<<16|uint32(crc[1])<<8|uint32(crc[2]) {
		return nil, errCorruptArmor()
	}
	return data, nil
}

// pgpArmorHeaders is pgp_armor_headers(text): the key and value of each
// header line, split at the first ": ".
func pgpArmorHeaders(text string) ([][]types.Datum, error) {
	headers, _, ok := armorParts([]byte(text))
	if !ok {
		return nil, errCorruptArmor()
	}
	var rows [][]types.Datum
	for len(headers) > 0 {
		i := bytes.IndexByte(headers, '\n')
		line := strings.TrimSuffix(string(headers[:i]), "\r")
		headers = headers[i+1:]
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			return nil, errCorruptArmor()
		}
		rows = append(rows, []types.Datum{k, v})
	}
	return rows, nil
}

// addArmorFuncs registers armor, dearmor and pgp_armor_headers as
// functions of extension ext.
func addArmorFuncs(ext string) {
	by, txt := types.Bytea, types.Text
	txtArr, _ := types.ArrayOf(txt)
	addExtFunc(ext, "armor", fn([]*types.T{by}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pgpArmor(a[0].([]byte), nil, nil), nil
	}))
	addExtFunc(ext, "armor", fn([]*types.T{by, txtArr, txtArr}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		keys, values, err := armorHeaderArrays(a[1].(*types.Array), a[2].(*types.Array))
		if err != nil {
			return nil, err
		}
		return pgpArmor(a[0].([]byte), keys, values), nil
	}))
	addExtFunc(ext, "dearmor", fn([]*types.T{txt}, by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pgpDearmor(a[0].(string))
	}))
	addExtSetFunc(ext, "pgp_armor_headers", []*types.T{txt}, &SetFunc{
		Names: []string{"key", "value"}, Types: []*types.T{txt, txt},
		Rows: func(a []types.Datum) ([][]types.Datum, error) { return pgpArmorHeaders(a[0].(string)) },
	})
}
