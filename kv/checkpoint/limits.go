package checkpoint

// Limits that bound the work and memory spent on hostile input. A log never
// needs more: its own checkpoints carry one signature and no extension lines,
// and witnesses add a handful of cosignatures.
const (
	// MaxNoteSize is the largest signed note (and the largest checkpoint
	// body) accepted, in bytes.
	MaxNoteSize = 64 << 10

	// MaxSignatures is the most signature lines a note may carry. The
	// signed-note specification requires accepting at least 16.
	MaxSignatures = 16

	// MaxOriginLen is the longest origin accepted, in bytes. Key names
	// share the limit because a log's key name should be its origin.
	MaxOriginLen = 255

	// MaxExtensions is the most extension lines a checkpoint may carry.
	MaxExtensions = 16
)
