// Package client reads from and writes to a stela server through pgx and
// verifies, on the client's machine, what the server proves: that the log
// only grew since the state the client last trusted (consistency), and
// that a row it reads is in the log (inclusion). The last trusted
// checkpoint of each server and database is kept in a state file (mode
// 0600, locked while it is read and replaced), so that a server that
// forks or rolls back its history is caught across runs.
//
// Nothing the server says is taken on trust: roots come from checkpoints
// checked against the previous trusted one, rows are decoded from the
// bytes the proof hashes, and a failed check never advances the trusted
// state. The formats are in docs/PROOFS.md.
package client
