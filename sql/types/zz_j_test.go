package types

import "testing"

func TestZZJulian(t *testing.T) {
	for y := -4713; y < 300000; y += 7 {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, 15, 28} {
				if int(date2j32(y, m, d)) != date2j(y, m, d) {
					t.Fatalf("date2j %d %d %d", y, m, d)
				}
			}
		}
	}
	for j := 0; j < 200000000; j += 997 {
		a, b, c := j2date(j)
		x, y, z := j2date32(int32(j))
		if a != x || b != y || c != z {
			t.Fatalf("j2date %d", j)
		}
	}
}
