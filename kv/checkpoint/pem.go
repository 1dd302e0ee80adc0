package checkpoint

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
)

// PEM block types, as openssl writes them.
const (
	pemECParams     = "EC PARAMETERS"
	pemECPrivate    = "EC PRIVATE KEY" // SEC 1
	pemPKCS8Private = "PRIVATE KEY"    // PKCS #8
	pemPKCS8Crypted = "ENCRYPTED PRIVATE KEY"
	pemRSAPrivate   = "RSA PRIVATE KEY"
	pemPublic       = "PUBLIC KEY" // PKIX SubjectPublicKeyInfo
)

// oidP256 is the named-curve OID of NIST P-256 (prime256v1).
var oidP256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}

// ParseSignerPEM loads a private key in PEM form and returns a Signer for it
// under the given key name. It accepts what openssl produces for the two
// supported key types:
//
//   - an "EC PRIVATE KEY" (SEC 1) on P-256, as from
//     `openssl ecparam -name prime256v1 -genkey -noout`, optionally with the
//     "EC PARAMETERS" block openssl writes without -noout;
//   - a "PRIVATE KEY" (unencrypted PKCS #8) holding a P-256 ECDSA key or an
//     Ed25519 key, as from `openssl genpkey -algorithm ed25519`.
//
// Everything else (RSA, other curves, encrypted PEM, public keys, several
// keys in one file) is an error that says what was found.
func ParseSignerPEM(name string, pemBytes []byte) (Signer, error) {
	key, err := parsePrivateKeyPEM(pemBytes)
	if err != nil {
		return nil, err
	}
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return NewEd25519Signer(name, k)
	case *ecdsa.PrivateKey:
		return NewECDSASigner(name, k)
	default:
		return nil, fmt.Errorf("%w: found %s", ErrUnsupportedKey, describeKey(key))
	}
}

// parsePrivateKeyPEM finds the one private key in pemBytes and returns it
// as ed25519.PrivateKey or *ecdsa.PrivateKey. Text outside PEM blocks is
// ignored, as openssl itself does.
func parsePrivateKeyPEM(pemBytes []byte) (any, error) {
	var params, keyBlock *pem.Block
	rest := pemBytes
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if err := refuseEncrypted(b); err != nil {
			return nil, err
		}
		switch b.Type {
		case pemECParams:
			if params != nil {
				return nil, fmt.Errorf("checkpoint: more than one %q block", b.Type)
			}
			params = b
		case pemECPrivate, pemPKCS8Private:
			if keyBlock != nil {
				return nil, fmt.Errorf("checkpoint: more than one private key (%q and %q blocks)", keyBlock.Type, b.Type)
			}
			keyBlock = b
		case pemRSAPrivate:
			return nil, fmt.Errorf("%w: found an RSA private key (%q block); use an ECDSA P-256 or Ed25519 key", ErrUnsupportedKey, b.Type)
		case pemPublic:
			return nil, fmt.Errorf("checkpoint: found a public key (%q block); signing needs the private key", b.Type)
		default:
			return nil, fmt.Errorf("checkpoint: unexpected PEM block %.40q; want %q or %q", b.Type, pemECPrivate, pemPKCS8Private)
		}
	}
	if keyBlock == nil {
		if params != nil {
			return nil, fmt.Errorf("checkpoint: found only an %q block and no private key", pemECParams)
		}
		return nil, fmt.Errorf("checkpoint: no PEM private key found")
	}
	if params != nil {
		if err := checkECParams(params); err != nil {
			return nil, err
		}
	}

	var key any
	var err error
	if keyBlock.Type == pemECPrivate {
		key, err = x509.ParseECPrivateKey(keyBlock.Bytes)
	} else {
		key, err = x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: cannot parse %q block: %w", keyBlock.Type, err)
	}
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: found an ECDSA key on curve %s; only P-256 is supported", ErrUnsupportedKey, curveName(k.Curve))
		}
		return k, nil
	case ed25519.PrivateKey:
		if params != nil {
			return nil, fmt.Errorf("checkpoint: %q block next to an Ed25519 key", pemECParams)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("%w: found %s in %q block; use an ECDSA P-256 or Ed25519 key", ErrUnsupportedKey, describeKey(key), keyBlock.Type)
	}
}

// ParseVerifierPEM loads a "PUBLIC KEY" (PKIX) PEM block, as printed by
// `openssl pkey -pubout` or `openssl ec -pubout` and by
// MarshalPublicKeyPEM, and returns a Verifier for it under the given key
// name. The key must be Ed25519 or ECDSA P-256.
func ParseVerifierPEM(name string, pemBytes []byte) (*Verifier, error) {
	var found *pem.Block
	rest := pemBytes
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case pemPublic:
			if found != nil {
				return nil, fmt.Errorf("checkpoint: more than one %q block", pemPublic)
			}
			found = b
		case pemECPrivate, pemPKCS8Private, pemPKCS8Crypted, pemRSAPrivate:
			// Refusing rather than deriving the public key keeps private
			// keys out of places that only need to verify.
			return nil, fmt.Errorf("checkpoint: found a private key (%q block); give the public key (openssl pkey -pubout)", b.Type)
		case pemECParams:
			// openssl sometimes writes curve parameters next to keys;
			// they say nothing the public key does not.
		default:
			return nil, fmt.Errorf("checkpoint: unexpected PEM block %.40q; want %q", b.Type, pemPublic)
		}
	}
	if found == nil {
		return nil, fmt.Errorf("checkpoint: no PEM %q block found", pemPublic)
	}
	pub, err := x509.ParsePKIXPublicKey(found.Bytes)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: cannot parse %q block: %w", pemPublic, err)
	}
	switch pub.(type) {
	case ed25519.PublicKey, *ecdsa.PublicKey:
		return NewVerifier(name, pub)
	default:
		return nil, fmt.Errorf("%w: found %s; use an ECDSA P-256 or Ed25519 key", ErrUnsupportedKey, describeKey(pub))
	}
}

// MarshalPublicKeyPEM returns the signer's public key as a "PUBLIC KEY"
// (PKIX) PEM block, the form ParseVerifierPEM and openssl read.
func MarshalPublicKeyPEM(s Signer) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding public key of %s: %w", s.Name(), err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}

// refuseEncrypted rejects both kinds of encrypted PEM: PKCS #8
// "ENCRYPTED PRIVATE KEY" and the legacy OpenSSL Proc-Type header. Saying
// so is kinder than the DER parse error decryption-less parsing would give.
func refuseEncrypted(b *pem.Block) error {
	if b.Type == pemPKCS8Crypted || b.Headers["Proc-Type"] == "4,ENCRYPTED" {
		return fmt.Errorf("%w: %q block is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)", ErrUnsupportedKey, b.Type)
	}
	return nil
}

// checkECParams accepts an "EC PARAMETERS" block only if it names P-256, so
// that a file whose parameters and key disagree is not silently accepted.
func checkECParams(b *pem.Block) error {
	var oid asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(b.Bytes, &oid)
	if err != nil || len(rest) != 0 {
		return fmt.Errorf("%w: %q block is not a named curve (explicit parameters are not supported)", ErrUnsupportedKey, b.Type)
	}
	if !oid.Equal(oidP256) {
		return fmt.Errorf("%w: %q block names curve %v; only P-256 (%v) is supported", ErrUnsupportedKey, b.Type, oid, oidP256)
	}
	return nil
}

// describeKey names a key type for error messages.
func describeKey(key any) string {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return fmt.Sprintf("an RSA-%d private key", k.N.BitLen())
	case *rsa.PublicKey:
		return fmt.Sprintf("an RSA-%d public key", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "an ECDSA public key on curve " + curveName(k.Curve)
	case *ecdh.PrivateKey:
		return "an X25519 key-agreement key"
	case *ecdh.PublicKey:
		return "an X25519 key-agreement public key"
	default:
		return fmt.Sprintf("a key of type %T", key)
	}
}
