// Package checkpoint reads and writes signed checkpoints: the statement,
// signed by a log's key, that the log named origin has a Merkle tree of a
// given size with a given root hash. In stela the size is the number of
// committed transactions (which is also the last transaction ID) and the
// root is the RFC 9162 SHA-256 tree head over them.
//
// The formats are C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint)
// inside a C2SP signed note (https://c2sp.org/signed-note), with signature
// types 0x01 (Ed25519) and 0x02 (ECDSA P-256, as the transparency-dev
// witness implements it). They are described below precisely enough to
// verify a checkpoint without this package. "||" is concatenation,
// base64 is the standard padded alphabet of RFC 4648 section 4, and
// SHA-256(x)[:4] read big-endian is called a "key ID".
//
// # Checkpoint body
//
// The body is UTF-8 text of three or more lines, each ending in a newline
// (0x0A):
//
//	<origin> 0x0A
//	<tree size> 0x0A
//	<root hash> 0x0A
//	<extension line> 0x0A     (zero to 16 of these)
//
// where:
//
//   - origin: 1 to 255 bytes naming the log, for example "example.com/log".
//     Spaces and '+' are allowed (the specification only advises against
//     them), but a log whose key name is its origin, as stela's is, cannot
//     use them because key names forbid them.
//   - tree size: the number of leaves in ASCII decimal digits '0'-'9', with
//     no sign, no spaces and no leading zero except for the size 0 itself;
//     its value is at most 2^64-1.
//   - root hash: the 32-byte tree hash in base64: exactly 44 characters,
//     ending in one '=', with the unused low bits of the last data
//     character zero (canonical encoding).
//   - extension lines: non-empty, opaque. stela writes none.
//
// No line may contain a byte below 0x20 other than its final newline, so
// CRLF line endings are malformed. The whole body is at most 64 KiB. Every
// body accepted by Parse is exactly what Marshal produces for the parsed
// value, so no two distinct bodies describe the same checkpoint.
//
// Example, origin "example.com/log", size 8, root
// 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328, is
// these 63 bytes:
//
//	example.com/log
//	8
//	XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
//
// # Signed note
//
// A signed checkpoint is the body, then one empty line (a single 0x0A),
// then 1 to 16 signature lines:
//
//	<body> 0x0A
//	E2 80 94 20 <key name> 20 <base64(key ID || signature)> 0A   (per line)
//
// E2 80 94 is U+2014 EM DASH in UTF-8 and 20 is a space. The key name is
// non-empty, contains no Unicode space and no '+'; for the log's own key
// it is the origin. The decoded base64 is 4 bytes of key ID, big-endian,
// followed by the signature, which is at least 1 byte. Each signature
// covers the body exactly as written, including its final newline and
// excluding the empty line. The whole note must be valid UTF-8 with no
// byte below 0x20 other than newline, and is at most 64 KiB. The text is
// separated from the signatures at the last empty line in the note.
//
// # Signature types
//
// Ed25519 (type 0x01): the signature is the 64-byte RFC 8032 Ed25519
// signature of the body. The key ID is
//
//	SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]
//
// ECDSA (type 0x02): the key is on NIST P-256; the signature is the ASN.1
// DER ECDSA-Sig-Value (SEQUENCE of INTEGER r, INTEGER s) over
// SHA-256(body), as `openssl dgst -sha256 -sign` makes. The key ID is
// SHA-256 of the public key's DER SubjectPublicKeyInfo (the bytes of a
// "PUBLIC KEY" PEM block, 91 bytes for P-256):
//
//	SHA-256(SubjectPublicKeyInfo DER)[:4]
//
// Unlike the Ed25519 ID it covers neither the key name nor the type byte.
// The type byte appears nowhere in the note itself: a verifier knows each
// trusted key's type from its configuration.
//
// # Verification
//
// A verifier is configured with trusted keys, each a (key name, public
// key) pair from which it derives the key ID. It then:
//
//  1. rejects notes over 64 KiB, not valid UTF-8, or containing a byte
//     below 0x20 other than newline;
//  2. splits at the last "\n\n": the text is everything before it plus one
//     newline; what follows must be 1 to 16 lines each ending in newline
//     and each of the signature-line form above;
//  3. treats a line whose (key name, key ID) pair matches no trusted key as
//     unknown and ignores it, even when the name or the ID alone matches;
//  4. verifies every line that matches a trusted key, rejecting the note if
//     any of them fails, and (this package's choice) if two lines match the
//     same trusted key;
//  5. rejects the note if no line matched a trusted key;
//  6. parses the text as a checkpoint body as described above, and rejects
//     the note if that fails.
//
// Open implements these steps and reports the three outcomes as errors
// wrapping ErrMalformed (steps 1, 2, 4's duplicate rule and 6),
// *SignatureError (step 4) and ErrUnverified (step 5). The caller must
// still check that Checkpoint.Origin names the log it expects.
//
// # Test vector
//
// With the Ed25519 key whose seed is
// 41059604a167af0de5e781702e82a6c41eac1b5ca34a667482f360b77118b1d2
// (SHA-256 of "stela example key"; public key
// 7aae2b71043a83d508047fc6823bd48a269c887ccbe87997b8c08b51fdd76033, key ID
// c8bcbfc1 under the name "example.com/log", sumdb/note verifier key
// example.com/log+c8bcbfc1+AXquK3EEOoPVCAR/xoI71IomnIh8y+h5l7jAi1H912Az),
// the example body above signs to:
//
//	example.com/log
//	8
//	XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
//
//	— example.com/log yLy/wYiYocMiT/AgZZE66XXOFsKiNIEteb5TEzrU/Cu72eoUalDbTPShHXcEcW01yEhxcGplnhqwKSGrjK31IeC1Ugg=
//
// # Keys
//
// ParseSignerPEM reads the private keys openssl writes for the two types
// ("EC PRIVATE KEY" with or without a preceding "EC PARAMETERS" block, and
// PKCS #8 "PRIVATE KEY" with a P-256 or Ed25519 key); ParseVerifierPEM and
// MarshalPublicKeyPEM use the PKIX "PUBLIC KEY" block that
// `openssl pkey -pubout` prints. RSA, other curves and encrypted PEM are
// refused with ErrUnsupportedKey. ParsePrivateKeyPEM reads the same private
// keys without binding them to a key name, so that one key file yields a
// Signer per log (each under its own origin); GenerateKey makes new keys,
// which PrivateKey.MarshalPEM writes as PKCS #8, and Fingerprint names a
// public key independently of any key name.
//
// The signed-note framing and signature dispatch are delegated to
// golang.org/x/mod/sumdb/note; this package adds the limits, the
// one-line-per-known-key rule, the ECDSA type and the checkpoint body.
package checkpoint
