// Package backup takes online backups of a running stela server and
// restores them, verified, into a data directory.
//
// A backup is the log itself: for each database (and, in a backup of the
// whole server, the system log of users, grants and databases) the
// transactions since..upto in their exported form (kv/export.go) and the
// checkpoint of upto. A restore re-derives every hash from them: each
// record must be the next transaction, its entries must hash to its
// header and its values to their digests, and the Merkle root of the
// rebuilt log must be the checkpoint's, whose signature is checked
// against a pinned key. Nothing in the file is trusted but the
// checkpoint's signature.
//
// # Taking a backup
//
// Take asks the server for stela_backup_manifest() (every log's last tx
// and checkpoint, taken while no database DDL runs) and streams each log
// with stela_log_export(database, since, upto). The logs are
// append-only, so the transactions up to a checkpoint never change while
// writes go on: the backup is consistent without stopping anything. The
// file is written under a temporary name and renamed when complete.
//
// # Restoring
//
// Restore reads the file twice. The first pass checks everything and
// writes nothing: a refused backup leaves the data directory as it was.
// The second pass writes the stores, checking again as it goes (the file
// could change in between). A full restore builds the stores in
// DIR/.restore-tmp and renames them into place at the end, the system
// store last, so that a restore interrupted by a crash leaves nothing a
// server would serve; restore again to finish. An incremental backup
// (since > 0) is appended in place to stores restored earlier, whose
// last tx must be its since.
//
// # File format (version 1)
//
// The file is the line "stela-backup 1\n", then frames:
//
//	offset  size  field
//	0       1     kind: 'B', 'L', 'T' or 'E'
//	1       4     payload length P, big-endian uint32
//	5       P     payload
//	5+P     4     CRC-32C (Castagnoli) of kind, length and payload, big-endian
//
// The frames are, in order: one 'B'; for each log, one 'L' followed by
// its 'T' frames; one 'E', which ends the file.
//
//	'B' begin: JSON {"created": RFC 3339 time, "server_wide": bool};
//	    server_wide is set when the backup holds the system log and
//	    every database.
//	'L' log: JSON {"database": name ("" for the system log), "dir": its
//	    directory relative to the data directory, "origin": the log's
//	    origin, "since": tx, "upto": tx, "checkpoint": the checkpoint
//	    note of upto, as the server made it (signed when it signs)}.
//	'T' transaction: one exported record (kv/export.go), transactions
//	    since+1..upto of the current log, in order.
//	'E' end: the SHA-256 of every byte of the file before this frame.
//
// The CRC names the first damaged frame of a file damaged by accident;
// the SHA-256 catches what CRCs miss; neither is a defense against
// tampering, which the hashes of the log and the signed checkpoint are.
// The format is persisted: a change gets a new version in the first line.
package backup
