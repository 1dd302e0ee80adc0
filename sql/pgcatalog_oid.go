package sql

import (
	"hash/fnv"
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// OIDs of pg_catalog's rows. Built-in objects have PostgreSQL's own OIDs:
// namespaces pg_catalog 11 and public 2200 (information_schema, whose OID
// PostgreSQL assigns at initdb, is fixed at 13000 here: catalog's
// InformationSchemaID), types their pg_type OIDs (sql/types), catalog
// relations their pg_class OIDs, functions their pg_proc OIDs
// (pgcatalog_procoids.go). User objects get OIDs derived from the
// catalog, so that an object keeps its OID across restarts and AS OF:
//
//	tables, views, sequences, schemas   the descriptor id (from 16384,
//	                                    PostgreSQL's FirstNormalObjectId)
//	index       0x40000000 | (table id - 16384) << 11 | index id
//	constraint  0x80000000 | (table id - 16384) << 11 | slot
//	attrdef     0xC0000000 | (table id - 16384) << 11 | attnum
//	role        10 for the admin (PostgreSQL's bootstrap superuser);
//	            others 0x3E000000 + FNV-1a(name) mod 2^24
//	database    5 for postgres (its OID in PostgreSQL); others
//	            0x3D000000 + FNV-1a(name) mod 2^24
//
// A constraint's slot is its backing index's id for PRIMARY KEY and
// UNIQUE; for CHECK 1024 + and for FOREIGN KEY 1536 + FNV-1a(name) mod
// 512, moved to the next free slot on a collision within the table. So
// 2^19 descriptors and 1024 indexes or columns per table are covered;
// beyond that the catalog answers 54000 rather than repeat an OID.
const (
	oidIndexTag      = 0x40000000
	oidConstraintTag = 0x80000000
	oidAttrdefTag    = 0xC0000000
	oidSubBits       = 11
	oidMaxDescriptor = catalog.FirstUserID + 1<<19
	adminRoleOID     = 10
)

func errOIDSpace(what string) error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "pg_catalog: %s is outside stela's OID scheme", what)
}

// subOID builds a sub-object's OID (index, constraint, attrdef).
func subOID(tag uint32, table uint32, sub int) (uint32, error) {
	if table < catalog.FirstUserID || table >= oidMaxDescriptor || sub < 0 || sub >= 1<<oidSubBits {
		return 0, errOIDSpace("an object of table " + strconv.Itoa(int(table)))
	}
	return tag | (table-catalog.FirstUserID)<<oidSubBits | uint32(sub), nil
}

// indexOID is an index's pg_class OID.
func indexOID(table uint32, index uint16) (uint32, error) {
	return subOID(oidIndexTag, table, int(index))
}

// attrdefOID is a column default's pg_attrdef OID.
func attrdefOID(table uint32, attnum int) (uint32, error) {
	return subOID(oidAttrdefTag, table, attnum)
}

// splitSubOID reads a sub-object OID back: its tag, table and slot.
func splitSubOID(oid uint32) (tag, table uint32, sub int) {
	return oid & 0xC0000000, oid&^0xC0000000>>oidSubBits + catalog.FirstUserID, int(oid & (1<<oidSubBits - 1))
}

// constraintSlots assigns the slots of a table's CHECK and FOREIGN KEY
// constraints by name (see above); PRIMARY KEY and UNIQUE use their
// index's id.
func constraintSlots(t *catalog.TableDesc) map[string]int {
	used := map[int]bool{}
	out := map[string]int{}
	place := func(name string, base int) {
		h := fnv.New32a()
		h.Write([]byte(name))
		s := int(h.Sum32() % 512)
		for i := 0; i < 512 && used[base+s]; i++ {
			s = (s + 1) % 512
		}
		used[base+s] = true
		out[name] = base + s
	}
	for _, c := range t.Checks {
		place(c.Name, 1024)
	}
	for _, f := range t.ForeignKeys {
		place(f.Name, 1536)
	}
	return out
}

// roleOID is a user's OID.
func roleOID(name string) uint32 {
	if name == AdminUser {
		return adminRoleOID
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return 0x3E000000 + h.Sum32()%(1<<24)
}

// databaseOID is a database's OID.
func databaseOID(name string) uint32 {
	if name == "postgres" {
		return 5
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return 0x3D000000 + h.Sum32()%(1<<24)
}
