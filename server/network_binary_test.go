package server_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestNetworkTypesInBinary sends and reads inet, cidr, macaddr and
// macaddr8 values as pgx does, in the binary format (inet_send: family,
// bits, is_cidr, address length, address; the MAC addresses as their
// bytes), through parameters, results and COPY, where the SQL files use
// text; and COPY's text format both ways.
func TestNetworkTypesInBinary(t *testing.T) {
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))
	if _, err := c.Exec(ctx, `CREATE TABLE nb (id int PRIMARY KEY, a inet, n cidr, m macaddr, m8 macaddr8)`); err != nil {
		t.Fatal(err)
	}
	a := netip.MustParsePrefix("192.168.1.5/24")
	n := netip.MustParsePrefix("2001:db8::/32")
	m, _ := net.ParseMAC("08:00:2b:01:02:03")
	m8, _ := net.ParseMAC("08:00:2b:01:02:03:04:05")
	if _, err := c.Exec(ctx, `INSERT INTO nb VALUES ($1, $2, $3, $4, $5)`, 1, a, n, m, m8); err != nil {
		t.Fatal(err)
	}
	// A cidr parameter with host bits fails as cidr_recv does.
	_, err := c.Exec(ctx, `INSERT INTO nb (id, n) VALUES (9, $1)`, netip.MustParsePrefix("10.1.2.3/8"))
	if err == nil || !strings.Contains(err.Error(), `invalid external "cidr" value`) {
		t.Errorf("cidr parameter with host bits: %v", err)
	}
	host := netip.MustParsePrefix("10.0.0.1/32")
	cnt, err := c.CopyFrom(ctx, pgx.Identifier{"nb"}, []string{"id", "a", "n", "m", "m8"}, pgx.CopyFromRows([][]any{
		{int32(2), host, netip.MustParsePrefix("10.0.0.0/8"), net.HardwareAddr{0, 0, 0, 0, 0, 1}, net.HardwareAddr{1, 2, 3, 4, 5, 6, 7, 8}},
		{int32(3), nil, nil, nil, nil},
	}))
	if err != nil || cnt != 2 {
		t.Fatalf("CopyFrom: %d, %v", cnt, err)
	}
	pc := c.PgConn()
	in := "4\t::ffff:1.2.3.4/120\t10.1\t0800.2b01.0204\t08:00:2b:01:02:04\n5\t\\N\t::/0\t\\N\t\\N\n"
	if tag, err := pc.CopyFrom(ctx, strings.NewReader(in), "COPY nb FROM STDIN"); err != nil || tag.String() != "COPY 2" {
		t.Fatalf("COPY text in: %v %v", tag, err)
	}
	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY nb TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	want := "1\t192.168.1.5/24\t2001:db8::/32\t08:00:2b:01:02:03\t08:00:2b:01:02:03:04:05\n" +
		"2\t10.0.0.1\t10.0.0.0/8\t00:00:00:00:00:01\t01:02:03:04:05:06:07:08\n" +
		"3\t\\N\t\\N\t\\N\t\\N\n" +
		"4\t::ffff:1.2.3.4/120\t10.1.0.0/16\t08:00:2b:01:02:04\t08:00:2b:ff:fe:01:02:04\n" +
		"5\t\\N\t::/0\t\\N\t\\N\n"
	if out.String() != want {
		t.Errorf("COPY text out: got %q, want %q", out.String(), want)
	}

	rows, err := c.Query(ctx, `SELECT a, n, m, m8, network(a), '::1'::inet FROM nb WHERE id = $1`, pgx.QueryResultFormats{pgx.BinaryFormatCode}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ga, gn, gnet, gone netip.Prefix
	var gm, gm8 net.HardwareAddr
	_, err = pgx.ForEachRow(rows, []any{&ga, &gn, &gm, &gm8, &gnet, &gone}, func() error {
		for _, fd := range rows.FieldDescriptions() {
			if fd.Format != pgx.BinaryFormatCode {
				t.Errorf("column %s came in format %d", fd.Name, fd.Format)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ga != a || gn != n || gnet != netip.MustParsePrefix("192.168.1.0/24") || gone != netip.MustParsePrefix("::1/128") {
		t.Errorf("addresses: got %v %v %v %v", ga, gn, gnet, gone)
	}
	if !bytes.Equal(gm, m) || !bytes.Equal(gm8, m8) {
		t.Errorf("MAC addresses: got %v %v", gm, gm8)
	}
	// Binary parameters compare with the stored keys.
	var id int
	if err := c.QueryRow(ctx, `SELECT id FROM nb WHERE a = $1`, host).Scan(&id); err != nil || id != 2 {
		t.Errorf("inet lookup by binary parameter: %d, %v", id, err)
	}
	if err := c.QueryRow(ctx, `SELECT id FROM nb WHERE m8 = $1`, net.HardwareAddr{1, 2, 3, 4, 5, 6, 7, 8}).Scan(&id); err != nil || id != 2 {
		t.Errorf("macaddr8 lookup by binary parameter: %d, %v", id, err)
	}
	if err := c.QueryRow(ctx, `SELECT id FROM nb WHERE $1::inet << a`, netip.MustParsePrefix("192.168.1.77/32")).Scan(&id); err != nil || id != 1 {
		t.Errorf("containment with a binary parameter: %d, %v", id, err)
	}
}
