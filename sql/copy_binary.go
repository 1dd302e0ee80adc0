package sql

import (
	"encoding/binary"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The binary COPY format (PostgreSQL's "PGCOPY"):
//
//	header:  "PGCOPY\n\377\r\n\0" | flags int32 | extension length int32 | extension
//	tuple:   field count int16 | per field: length int32 (-1: NULL) | bytes
//	trailer: int16 -1
//
// Field bytes are the types' send/recv forms; integers are big-endian.
// Bit 16 of the flags was WITH OIDS; bits 17-31 are critical flags a
// reader must refuse, bits 0-15 may be ignored.
var copyBinarySignature = []byte("PGCOPY\n\377\r\n\x00")

// appendCopyBinaryHeader appends the header COPY TO writes.
func appendCopyBinaryHeader(dst []byte) []byte {
	dst = append(dst, copyBinarySignature...)
	return append(dst, 0, 0, 0, 0, 0, 0, 0, 0)
}

// appendCopyBinaryTrailer appends the end-of-data marker.
func appendCopyBinaryTrailer(dst []byte) []byte { return append(dst, 0xff, 0xff) }

// copyBinaryReader reads the binary format from a CopySource.
type copyBinaryReader struct {
	in   copyInput
	done bool
}

func badCopy(msg string) error { return pgerror.New(pgcode.BadCopyFileFormat, msg) }

// readHeader reads and checks the file header.
func (r *copyBinaryReader) readHeader() error {
	in := &r.in
	ok, err := in.ensure(len(copyBinarySignature))
	if err != nil {
		return err
	}
	if !ok || string(in.buf[in.pos:in.pos+len(copyBinarySignature)]) != string(copyBinarySignature) {
		return badCopy("COPY file signature not recognized")
	}
	in.pos += len(copyBinarySignature)
	flags, ok, err := r.int32()
	if err != nil {
		return err
	}
	if !ok {
		return badCopy("invalid COPY file header (missing flags)")
	}
	if flags&(1<<16) != 0 {
		return badCopy("invalid COPY file header (WITH OIDS)")
	}
	if uint32(flags)&^(1<<16)>>16 != 0 {
		return badCopy("unrecognized critical flags in COPY file header")
	}
	ext, ok, err := r.int32()
	if err != nil {
		return err
	}
	if !ok {
		return badCopy("invalid COPY file header (missing length)")
	}
	if ext < 0 {
		return badCopy("invalid COPY file header (wrong length)")
	}
	// Skip the extension area without holding it all.
	for ext > 0 {
		if ok, err := in.ensure(1); err != nil {
			return err
		} else if !ok {
			return badCopy("invalid COPY file header (wrong length)")
		}
		n := min(int(ext), len(in.buf)-in.pos)
		in.pos += n
		ext -= int32(n)
	}
	return nil
}

func (r *copyBinaryReader) int32() (int32, bool, error) {
	ok, err := r.in.ensure(4)
	if !ok || err != nil {
		return 0, false, err
	}
	v := int32(binary.BigEndian.Uint32(r.in.buf[r.in.pos:]))
	r.in.pos += 4
	return v, true, nil
}

// tuple reads the next tuple's field count; ok is false at the end of the
// data (the trailer, or the data ending where a tuple would start, which
// PostgreSQL accepts too).
func (r *copyBinaryReader) tuple() (int, bool, error) {
	if r.done {
		return 0, false, nil
	}
	in := &r.in
	ok, err := in.ensure(2)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		r.done = true
		return 0, false, nil
	}
	n := int16(binary.BigEndian.Uint16(in.buf[in.pos:]))
	in.pos += 2
	if n == -1 {
		r.done = true
		// Nothing may follow the trailer but the end of the data; a
		// CopyFail sent now still fails the COPY.
		if ok, err := in.ensure(1); err != nil {
			return 0, false, err
		} else if ok {
			return 0, false, badCopy("received copy data after EOF marker")
		}
		return 0, false, nil
	}
	return int(n), true, nil
}

// field reads one field: its bytes (valid until the next read), or NULL.
func (r *copyBinaryReader) field() ([]byte, bool, error) {
	n, ok, err := r.int32()
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, badCopy("unexpected EOF in COPY data")
	}
	if n == -1 {
		return nil, true, nil
	}
	if n < 0 {
		return nil, false, badCopy("invalid field size")
	}
	if int64(n) > maxCopyLine {
		return nil, false, errCopyTooLong(0, int(n))
	}
	if ok, err := r.in.ensure(int(n)); err != nil {
		return nil, false, err
	} else if !ok {
		return nil, false, badCopy("unexpected EOF in COPY data")
	}
	b := r.in.buf[r.in.pos : r.in.pos+int(n)]
	r.in.pos += int(n)
	return b, false, nil
}
