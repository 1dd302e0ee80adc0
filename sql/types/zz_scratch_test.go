package types

import (
	"os"
	"testing"
)

func TestZZTry(t *testing.T) {
	p := os.Getenv("STELA_TRY")
	if p == "" {
		t.Skip()
	}
	conn := liveConn(t)
	a := &serverAsker{t: t, conn: conn, tables: map[string]string{}}
	for _, in := range readInputs(t, p) {
		c := a.ask(in)
		t.Log(formatCase(c))
		checkCase(t, c)
	}
}
