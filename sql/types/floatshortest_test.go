package types

import "testing"

// TestShortestFloatMatchesPostgres checks values whose shortest digits sit
// exactly on a rounding boundary, where PostgreSQL's Ryu and Go's
// formatting disagree; expectations are PostgreSQL 15's output.
func TestShortestFloatMatchesPostgres(t *testing.T) {
	cases := []struct {
		in   float64
		bits int
		want string
	}{
		{float64(float32(9e9)), 32, "8.999999e+09"},
		{1e23, 64, "9.999999999999999e+22"},
		{float64(float32(0.1)), 32, "0.1"},
		{1e22, 64, "1e+22"},
		{16777216, 32, "1.6777216e+07"},
		{5e-324, 64, "5e-324"},
		{float64(float32(3.4028235e38)), 32, "3.4028235e+38"},
		{float64(float32(2e-45)), 32, "1e-45"},
		{123456789, 64, "123456789"},
		{0, 64, "0"},
	}
	for _, c := range cases {
		if got := string(appendFloat(nil, c.in, c.bits, 1)); got != c.want {
			t.Errorf("float%d %v: got %s, want %s", c.bits/8, c.in, got, c.want)
		}
	}
}
