package kv

import (
	"encoding/binary"
	"runtime"
	"sync/atomic"

	"github.com/stela-db/stela/kv/merkle"
)

// state is a durable point of the log.
type state struct {
	size uint64      // last committed tx id = tree size
	root merkle.Hash // tree head at size
	time int64       // commit time of tx size, microseconds (0 if size 0)
}

// publishedState holds the last durable state, published by the commit
// writer after each synced group; every read starts from it.
//
// It is a sequence lock, not a pointer to a fresh state, so that
// publishing allocates nothing (it happens once per commit group,
// thousands of times a second). The one writer at a time (Open, then the
// commit writer) makes seq odd, stores the fields, and makes seq even
// again; a reader copies the fields and retries if seq was odd or moved
// meanwhile. Every word is an atomic, so a racing reader sees old or new
// words, never torn ones, and its retry throws a mix away. size on its own
// is always a published size (LastTx reads only it); it is stored before
// the rest, so a reader that sees the new size and then loads the whole
// state gets the new one or a later one.
type publishedState struct {
	seq  atomic.Uint64
	size atomic.Uint64
	time atomic.Int64
	root [merkle.HashSize / 8]atomic.Uint64
}

// publish makes st the published state. Only one goroutine may publish
// at a time.
func (p *publishedState) publish(st state) {
	p.seq.Add(1)
	p.size.Store(st.size)
	p.time.Store(st.time)
	for i := range p.root {
		p.root[i].Store(binary.LittleEndian.Uint64(st.root[8*i:]))
	}
	p.seq.Add(1)
}

// load returns the published state.
func (p *publishedState) load() state {
	for {
		seq := p.seq.Load()
		if seq&1 == 0 {
			st := state{size: p.size.Load(), time: p.time.Load()}
			for i := range p.root {
				binary.LittleEndian.PutUint64(st.root[8*i:], p.root[i].Load())
			}
			if p.seq.Load() == seq {
				return st
			}
		}
		// The writer is between its two steps: let it finish.
		runtime.Gosched()
	}
}

// lastSize returns the published size.
func (p *publishedState) lastSize() uint64 { return p.size.Load() }
