package sql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A statement's sorts, hash tables and materialized rows draw on one
// memory budget, the session's stela.query_mem (work_mem is accepted
// for compatibility but PostgreSQL spills to disk past it, and stela
// does not yet: it fails with 53200 past stela.query_mem instead of
// growing without bound).
const defaultQueryMem = "1GB"

func init() {
	register(&setting{name: "stela.query_mem", def: constant(defaultQueryMem), check: checkMemory,
		desc: "Sets the memory one statement may use for sorts, hash tables and materialized rows."})
	register(&setting{name: "work_mem", def: constant("4MB"), check: checkMemory,
		desc: "Sets the maximum memory to be used for query workspaces."})
	register(&setting{name: "maintenance_work_mem", def: constant("64MB"), check: checkMemory,
		desc: "Sets the maximum memory to be used for maintenance operations."})
}

// parseMemory reads a PostgreSQL memory setting: a number with an
// optional unit (kB, MB, GB, TB; none means kB), in bytes.
func parseMemory(v string) (int64, error) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(v[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("a memory size such as 64MB is required")
	}
	mult := int64(1024)
	switch strings.TrimSpace(v[i:]) {
	case "", "kB":
	case "B":
		mult = 1
	case "MB":
		mult = 1 << 20
	case "GB":
		mult = 1 << 30
	case "TB":
		mult = 1 << 40
	default:
		return 0, fmt.Errorf(`valid units for this parameter are "B", "kB", "MB", "GB", and "TB"`)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("%s is outside the valid range", v)
	}
	return n * mult, nil
}

func checkMemory(v string) (string, error) {
	n, err := parseMemory(v)
	if err != nil {
		return "", err
	}
	if n < 64<<10 {
		return "", fmt.Errorf("%s is less than the minimum 64kB", v)
	}
	return strings.TrimSpace(v), nil
}

// workMem returns the session's per-statement memory budget in bytes.
func (s *Session) workMem() int64 {
	if s.memDirty {
		s.mem, s.memDirty = s.memorySetting("stela.query_mem", 1<<30), false
	}
	return s.mem
}

// memorySetting returns a memory setting in bytes, or fallback if its
// value does not parse.
func (s *Session) memorySetting(name string, fallback int64) int64 {
	v, _ := s.Setting(name)
	n, err := parseMemory(v)
	if err != nil {
		return fallback
	}
	return n
}

// memBudget accounts for the memory a statement holds.
type memBudget struct {
	limit, used int64
	// checked is used when the server's memory was last checked: a
	// statement within its own budget can still find the server's used
	// up by all sessions together (engine.CheckServerMemory).
	checked int64
}

func newMemBudget(limit int64) *memBudget { return &memBudget{limit: limit} }

// grow accounts for n more bytes, failing with 53200 past the limit.
func (m *memBudget) grow(n int64) error {
	m.used += n
	if m.used > m.limit {
		return pgerror.Newf(pgcode.OutOfMemory, "out of memory").
			WithDetail(fmt.Sprintf("The statement needs more than stela.query_mem (%d bytes) for sorting, hashing or materializing rows.", m.limit)).
			WithHint("Add a LIMIT or a more selective WHERE clause, or raise stela.query_mem.")
	}
	if m.used-m.checked >= memguard.Step {
		m.checked = m.used
		return engine.CheckServerMemory(m.used)
	}
	return nil
}

// shrink returns n bytes to the budget.
func (m *memBudget) shrink(n int64) {
	m.used -= n
	m.checked = min(m.checked, m.used)
}

// rowSize estimates the memory a row holds.
func rowSize(row []types.Datum) int64 {
	n := int64(24 + 16*len(row))
	for _, d := range row {
		switch v := d.(type) {
		case string:
			n += int64(len(v))
		case []byte:
			n += int64(len(v))
		case nil, int64, float64, bool:
		default:
			n += 32
		}
	}
	return n
}
