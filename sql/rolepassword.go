package sql

import (
	"regexp"
	"strings"

	"github.com/stela-db/stela/internal/passwd"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// md5Hash is a pre-hashed MD5 password as PostgreSQL stores them.
var md5Hash = regexp.MustCompile(`^md5[0-9a-f]{32}$`)

// passwordVerifier turns the PASSWORD of CREATE or ALTER ROLE into the
// SCRAM-SHA-256 verifier the user record keeps; the password itself is
// never stored. As in PostgreSQL, a string that is already a valid
// SCRAM-SHA-256 verifier is stored as given (a client hashed it; the
// password policy cannot see through it), and the empty string clears
// the password. A new clear-text password must pass the policy
// (internal/passwd), else 22023 with the rule it breaks.
func passwordVerifier(s *Session, pw string) (string, error) {
	if pw == "" {
		s.notice("NOTICE", pgcode.SuccessfulCompletion, "empty string is not a valid password, clearing password")
		return "", nil
	}
	if strings.HasPrefix(pw, "SCRAM-SHA-256$") {
		if _, err := passwd.Parse(pw); err == nil {
			return pw, nil
		}
	}
	if md5Hash.MatchString(pw) {
		return "", pgerror.New(pgcode.FeatureNotSupported, "MD5-hashed passwords are not supported").
			WithHint("Give the password in clear text or as a SCRAM-SHA-256 verifier.")
	}
	if err := passwd.Policy(pw); err != nil {
		return "", pgerror.New(pgcode.InvalidParameterValue, err.Error()).
			WithDetail("Passwords must have at least 8 characters, with an uppercase letter, a lowercase letter, a digit and a symbol.")
	}
	v, err := passwd.NewVerifier(pw)
	if err != nil {
		return "", pgerror.Wrapf(err, pgcode.InvalidParameterValue, "invalid password: %v", err)
	}
	return v, nil
}
