package kv_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
)

// TestFormatExample keeps the worked example of docs/FORMAT.md true: it
// commits the example's transaction and compares every "name = hex" line
// of the document, and its checkpoint body, with what the store wrote.
func TestFormatExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	line := regexp.MustCompile(`^([a-z]+(?:\[\d\])?) += ([0-9a-f]+)$`)
	sc := bufio.NewScanner(strings.NewReader(string(doc)))
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			want[m[1]] = m[2]
		}
	}
	if len(want) != 6 {
		t.Fatalf("found %d example lines in FORMAT.md, want 6: %v", len(want), want)
	}

	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
	s := openTest(t, kv.Options{Origin: "example.com/demo", Now: func() time.Time { return at }})
	c, err := s.Commit(context.Background(), []kv.Write{
		{Key: []byte("hello"), Value: []byte("world")},
		{Key: []byte("gone"), Delete: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Tx(c.TxID)
	if err != nil {
		t.Fatal(err)
	}
	txLeaf := tx.Header.LeafHash()
	got := map[string]string{
		"header": hex.EncodeToString(tx.Header.Encode()),
		"txleaf": hex.EncodeToString(txLeaf[:]),
	}
	for i, e := range tx.Entries {
		leaf := e.LeafHash()
		got["entry["+string(rune('0'+i))+"]"] = hex.EncodeToString(e.Encode())
		got["leaf["+string(rune('0'+i))+"]"] = hex.EncodeToString(leaf[:])
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("FORMAT.md %s = %s; the store wrote %s", name, w, got[name])
		}
	}
	cp, err := s.CheckpointAt(c.LogSize)
	if err != nil {
		t.Fatal(err)
	}
	if body := string(cp.Note); !strings.Contains(string(doc), "```\n"+body+"```") {
		t.Errorf("FORMAT.md does not show the checkpoint body %q", body)
	}
}
