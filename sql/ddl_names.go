package sql

import (
	"fmt"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
)

// maxIdentifierLength is NAMEDATALEN-1.
const maxIdentifierLength = 63

// chooseName is PostgreSQL's ChooseRelationName: table_col_suffix, parts
// shortened so that the whole fits 63 bytes, then a number appended until
// the name is free.
func chooseName(txn *engine.Txn, schema uint32, taken map[string]bool, parts []string, suffix string) (string, error) {
	for n := 0; ; n++ {
		s := suffix
		if n > 0 {
			s = fmt.Sprintf("%s%d", suffix, n)
		}
		name := makeObjectName(parts, s)
		if taken[name] {
			continue
		}
		d, err := catalog.LookupRelation(txn, schema, name)
		if err != nil {
			return "", err
		}
		if d == nil {
			return name, nil
		}
	}
}

// makeObjectName joins parts and suffix with underscores, truncating the
// longest part first until the name fits (PostgreSQL's makeObjectName).
func makeObjectName(parts []string, suffix string) string {
	p := append([]string(nil), parts...)
	for {
		name := strings.Join(p, "_")
		if suffix != "" {
			name += "_" + suffix
		}
		if len(name) <= maxIdentifierLength {
			return name
		}
		longest := 0
		for i := range p {
			if len(p[i]) > len(p[longest]) {
				longest = i
			}
		}
		p[longest] = truncateIdent(p[longest], len(p[longest])-1)
	}
}

// truncateIdent cuts an identifier to n bytes on a character boundary.
func truncateIdent(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
