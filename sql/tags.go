package sql

// Command tags with a row count ("SELECT 1", "INSERT 0 1") for the small
// counts nearly every statement has are made once: building the string
// was an allocation per point select and per autocommit INSERT.

// countTags holds a tag prefix followed by each count under 64.
type countTags struct {
	prefix string
	tags   [64]string
}

func newCountTags(prefix string) *countTags {
	t := &countTags{prefix: prefix}
	for n := range t.tags {
		t.tags[n] = prefix + itoa64(int64(n))
	}
	return t
}

// tag returns the prefix followed by n.
func (t *countTags) tag(n int64) string {
	if n >= 0 && n < int64(len(t.tags)) {
		return t.tags[n]
	}
	return t.prefix + itoa64(n)
}

var (
	selectTags = newCountTags("SELECT ")
	insertTags = newCountTags("INSERT 0 ") // 0: the legacy OID of the row
	updateTags = newCountTags("UPDATE ")
	deleteTags = newCountTags("DELETE ")
	mergeTags  = newCountTags("MERGE ")
)
