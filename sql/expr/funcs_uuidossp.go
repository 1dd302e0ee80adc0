package expr

import (
	"crypto/md5"
	crand "crypto/rand"
	"crypto/sha1"
	"net"
	"sync"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// The uuid-ossp extension's functions: RFC 4122 UUIDs of versions 1
// (time and node), 3 (MD5 of a namespace and a name), 4 (random) and 5
// (SHA-1 of a namespace and a name), and the RFC's namespace constants.

// The RFC 4122 namespaces (its appendix C).
var (
	uuidNsDNS  = types.UUID{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	uuidNsURL  = types.UUID{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	uuidNsOID  = types.UUID{0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	uuidNsX500 = types.UUID{0x6b, 0xa7, 0xb8, 0x14, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
)

// setUUIDVersion stamps a version and the RFC 4122 variant on u.
func setUUIDVersion(u *types.UUID, version byte) {
	u[6] = u[6]&0x0f | version<<4
	u[8] = u[8]&0x3f | 0x80
}

// nameUUID is a name-based UUID (version 3 with MD5, 5 with SHA-1): the
// hash of the namespace's bytes followed by the name's.
func nameUUID(ns types.UUID, name string, version byte) types.UUID {
	buf := append(append(make([]byte, 0, 16+len(name)), ns[:]...), name...)
	var u types.UUID
	if version == 3 {
		h := md5.Sum(buf)
		copy(u[:], h[:])
	} else {
		h := sha1.Sum(buf)
		copy(u[:], h[:16])
	}
	setUUIDVersion(&u, version)
	return u
}

// uuidClock hands out version 1 timestamps: 100-nanosecond intervals
// since the Gregorian calendar's start (1582-10-15), strictly increasing
// within the process so that two UUIDs of one node never collide, with
// a clock sequence chosen at random once, as RFC 4122 allows for a
// generator that keeps no state across restarts.
var uuidClock struct {
	sync.Mutex
	last uint64
	seq  uint16
	init bool
	node [6]byte
	mac  bool
}

// gregorianOffset is the number of 100 ns intervals from 1582-10-15 to
// the Unix epoch.
const gregorianOffset = 0x01B21DD213814000

func uuidTimestamp() (ts uint64, seq uint16) {
	uuidClock.Lock()
	defer uuidClock.Unlock()
	if !uuidClock.init {
		var b [2]byte
		_, _ = crand.Read(b[:])
		uuidClock.seq = (uint16(b[0])<<8 | uint16(b[1])) & 0x3fff
		uuidClock.node, uuidClock.mac = hardwareNode()
		uuidClock.init = true
	}
	ts = uint64(time.Now().UnixNano()/100) + gregorianOffset
	if ts <= uuidClock.last {
		ts = uuidClock.last + 1
	}
	uuidClock.last = ts
	return ts, uuidClock.seq
}

// hardwareNode is the node of version 1 UUIDs: the first network
// interface's MAC address, as uuid-ossp takes it; a random multicast
// address (RFC 4122 section 4.5) when the machine shows none.
func hardwareNode() ([6]byte, bool) {
	var node [6]byte
	if ifs, err := net.Interfaces(); err == nil {
		for _, i := range ifs {
			if len(i.HardwareAddr) == 6 && i.Flags&net.FlagLoopback == 0 && i.HardwareAddr[0]&0x01 == 0 {
				copy(node[:], i.HardwareAddr)
				return node, true
			}
		}
	}
	_, _ = crand.Read(node[:])
	node[0] |= 0x01
	return node, false
}

// timeUUID is a version 1 UUID; multicast uses a random multicast node
// (uuid_generate_v1mc) instead of the machine's.
func timeUUID(multicast bool) types.UUID {
	ts, seq := uuidTimestamp()
	var u types.UUID
	u[0], u[1], u[2], u[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	u[4], u[5] = byte(ts>>40), byte(ts>>32)
	u[6], u[7] = byte(ts>>56), byte(ts>>48)
	u[8], u[9] = byte(seq>>8), byte(seq)
	if multicast {
		_, _ = crand.Read(u[10:])
		u[10] |= 0x03 // multicast and locally administered, as uuid-ossp sets them
	} else {
		copy(u[10:], uuidClock.node[:])
	}
	setUUIDVersion(&u, 1)
	return u
}

func init() {
	const ext = "uuid-ossp"
	u, txt := types.UUIDType, types.Text
	constant := func(name string, v types.UUID) {
		addExtFunc(ext, name, fn(nil, u, func(*Context, []types.Datum) (types.Datum, error) { return v, nil }))
	}
	constant("uuid_nil", types.UUID{})
	constant("uuid_ns_dns", uuidNsDNS)
	constant("uuid_ns_url", uuidNsURL)
	constant("uuid_ns_oid", uuidNsOID)
	constant("uuid_ns_x500", uuidNsX500)
	addExtFunc(ext, "uuid_generate_v1", volatileFn(nil, u, func(*Context, []types.Datum) (types.Datum, error) {
		return timeUUID(false), nil
	}))
	addExtFunc(ext, "uuid_generate_v1mc", volatileFn(nil, u, func(*Context, []types.Datum) (types.Datum, error) {
		return timeUUID(true), nil
	}))
	addExtFunc(ext, "uuid_generate_v3", fn([]*types.T{u, txt}, u, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return nameUUID(a[0].(types.UUID), a[1].(string), 3), nil
	}))
	addExtFunc(ext, "uuid_generate_v4", volatileFn(nil, u, func(*Context, []types.Datum) (types.Datum, error) {
		var v types.UUID
		_, _ = crand.Read(v[:])
		setUUIDVersion(&v, 4)
		return v, nil
	}))
	addExtFunc(ext, "uuid_generate_v5", fn([]*types.T{u, txt}, u, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return nameUUID(a[0].(types.UUID), a[1].(string), 5), nil
	}))
}
