package cli

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncWriter records each Write it is given.
type syncWriter struct {
	mu     sync.Mutex
	writes []string
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *syncWriter) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.writes...)
}

func TestLogBuffer_writesLinesTogetherAndInTime(t *testing.T) {
	out := &syncWriter{}
	b := newLogBuffer(out)
	start := time.Now()
	for i := range 3 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	if got := out.snapshot(); len(got) != 0 {
		t.Fatalf("lines were written one by one, not gathered: %q", got)
	}
	deadline := start.Add(20 * logFlushInterval)
	for len(out.snapshot()) == 0 && time.Now().Before(deadline) {
		time.Sleep(logFlushInterval / 10)
	}
	got := out.snapshot()
	if want := []string{"line 0\nline 1\nline 2\n"}; !slices.Equal(got, want) {
		t.Fatalf("after the flush interval the log got %q, want the three lines in one write %q", got, want)
	}

	// A line written after a flush waits for the next one, and Close writes it.
	fmt.Fprintln(b, "last")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.snapshot(); len(got) != 2 || got[1] != "last\n" {
		t.Fatalf("Close left a line unwritten: %q", got)
	}
	// After Close nothing is held back.
	fmt.Fprintln(b, "after close")
	if got := out.snapshot(); len(got) != 3 || got[2] != "after close\n" {
		t.Fatalf("a line written after Close was not written at once: %q", got)
	}
}

func TestLogBuffer_aBurstIsWrittenWithoutWaiting(t *testing.T) {
	out := &syncWriter{}
	b := newLogBuffer(out)
	defer b.Close()
	line := strings.Repeat("x", 99) + "\n"
	for range logFlushBytes / len(line) {
		_, _ = b.Write([]byte(line))
	}
	if got := out.snapshot(); len(got) != 0 {
		t.Fatalf("wrote before the buffer was full: %d writes", len(got))
	}
	_, _ = b.Write([]byte(line))
	got := out.snapshot()
	if len(got) != 1 || len(got[0]) < logFlushBytes {
		t.Fatalf("a full buffer was not written at once: %d writes", len(got))
	}
}

func TestLogBuffer_concurrentLinesStayWhole(t *testing.T) {
	out := &syncWriter{}
	b := newLogBuffer(out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(b, "writer %d line %d %s\n", g, i, strings.Repeat("y", 40))
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(out.snapshot(), "")
	lines := strings.Split(strings.TrimSuffix(all, "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("got %d lines, want %d", len(lines), 8*500)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		var pad string
		if n, err := fmt.Sscanf(l, "writer %d line %d %s", &g, &i, &pad); n != 3 || err != nil || pad != strings.Repeat("y", 40) {
			t.Fatalf("a line was cut or mixed with another: %q", l)
		}
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Fatalf("%d distinct lines, want %d: some were lost or repeated", len(seen), 8*500)
	}
}
