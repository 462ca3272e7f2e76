package cli

import (
	"io"
	"sync"
	"time"
)

// Log buffering for serve. A busy server logs one line per request; written one by
// one, each line is a system call that costs about as much as the rest of the
// request log. Lines are instead gathered and written together once
// logFlushInterval has passed since the first of them, or as soon as logFlushBytes
// have gathered, and on Close. A line therefore reaches the log at most
// logFlushInterval late; a process killed outright loses at most that much of its
// request log (the event log of writes is in the database and loses nothing).
const (
	logFlushInterval = 100 * time.Millisecond
	logFlushBytes    = 32 << 10
)

// logBuffer is an io.Writer that batches the lines written to it. Safe for
// concurrent use.
type logBuffer struct {
	mu      sync.Mutex
	out     io.Writer
	buf     []byte
	pending *time.Timer // armed while buf holds lines, nil otherwise
	closed  bool
}

func newLogBuffer(out io.Writer) *logBuffer {
	return &logBuffer{out: out, buf: make([]byte, 0, logFlushBytes)}
}

// Write keeps p for the next flush; after Close it writes p at once. It never
// fails: an error of the underlying writer is that flush's to lose, as a log line
// has nowhere better to go.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		_, _ = b.out.Write(p)
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= logFlushBytes:
		b.flushLocked()
	case b.pending == nil:
		b.pending = time.AfterFunc(logFlushInterval, b.flush)
	}
	return len(p), nil
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *logBuffer) flushLocked() {
	if b.pending != nil {
		b.pending.Stop()
		b.pending = nil
	}
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.out.Write(b.buf)
	if cap(b.buf) > 4*logFlushBytes {
		// One burst grew it: let it go rather than hold it for good.
		b.buf = make([]byte, 0, logFlushBytes)
		return
	}
	b.buf = b.buf[:0]
}

// Close writes what is gathered; later lines are written as they come.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.closed = true
	return nil
}
