// Package engine keeps relational rows in a verifiable kv store: the
// transactions of the SQL layer (snapshot reads, a write buffer, commit
// with conflict detection) and the encodings of rows and index entries.
//
// # Transactions
//
// A Txn reads at a snapshot: the tx id that was the last durable one when
// it began. Its writes stay in an ordered in-memory buffer, which its own
// reads see; a scan merges the buffer, as it was when the scan started,
// with the store. At commit the buffer becomes one kv transaction, on the
// condition that no key it writes has changed since the snapshot
// (snapshot isolation, PostgreSQL's REPEATABLE READ) — and, for
// SERIALIZABLE, that no key or range it read has either. A conflict is
// SQLSTATE 40001. Savepoints are copy-on-write clones of the buffer.
//
// # Layout of a database's store
//
//	0x01 ...                             catalog records (package catalog)
//	0x02 table(4) index(2) key columns   row (index 1, the primary key) or
//	                                     index entry (index >= 2)
//
// table and index are big-endian ids; key columns use the order-preserving
// encodings of package keyenc. A row's value is keyenc's row encoding of
// every column.
package engine
