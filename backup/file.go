package backup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"time"
)

// magic is the first line of a version 1 file.
const magic = "stela-backup 1\n"

// Frame kinds (doc.go). Persisted.
const (
	kindBegin byte = 'B'
	kindLog   byte = 'L'
	kindTx    byte = 'T'
	kindEnd   byte = 'E'
)

// maxFrame bounds a frame's payload: a transaction is at most 1 GiB in
// kv (Options.MaxTxBytes), and its values come with it.
const maxFrame = 2 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// beginInfo is the payload of the 'B' frame.
type beginInfo struct {
	Created    time.Time `json:"created"`
	ServerWide bool      `json:"server_wide"`
}

// logInfo is the payload of an 'L' frame.
type logInfo struct {
	Database   string `json:"database"`
	Dir        string `json:"dir"`
	Origin     string `json:"origin"`
	Since      uint64 `json:"since"`
	Upto       uint64 `json:"upto"`
	Checkpoint string `json:"checkpoint"`
}

// label names a log in messages.
func (l *logInfo) label() string {
	if l.Database == "" {
		return "the system log"
	}
	return fmt.Sprintf("database %q", l.Database)
}

// frameWriter writes frames, hashing everything it writes.
type frameWriter struct {
	w   *bufio.Writer
	sum hash.Hash
	n   int64 // bytes written
}

func newFrameWriter(w io.Writer) (*frameWriter, error) {
	fw := &frameWriter{w: bufio.NewWriterSize(w, 1<<20), sum: sha256.New()}
	return fw, fw.raw([]byte(magic))
}

func (fw *frameWriter) raw(b []byte) error {
	fw.sum.Write(b)
	fw.n += int64(len(b))
	_, err := fw.w.Write(b)
	return err
}

// frame writes one frame.
func (fw *frameWriter) frame(kind byte, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("backup: a frame of %d bytes exceeds the format's %d", len(payload), maxFrame)
	}
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(payload)))
	crc := crc32.Update(crc32.Checksum(head[:], castagnoli), castagnoli, payload)
	if err := fw.raw(head[:]); err != nil {
		return err
	}
	if err := fw.raw(payload); err != nil {
		return err
	}
	return fw.raw(binary.BigEndian.AppendUint32(nil, crc))
}

// end writes the 'E' frame and flushes.
func (fw *frameWriter) end() error {
	if err := fw.frame(kindEnd, fw.sum.Sum(nil)); err != nil {
		return err
	}
	return fw.w.Flush()
}

// Errors of reading a file. Restore wraps them with where they happened.
var (
	// ErrNotBackup marks a file that does not start as a backup does.
	ErrNotBackup = errors.New("not a stela backup file (or a version this build does not read)")
	// ErrTruncated marks a file that ends before its 'E' frame.
	ErrTruncated = errors.New("the backup file is truncated")
	// ErrDamaged marks a frame whose checksum does not match, or a file
	// whose structure is wrong.
	ErrDamaged = errors.New("the backup file is damaged")
)

// frameReader reads frames, hashing everything it reads.
type frameReader struct {
	r   *bufio.Reader
	sum hash.Hash
	buf []byte
}

func newFrameReader(r io.Reader) (*frameReader, error) {
	fr := &frameReader{r: bufio.NewReaderSize(r, 1<<20), sum: sha256.New()}
	m := make([]byte, len(magic))
	if _, err := io.ReadFull(fr.r, m); err != nil || !bytes.Equal(m, []byte(magic)) {
		return nil, ErrNotBackup
	}
	fr.sum.Write(m)
	return fr, nil
}

// next reads one frame. The payload is valid until the next call. At the
// 'E' frame it checks the file's hash and that nothing follows.
func (fr *frameReader) next() (kind byte, payload []byte, err error) {
	var head [5]byte
	if _, err := io.ReadFull(fr.r, head[:]); err != nil {
		return 0, nil, truncated(err)
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("%w: a frame claims %d bytes", ErrDamaged, n)
	}
	if cap(fr.buf) < int(n)+4 {
		fr.buf = make([]byte, int(n)+4)
	}
	body := fr.buf[:int(n)+4]
	if _, err := io.ReadFull(fr.r, body); err != nil {
		return 0, nil, truncated(err)
	}
	payload = body[:n]
	crc := crc32.Update(crc32.Checksum(head[:], castagnoli), castagnoli, payload)
	if crc != binary.BigEndian.Uint32(body[n:]) {
		return 0, nil, fmt.Errorf("%w: checksum mismatch", ErrDamaged)
	}
	kind = head[0]
	if kind == kindEnd {
		if !bytes.Equal(payload, fr.sum.Sum(nil)) {
			return 0, nil, fmt.Errorf("%w: the file's SHA-256 does not match its end frame", ErrDamaged)
		}
		if _, err := fr.r.ReadByte(); err != io.EOF {
			return 0, nil, fmt.Errorf("%w: bytes after the end frame", ErrDamaged)
		}
	}
	fr.sum.Write(head[:])
	fr.sum.Write(body)
	return kind, payload, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}
