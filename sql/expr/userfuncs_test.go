package expr

import (
	"slices"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// callOrder maps positional then named arguments to parameters, and
// refuses a call that leaves out a parameter without a DEFAULT, names
// one twice or names one that does not exist.
func TestCallOrder(t *testing.T) {
	u := &UserFunc{Args: []*types.T{types.Int4, types.Int4, types.Text}, Names: []string{"a", "b", "c"}, Defaults: 2}
	for _, tc := range []struct {
		n     int
		named []string
		want  []int
		ok    bool
	}{
		{1, nil, []int{0}, true},
		{3, nil, []int{0, 1, 2}, true},
		{4, nil, nil, false},
		{0, nil, nil, false},
		{0, []string{"c", "a"}, []int{2, 0}, true},
		{1, []string{"c"}, []int{0, 2}, true},
		{1, []string{"a"}, nil, false},
		{0, []string{"b"}, nil, false},
		{1, []string{"z"}, nil, false},
	} {
		got, ok := callOrder(u, tc.n, tc.named)
		if ok != tc.ok || ok && !slices.Equal(got, tc.want) {
			t.Errorf("callOrder(%d, %v) = %v, %v; want %v, %v", tc.n, tc.named, got, ok, tc.want, tc.ok)
		}
	}
}

// A user function whose signature a built-in one has is left out of an
// unqualified call's candidates; one of the same signature found later
// on the search path too.
func TestUserOverloadsShadowed(t *testing.T) {
	mk := func(args ...*types.T) *UserFunc { return &UserFunc{Args: args, Result: types.Int4} }
	fs := []*UserFunc{mk(types.Int4), mk(types.Text), mk(types.Int4)}
	hidden := func(args []*types.T) bool { return args[0] == types.Text }
	got := userOverloads(fs, 1, nil, hidden)
	if len(got) != 1 || got[0].user != fs[0] {
		t.Fatalf("userOverloads = %d candidates", len(got))
	}
}
