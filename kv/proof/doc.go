// Package proof holds the proofs a stela server hands out and the code a
// client runs to check them against a checkpoint it already trusts. It
// imports nothing of the server: a client needs this package, kv/merkle,
// kv/format and kv/checkpoint, and nothing else.
//
// # What a key proof proves
//
// A KeyProof says: "transaction T wrote this entry (key, value or delete,
// metadata), and T is in the log whose tree of Size transactions has root
// R". Checking it takes three steps, all on the client:
//
//  1. Rebuild the entry from the key, value and metadata the server sent
//     (format.NewPut / format.NewDelete) and hash it (format.Entry.LeafHash).
//  2. Walk EntryPath from that leaf (index EntryIndex, tree of
//     Header.Entries leaves) to the transaction's entries root; it must
//     equal Header.EntriesRoot.
//  3. Walk TxPath from the header's leaf hash (index Header.TxID-1, tree
//     of Size leaves) to the log's root; it must equal the trusted root.
//
// It does not prove that the version is the latest one at some later
// transaction: a key proof is a proof of inclusion, not of absence of
// later writes.
//
// # Binary encoding of a KeyProof (version 1)
//
//	field        encoding
//	magic        4 bytes "SKP" 0x01
//	key          uvarint length (1..1024), bytes
//	flags        1 byte: bit 0 = delete; other bits zero
//	value        uvarint length, bytes (length 0 for a delete)
//	metadata     uvarint length (<= 65536), bytes
//	entry index  4 bytes, big-endian uint32
//	entry path   uvarint length, then merkle.EncodeProof bytes
//	header       54 bytes, format.Header encoding
//	size         8 bytes, big-endian uint64
//	tx path      uvarint length, then merkle.EncodeProof bytes
//
// Nothing may follow. Decoding is strict and canonical: every accepted
// input re-encodes to the same bytes.
//
// # Binary encoding of a ConsistencyProof (version 1)
//
//	magic  4 bytes "SCP" 0x01
//	size1  8 bytes, big-endian uint64
//	size2  8 bytes, big-endian uint64
//	path   merkle.EncodeProof bytes, to the end
package proof
