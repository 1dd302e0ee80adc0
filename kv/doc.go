// Package kv is stela's verifiable store: a key/value store in which every
// transaction is appended to a Merkle log and never rewritten, every
// version of every key stays readable, and any state of the log can be
// proven to anyone holding a checkpoint.
//
// One Store is one pebble (github.com/cockroachdb/pebble/v2) instance in
// one directory. The hashed formats (transaction header, entry) are
// specified in package format; proofs and their client-side checks are in
// packages merkle, proof and checkpoint, which import nothing of this one.
//
// # Durability
//
// Commit returns only after the group holding the transaction has been
// appended to the store's commit log and synced (commitlog.go, package
// clog; pebble runs with its own WAL off). A group is one pebble batch
// (header record with the Merkle nodes and entry list, and key versions of
// each transaction), logged as one checksummed record and applied to pebble
// whole, so after a crash the store holds all of a group or none of it:
// Open replays the log's groups beyond pebble's tables. The log head
// returned with a transaction (Committed.LogSize and Root) is durable when
// Commit returns (it is computed from the in-memory tree and published
// right after the sync); its checkpoint is signed when someone asks for
// it (Checkpoint, CheckpointAt), not on the commit path.
// Nothing acknowledged can be lost by a process crash or power loss, given
// a disk that honours fsync.
//
// What a failure does:
//   - Disk almost full: a group that finds less than Options.MinFreeBytes
//     free fails with ErrDiskFull before writing anything; the store goes
//     on and commits succeed again once space returns. The reserve keeps
//     pebble's own flushes and compactions from running out of space.
//   - An I/O error in the write path (the commit log during a commit, or
//     pebble's MANIFEST during a background flush or compaction): the
//     store cannot go on. The group fails with ErrFailed, and every later Commit fails with
//     ErrFailed until the store is reopened; reads go on. Earlier
//     transactions are untouched: they were synced. Pebble reports these
//     through Logger.Fatalf, which by default exits the process; the store
//     turns them into errors instead (pebblelog.go).
//   - Flushes that keep failing (a table cannot be created or written:
//     the directory removed, a failing disk): pebble retries them at once
//     and forever. kv's own flushes (Close, the commit log's releaser,
//     Open after a replay) give up after 5 s of failures and return the
//     error, keeping the commit log, which the next Open replays; nothing
//     is lost (flush.go). Commits go on until pebble's memtables are
//     full, then wait.
//   - One case is ambiguous: when a group's write reached the disk but its
//     sync reported an error, the commit log may still hold the group,
//     and reopening replays it. Such a transaction is complete and verifies (a
//     batch is atomic); its caller was told it failed, as PostgreSQL tells
//     a client whose COMMIT hit a PANIC.
//   - A commit log that ends in a damaged record ends there (a crash
//     during the last write leaves one), as PostgreSQL's WAL does; a
//     damaged record followed by more of the log is ErrCorrupt. A
//     read-only Open of a store whose log holds groups not yet in its
//     tables (a crash, not a clean Close) reads them into memory and
//     writes nothing.
//   - Damaged files (a checksum mismatch in an sstable, a damaged MANIFEST)
//     give errors wrapping ErrCorrupt; Open refuses such a store without
//     writing to it, so nothing is deleted by a recovery that would accept
//     a shorter history.
//
// # Concurrency
//
// A Store is safe for concurrent use. Reads never block commits. A read
// at tx T sees exactly the transactions 1..T: versions carry their tx id,
// and the committer publishes the last durable tx id only after the sync.
// Close waits for operations in progress, including open Iterators.
//
// # Storage layout (store format 3)
//
// Every pebble key starts with a family byte (keys.go):
//
//	'M' 's'                     store identity: "STELA-KV", format version, creation time,
//	                            first tx of format 2 and of format 3 (records.go)
//	'M' 'o'                     origin (the log's name in checkpoints)
//	'H' txid(8)                 header record: the format.Header encoding, the log
//	                            Merkle nodes the transaction's leaf completes, and
//	                            the entry list when it is small (headerrecord.go)
//	'H' txid(8) 'L'             entry list, when not in the header record: the
//	                            transaction's format.Entry encodings, concatenated
//	'E' txid(8)                 formats 1 and 2 only: the same, for their transactions
//	'N' level(1) index(8)       format 1 only: log Merkle node
//	'V' esc(key) ^txid(8)       version record of key written by txid (records.go)
//
// A Merkle node (level, index) is the 32-byte hash of the perfect subtree
// covering leaves [index<<level, (index+1)<<level). Format 1 stored each
// under its own 'N' key and every entry list under its 'E' key, and its
// header records held the header alone; format 2 kept large entry lists
// under 'E' (headerrecord.go says why format 3 moved them). A store of an
// older format opened for writing is upgraded to format 3, and its older
// transactions keep their format's layout.
//
// Integers are big-endian. esc(key) replaces each 0x00 byte of the key by
// 0x00 0xFF and appends 0x00 0x01, so versions of one key are contiguous
// and keys sort as raw bytes do; the tx id is stored inverted (^txid) so
// that the newest version comes first and "latest version at or before T"
// is a single seek. Leaf i of the log (0-based) is transaction i+1: the
// conversion happens in leafIndex only. Storing every perfect subtree
// (about two nodes per transaction) makes every proof O(log n) reads.
//
// Pebble orders keys bytewise under the comparer named "stela.kv.v1"
// (comparer.go), whose Split ends a version key's prefix after esc(key):
// the tables' bloom filters hold user keys, and point reads and conflict
// checks seek by prefix. Pebble records the comparer's name; a store made
// under another name does not open.
//
// `stela verify` (Store.Verify) recomputes every hash from these records:
// each value's digest against its entry, each entries root against its
// header, each header's leaf and every stored node; it checks that version
// records and entries correspond one to one.
package kv
