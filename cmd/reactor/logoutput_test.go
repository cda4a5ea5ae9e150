package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func plainNotice(msg string) []byte { return []byte("NOTICE " + msg + "\n") }

// fakeClock steps one millisecond per reading, so each rotation gets its own backup name.
func fakeClock() func() time.Time {
	t := time.Date(2026, 1, 2, 3, 4, 5, 6, time.Local)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestLogOutputConcurrentLinesStayWhole: zerolog writes from every goroutine; no line may be torn or lost,
// across rotations. Run with -race.
func TestLogOutputConcurrentLinesStayWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.log")
	out := newLogOutput(&bytes.Buffer{}, plainNotice)
	out.now = func() time.Time { return time.Now() }
	if err := out.Use(path, 4096, 0); err != nil {
		t.Fatal(err)
	}
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(out, "writer %d line %04d %s\n", w, i, strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	out.Close()

	files, _ := filepath.Glob(path + "*")
	seen := 0
	for _, f := range files {
		for _, line := range strings.Split(strings.TrimSuffix(readFile(t, f), "\n"), "\n") {
			if strings.HasPrefix(line, "NOTICE ") {
				continue
			}
			if !strings.HasPrefix(line, "writer ") || !strings.HasSuffix(line, strings.Repeat("x", 40)) {
				t.Fatalf("torn line in %s: %q", f, line)
			}
			seen++
		}
	}
	if seen != writers*lines || len(files) < 2 {
		t.Fatalf("%d lines in %d files, want %d lines over several files", seen, len(files), writers*lines)
	}
}

// TestLogOutputLimitBelowNoticeSize: a limit smaller than the rotation notice rotates once per line, never in
// a loop.
func TestLogOutputLimitBelowNoticeSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.log")
	out := newLogOutput(&bytes.Buffer{}, plainNotice)
	out.now = fakeClock()
	if err := out.Use(path, 10, 0); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		fmt.Fprintf(out, "line %d is longer than ten bytes\n", i)
	}
	out.Close()
	backups, _ := filepath.Glob(path + ".*")
	if len(backups) != 3 {
		t.Fatalf("%d backups for 3 lines over the limit, want 3", len(backups))
	}
	if got := readFile(t, path); !strings.HasPrefix(got, "NOTICE Rotated log, backup saved as ") || strings.Count(got, "\n") != 1 {
		t.Fatalf("current file: %q", got)
	}
}

// TestLogOutputUseAndReopen: Use switches between stderr and files and leaves things as they were when the
// file cannot be opened; Reopen on stderr says it is not a file.
func TestLogOutputUseAndReopen(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	out := newLogOutput(&stderr, plainNotice)
	if err := out.Reopen(); err != errNotLogFile {
		t.Fatalf("Reopen on stderr: %v", err)
	}
	fmt.Fprintln(out, "to stderr")
	first := filepath.Join(dir, "first.log")
	if err := out.Use(first, 0, 0); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(out, "to first")
	if err := out.Use(filepath.Join(dir, "no-such-dir", "x.log"), 0, 0); err == nil {
		t.Fatal("Use of an unopenable path succeeded")
	}
	fmt.Fprintln(out, "still to first")
	if err := out.Use("", 0, 0); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(out, "back to stderr")
	if got := stderr.String(); got != "to stderr\nback to stderr\n" {
		t.Fatalf("stderr got %q", got)
	}
	if got := readFile(t, first); got != "to first\nstill to first\n" {
		t.Fatalf("first.log got %q", got)
	}
}

// TestLogOutputCountsExistingSize: a file reopened with lines in it is rotated on its total size.
func TestLogOutputCountsExistingSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.log")
	if err := os.WriteFile(path, []byte(strings.Repeat("y", 95)+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	out := newLogOutput(&bytes.Buffer{}, plainNotice)
	out.now = fakeClock()
	if err := out.Use(path, 100, 0); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(out, "four")
	out.Close()
	if backups, _ := filepath.Glob(path + ".*"); len(backups) != 1 {
		t.Fatalf("backups %v, want one: 96 bytes already there plus 5 pass 100", backups)
	}
}
