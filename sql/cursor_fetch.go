package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// fetchOutcome is what a FETCH or MOVE does once the cursor was moved to
// where its output starts: either a last run whose rows are the output
// (sel), or, for the MOVE forms PostgreSQL answers without running
// anything, a count (moved).
type fetchOutcome struct {
	sel   *selection
	moved int64
}

// fetch moves a cursor as FETCH/MOVE direction count does, following
// PostgreSQL's DoPortalRunFetch: every direction is reduced to runs
// forward or backward whose rows are skipped, then one last run whose
// rows FETCH returns (and MOVE counts).
func (c *cursor) fetch(ctx context.Context, dir pg_query.FetchDirection, count int64, move bool) (fetchOutcome, error) {
	forward := true
	switch dir {
	case pg_query.FetchDirection_FETCH_FORWARD:
		if count < 0 {
			forward, count = false, -count
		}
	case pg_query.FetchDirection_FETCH_BACKWARD:
		forward = false
		if count < 0 {
			forward, count = true, -count
		}
	case pg_query.FetchDirection_FETCH_ABSOLUTE:
		return c.fetchAbsolute(ctx, count)
	case pg_query.FetchDirection_FETCH_RELATIVE:
		switch {
		case count > 0:
			if count > 1 {
				if _, err := c.skip(ctx, true, count-1); err != nil {
					return fetchOutcome{}, err
				}
			}
			return c.last(true, 1)
		case count < 0:
			if count < -1 {
				if _, err := c.skip(ctx, false, -count-1); err != nil {
					return fetchOutcome{}, err
				}
			}
			return c.last(false, 1)
		}
		// RELATIVE 0 is FORWARD 0: the current row again.
	}
	if count == 0 {
		onRow := !c.atStart && !c.atEnd
		if move {
			// MOVE 0 says whether FETCH 0 would return a row.
			if onRow {
				return fetchOutcome{moved: 1}, nil
			}
			return fetchOutcome{}, nil
		}
		if onRow {
			// Back up one to fetch the current row again.
			if _, err := c.skip(ctx, false, 1); err != nil {
				return fetchOutcome{}, err
			}
			forward, count = true, 1
		}
	}
	if !forward && count == fetchAll && move {
		// MOVE BACKWARD ALL is a rewind; it counts the rows passed.
		n := c.portalPos
		if n > 0 && !c.atEnd {
			n--
		}
		if err := c.rewind(); err != nil {
			return fetchOutcome{}, err
		}
		return fetchOutcome{moved: n}, nil
	}
	return c.last(forward, count)
}

// fetchAbsolute is FETCH ABSOLUTE count: row count from the start (from
// the end when negative); ABSOLUTE 0 is before the first row.
func (c *cursor) fetchAbsolute(ctx context.Context, count int64) (fetchOutcome, error) {
	switch {
	case count > 0:
		// Rewind and skip count-1 rows, unless the target is nearer the
		// current position than the start (which also lets a NO SCROLL
		// cursor go forward to it).
		if count-1 < c.portalPos/2 {
			if err := c.rewind(); err != nil {
				return fetchOutcome{}, err
			}
			if count > 1 {
				if _, err := c.skip(ctx, true, count-1); err != nil {
					return fetchOutcome{}, err
				}
			}
		} else {
			pos := c.portalPos
			if c.atEnd {
				pos++ // one more row to back over from the end
			}
			var err error
			if count <= pos {
				_, err = c.skip(ctx, false, pos-count+1)
			} else if count > pos+1 {
				_, err = c.skip(ctx, true, count-pos-1)
			}
			if err != nil {
				return fetchOutcome{}, err
			}
		}
		return c.last(true, 1)
	case count < 0:
		// To the end, back over -count-1 rows, return the one before.
		if _, err := c.skip(ctx, true, fetchAll); err != nil {
			return fetchOutcome{}, err
		}
		if count < -1 {
			if _, err := c.skip(ctx, false, -count-1); err != nil {
				return fetchOutcome{}, err
			}
		}
		return c.last(false, 1)
	}
	if err := c.rewind(); err != nil {
		return fetchOutcome{}, err
	}
	return c.last(true, 0)
}

// last starts the run whose rows are the output.
func (c *cursor) last(forward bool, count int64) (fetchOutcome, error) {
	s, err := c.selectRows(forward, count)
	if err != nil {
		return fetchOutcome{}, err
	}
	return fetchOutcome{sel: s}, nil
}
