package expr

import (
	crand "crypto/rand"

	"github.com/stela-db/stela/sql/types"
)

func init() {
	// gen_random_uuid is PostgreSQL 13's built-in version 4 UUID: 122
	// random bits from the system's generator, as PostgreSQL takes them
	// from its strong random source, with the version and the RFC 4122
	// variant set.
	addFunc("gen_random_uuid", genRandomUUID())
}

func genRandomUUID() *overload {
	return volatileFn(nil, types.UUIDType, func(*Context, []types.Datum) (types.Datum, error) {
		var u types.UUID
		_, _ = crand.Read(u[:]) // returns no error since Go 1.24
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		return u, nil
	})
}
