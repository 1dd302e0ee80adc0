// Package format is the specification, in code, of the bytes that stela
// hashes: the transaction header and the entry. A third party who holds a
// transaction's header and entries can rebuild every hash of the log from
// this page alone, with SHA-256 and RFC 9162.
//
// The constants below are persisted: they must never change. A change of
// layout gets a new HeaderVersion; readers keep decoding the old ones.
//
// # Hashing
//
// stela's log is an RFC 9162 (Certificate Transparency v2, §2.1) Merkle tree
// with SHA-256:
//
//	leaf hash = SHA-256(0x00 || data)
//	node hash = SHA-256(0x01 || left || right)
//	empty root = SHA-256("")
//
// There are two levels of trees:
//
//   - The log: leaf i (0-based) is the header of transaction i+1 (tx ids
//     start at 1 and are dense, so the tree size equals the last tx id).
//   - Inside each transaction: leaf j (0-based) is the j-th entry of the
//     transaction, in the order the transaction listed them. The root of
//     this tree is stored in the header, which binds every entry to the log.
//
// # Entry (version 1)
//
// An entry is one write: a put of a value under a key, or the deletion of
// a key. The value itself is not hashed into the leaf, its SHA-256 digest
// is, so a proof about a large value need not carry the value.
//
//	offset  size  field
//	0       1     kind: 0x01 put, 0x02 delete
//	1       2     key length K, big-endian uint16, 1 <= K <= 1024
//	3       K     key bytes
//	3+K     32    value digest: SHA-256(value); for a delete, SHA-256("")
//	35+K    4     metadata length M, big-endian uint32
//	39+K    M     metadata bytes (opaque to the log; hashed as given)
//
// The entry leaf hash is SHA-256(0x00 || entry bytes).
//
// # Transaction header (version 1)
//
//	offset  size  field
//	0       2     header version, big-endian uint16 = 1
//	2       8     tx id, big-endian uint64, >= 1
//	10      8     commit time, microseconds since 1970-01-01 UTC, big-endian int64
//	18      4     number of entries N, big-endian uint32, >= 1
//	22      32    entries root: RFC 9162 root of the N entry leaf hashes
//
// 54 bytes in all. The log leaf hash of the transaction is
// SHA-256(0x00 || header bytes).
//
// Commit times never decrease along the log: a later transaction's time is
// greater than or equal to an earlier one's, whatever the wall clock did.
package format
