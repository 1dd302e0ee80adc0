package kv

import "github.com/cockroachdb/pebble/v2"

// comparer orders keys bytewise, as pebble's default, and tells pebble
// where a version key's user key ends (Split): 'V' || escaped(key) ||
// 0x00 0x01 is the prefix, the 8-byte inverted tx id the suffix. With it
// the tables' bloom filters hold user keys, so a point read of a key
// (SeekPrefixGE) skips every table that lacks it instead of seeking in
// each level: a primary-key lookup or an INSERT's duplicate check touches
// one or two tables, not the whole tree.
//
// The name is persisted by pebble; a store made with another comparer
// does not open.
var comparer = func() *pebble.Comparer {
	c := *pebble.DefaultComparer
	c.Name = "stela.kv.v1"
	c.Split = splitVersionKey
	return &c
}()

// splitVersionKey returns the length of a version key's prefix, or the
// whole length for any other key (and for a bare version prefix or its
// successor marker, used as bounds). In an escaped key 0x00 is always
// followed by 0xFF, so 0x00 0x01 eight bytes before the end is the
// terminator of a full version key and nothing else.
func splitVersionKey(k []byte) int {
	n := len(k)
	if n >= 1+2+8 && k[0] == prefixVersion && k[n-10] == escapeByte && k[n-9] == terminatorByte {
		return n - 8
	}
	return n
}

// PebbleComparer returns the comparer stores are made with, for tools
// and tests that open a store's pebble directly.
func PebbleComparer() *pebble.Comparer { return comparer }
