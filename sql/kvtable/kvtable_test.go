package kvtable

import (
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

func TestCheckKey(t *testing.T) {
	for _, c := range []struct {
		key, code string
	}{
		{"a/b c", ""}, {strings.Repeat("é", MaxKeyLen/2), ""}, {"", "22023"},
		{strings.Repeat("k", MaxKeyLen+1), "54000"}, {"\xff", "22023"}, {"a\x00b", "22023"},
	} {
		err := CheckKey(c.key)
		if got := string(pgerror.GetCode(err)); (err == nil) != (c.code == "") || err != nil && got != c.code {
			t.Errorf("CheckKey(%q): %v (%s), want %q", c.key, err, got, c.code)
		}
	}
	if got := GetAt(7); !strings.Contains(got, "AS OF TX 7 WHERE") {
		t.Errorf("GetAt(7) = %q", got)
	}
}
