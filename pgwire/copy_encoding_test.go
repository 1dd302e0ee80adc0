package pgwire_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// COPY's ENCODING option converts the data from and to the named
// encoding, and refuses what the encodings cannot hold with PostgreSQL's
// codes.
func TestCopyEncoding(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	pc := c.PgConn()
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE enc (a int, b text)")

	// é in LATIN1, € and Ж in WIN1252 and WIN1251.
	for _, tc := range []struct{ enc, data, want string }{
		{"LATIN1", "1\tcaf\xe9\n", "café"},
		{"WIN1252", "2\t\x80 5\n", "€ 5"},
		{"windows-1251", "3\t\xc6\n", "Ж"},
		{"SQL_ASCII", "4\tplain\n", "plain"},
	} {
		if _, err := pc.CopyFrom(ctx, strings.NewReader(tc.data), "COPY enc FROM STDIN (ENCODING '"+tc.enc+"')"); err != nil {
			t.Fatalf("%s: %v", tc.enc, err)
		}
		var got string
		if err := c.QueryRow(ctx, "SELECT b FROM enc WHERE a = $1", tc.data[0]-'0').Scan(&got); err != nil || got != tc.want {
			t.Fatalf("%s: got %q, %v; want %q", tc.enc, got, err, tc.want)
		}
	}

	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY (SELECT b FROM enc WHERE a IN (1, 2) ORDER BY a) TO STDOUT (ENCODING 'WIN1252')"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "caf\xe9\n\x80 5\n" {
		t.Fatalf("COPY TO WIN1252: %q", out.String())
	}

	for _, tc := range []struct{ sql, data, code string }{
		// Ж is not in LATIN1.
		{"COPY enc TO STDOUT (ENCODING 'LATIN1')", "", "22P05"},
		// 0xa5 is no character of LATIN3; NUL is in no encoding.
		{"COPY enc FROM STDIN (ENCODING 'LATIN3')", "5\t\xa5\n", "22P05"},
		{"COPY enc FROM STDIN (ENCODING 'LATIN1')", "5\ta\x00\n", "22021"},
		{"COPY enc FROM STDIN (ENCODING 'SJIS')", "5\ta\n", "0A000"},
		{"COPY enc FROM STDIN (ENCODING 'nope')", "5\ta\n", "22023"},
	} {
		var err error
		if strings.Contains(tc.sql, "TO STDOUT") {
			_, err = pc.CopyTo(ctx, &out, tc.sql)
		} else {
			_, err = pc.CopyFrom(ctx, strings.NewReader(tc.data), tc.sql)
		}
		if err == nil || pgErr(t, err).Code != tc.code {
			t.Fatalf("%s: got %v, want %s", tc.sql, err, tc.code)
		}
	}
	if n := count(t, c, "enc"); n != 4 {
		t.Fatalf("rows after the refused copies: %d, want 4", n)
	}
}
