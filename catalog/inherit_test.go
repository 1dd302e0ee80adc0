package catalog

import (
	"reflect"
	"testing"
)

// The chain c -> b -> a (c a member of b, b of a): members reach every
// group; privileges stop after a NOINHERIT role.
func TestPrivilegeRolesOf(t *testing.T) {
	ms := []Membership{{Role: "a", Member: "b"}, {Role: "b", Member: "c"}}
	for _, tc := range []struct {
		noInherit map[string]bool
		user      string
		want      []string
	}{
		{nil, "c", []string{"a", "b", "c"}},
		{map[string]bool{"c": true}, "c", []string{"c"}},
		{map[string]bool{"b": true}, "c", []string{"b", "c"}},
		{map[string]bool{"b": true}, "b", []string{"b"}},
		{map[string]bool{"a": true}, "c", []string{"a", "b", "c"}},
	} {
		got := SortedRoles(PrivilegeRolesOf(ms, tc.noInherit, tc.user))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("noinherit %v, %s: %v, want %v", tc.noInherit, tc.user, got, tc.want)
		}
		if got := SortedRoles(RolesOf(ms, tc.user)); tc.user == "c" && !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Errorf("RolesOf(%s) = %v", tc.user, got)
		}
	}
}
