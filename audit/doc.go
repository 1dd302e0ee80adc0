// Package audit is stela's auditor: a process, apart from the server,
// that keeps the last trusted checkpoint of every database it watches and,
// each round, checks that the server still tells a story consistent with
// it. For each database a round
//
//  1. fetches the current checkpoint (stela_state()) and checks its
//     signature: against the pinned public key when one is configured,
//     otherwise against the key the server was first seen signing with (an
//     unsigned checkpoint from a server seen signing is refused);
//  2. asks for a consistency proof from the trusted checkpoint to the new
//     one and checks it here (a rolled-back or forked log fails);
//  3. reads a random sample of rows with their proofs
//     (stela_row_proof_bytes) and checks each here, re-hashing the stored
//     row value (a value changed below the API fails);
//  4. trusts the new checkpoint: it is written to the state directory.
//
// The checks are the client package's; the state directory holds its state
// file (trusted.json, keyed "server/database", see client.Trusted). A
// failed check never advances the trusted state, so a tampered database
// stays reported as such until an operator looks.
//
// Each database's outcome is a Result: 1 ok, 0 tampered (a check failed:
// evidence that the server's data or history is not what was trusted), -1
// not yet checked, -2 error (the check could not run: server down, bad
// credentials, a query refused). A checkpoint signed by a key other than
// the pinned or first-seen one counts as tampered: a server that can sign
// only with another key is not the server that was trusted.
//
// Results are exported as Prometheus metrics (metrics.go), logged with
// zerolog, and, on failure, POSTed as JSON to a webhook (webhook.go).
package audit
