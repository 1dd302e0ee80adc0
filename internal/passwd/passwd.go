// Package passwd makes and reads password verifiers: SCRAM-SHA-256
// verifiers in PostgreSQL's own text form (what pg_authid.rolpassword
// holds), so that a password is never stored, only what SCRAM needs to
// check it:
//
//	SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
//
// The SCRAM math is github.com/xdg-go/scram's.
package passwd

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xdg-go/scram"
)

// Iterations is the PBKDF2 iteration count of new verifiers: PostgreSQL's
// default (scram_iterations = 4096).
const Iterations = 4096

const saltSize = 16

const prefix = "SCRAM-SHA-256$"

// ErrMalformed is returned for a verifier that does not parse.
var ErrMalformed = errors.New("passwd: malformed SCRAM-SHA-256 verifier")

// NewVerifier returns the verifier of password with a fresh random salt.
func NewVerifier(password string) (string, error) {
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return verifierWithSalt(password, salt, Iterations)
}

func verifierWithSalt(password string, salt []byte, iters int) (string, error) {
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		return "", fmt.Errorf("passwd: %w", err) // SASLprep rejected the password
	}
	cred, err := client.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(salt), Iters: iters})
	if err != nil {
		return "", fmt.Errorf("passwd: %w", err)
	}
	return Format(cred), nil
}

// Format writes stored credentials in PostgreSQL's verifier form.
func Format(c scram.StoredCredentials) string {
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("%s%d:%s$%s:%s", prefix, c.Iters, b64([]byte(c.Salt)), b64(c.StoredKey), b64(c.ServerKey))
}

// Parse reads a verifier into the credentials a SCRAM server needs.
func Parse(v string) (scram.StoredCredentials, error) {
	var c scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return c, ErrMalformed
	}
	factors, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return c, ErrMalformed
	}
	iterStr, saltStr, ok1 := strings.Cut(factors, ":")
	storedStr, serverStr, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return c, ErrMalformed
	}
	iters, err := strconv.Atoi(iterStr)
	if err != nil || iters < 1 {
		return c, ErrMalformed
	}
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(saltStr)
	stored, err2 := dec(storedStr)
	server, err3 := dec(serverStr)
	if err1 != nil || err2 != nil || err3 != nil || len(stored) != sha256.Size || len(server) != sha256.Size || len(salt) == 0 {
		return c, ErrMalformed
	}
	c.KeyFactors = scram.KeyFactors{Salt: string(salt), Iters: iters}
	c.StoredKey, c.ServerKey = stored, server
	return c, nil
}

// Check reports whether password matches the verifier (cleartext login).
// It recomputes the keys with the verifier's salt and iteration count and
// compares in constant time.
func Check(verifier, password string) bool {
	c, err := Parse(verifier)
	if err != nil {
		return false
	}
	again, err := verifierWithSalt(password, []byte(c.Salt), c.Iters)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(again), []byte(verifier)) == 1
}

// Decoy returns credentials for a user who does not exist, so that a login
// attempt runs the whole SCRAM exchange and fails at the proof, as for a
// wrong password, instead of telling that the user is unknown. The salt is
// derived from the name with a server secret, so it is the same on every
// attempt, as a real user's would be.
func Decoy(secret []byte, user string) scram.StoredCredentials {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("salt\x00" + user))
	salt := mac.Sum(nil)[:saltSize]
	keys := make([]byte, 2*sha256.Size)
	_, _ = rand.Read(keys) // random keys: no proof can match them
	return scram.StoredCredentials{
		KeyFactors: scram.KeyFactors{Salt: string(salt), Iters: Iterations},
		StoredKey:  keys[:sha256.Size],
		ServerKey:  keys[sha256.Size:],
	}
}

// Policy checks a new password against stela's rules: at least 8
// characters, with an uppercase letter, a lowercase letter, a digit and a
// symbol. It returns the rule that failed.
func Policy(password string) error {
	var upper, lower, digit, symbol bool
	n := 0
	for _, r := range password {
		n++
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			symbol = true
		}
	}
	switch {
	case n < 8:
		return errors.New("password must be at least 8 characters long")
	case !upper:
		return errors.New("password must contain an uppercase letter")
	case !lower:
		return errors.New("password must contain a lowercase letter")
	case !digit:
		return errors.New("password must contain a digit")
	case !symbol:
		return errors.New("password must contain a symbol")
	}
	return nil
}

// Generate returns a random password that satisfies Policy.
func Generate() (string, error) {
	const (
		uppers  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lowers  = "abcdefghijkmnopqrstuvwxyz"
		digits  = "23456789"
		symbols = "-_.!+="
		all     = uppers + lowers + digits + symbols
	)
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, len(b))
	for i, v := range b {
		set := all
		switch i {
		case 0:
			set = uppers
		case 1:
			set = lowers
		case 2:
			set = digits
		case 3:
			set = symbols
		}
		out[i] = set[int(v)%len(set)]
	}
	return string(out), nil
}
