package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// logOutput is where formatted log lines end up: stderr, or the log file (-l, log_file). It is what lets the
// file be operated on from outside while zerolog writes to it from every goroutine:
//   - Reopen (SIGUSR1) opens the path again, so that after logrotate renames the file, lines go to a new one;
//   - with a size limit (log_size_limit), it rotates the file itself as nats-server does: once a write takes
//     the file to the limit, the file is renamed to <path>.<local time to the nanosecond> and a new one
//     begun, whose first line says so; with a file count (log_max_num) the oldest backups are then removed;
//   - Use switches to another path, or back to stderr, on reload.
//
// Each line is one Write, and Writes are serialised, so lines never interleave.
type logOutput struct {
	stderr io.Writer
	// notice renders a line the output writes about itself (rotation, purge) in the logger's format.
	notice func(msg string) []byte
	now    func() time.Time

	mu       sync.Mutex
	path     string   // "" while writing to stderr
	file     *os.File // open on path; nil while writing to stderr
	size     int64    // bytes in file, counted from its size when opened
	limit    int64    // rotate once size reaches this; 0 never
	maxFiles int      // files kept on rotation, the current one included; 0 keeps all
}

// logFileMode is the mode nats-server gives its log files.
const logFileMode = 0o640

// backupTimeLayout names a rotated file after the moment it was rotated, as nats-server does; fixed width,
// so that names sort in time order.
const backupTimeLayout = "2006.01.02.15.04.05.000000000"

var errNotLogFile = errors.New("not a file logger")

func newLogOutput(stderr io.Writer, notice func(string) []byte) *logOutput {
	return &logOutput{stderr: stderr, notice: notice, now: time.Now}
}

func (o *logOutput) Write(line []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file == nil {
		return o.stderr.Write(line)
	}
	n, err := o.file.Write(line)
	o.size += int64(n)
	if o.limit > 0 && o.size >= o.limit {
		o.rotate()
	}
	return n, err
}

// Use sends lines to the file at path from now on, or to stderr when path is "", rotating as limit and
// maxFiles say. The file in use is kept open, not reopened. If a new file cannot be opened nothing changes.
func (o *logOutput) Use(path string, limit int64, maxFiles int) error {
	o.mu.Lock()
	same := path == o.path
	if same {
		o.limit, o.maxFiles = limit, maxFiles
	}
	o.mu.Unlock()
	if same {
		return nil
	}
	var file *os.File
	var size int64
	if path != "" {
		var err error
		if file, size, err = openLogFile(path); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closeFile()
	o.path, o.file, o.size, o.limit, o.maxFiles = path, file, size, limit, maxFiles
	return nil
}

// Reopen opens the log file's path again (SIGUSR1). If it cannot, lines keep going to the file already open.
func (o *logOutput) Reopen() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file == nil {
		return errNotLogFile
	}
	file, size, err := openLogFile(o.path)
	if err != nil {
		return err
	}
	o.closeFile()
	o.file, o.size = file, size
	return nil
}

// Path is the log file's path, "" while logging to stderr.
func (o *logOutput) Path() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.path
}

// Close closes the log file; later lines go to stderr.
func (o *logOutput) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closeFile()
	o.path = ""
}

func (o *logOutput) closeFile() {
	if o.file != nil {
		_ = o.file.Close()
		o.file = nil
	}
}

func openLogFile(path string) (*os.File, int64, error) {
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, logFileMode)
	if err != nil {
		return nil, 0, fmt.Errorf("log file: %w", err)
	}
	st, err := file.Stat()
	if err != nil {
		_ = file.Close()
		return nil, 0, fmt.Errorf("log file: %w", err)
	}
	return file, st.Size(), nil
}

// rotate renames the full file to its backup name and starts a new one. Called with mu held. A failure is
// told on stderr and the current file kept, counted as empty so that the next attempt waits for another
// limit's worth of lines.
func (o *logOutput) rotate() {
	backup := o.path + "." + o.now().Format(backupTimeLayout)
	if err := os.Rename(o.path, backup); err != nil {
		fmt.Fprintf(o.stderr, "reactor: rotating log file: %v\n", err)
		o.size = 0
		return
	}
	file, size, err := openLogFile(o.path)
	if err != nil {
		fmt.Fprintf(o.stderr, "reactor: rotating log file: %v\n", err)
		o.size = 0 // keep writing to the renamed file rather than lose lines
		return
	}
	o.closeFile()
	o.file, o.size = file, size
	o.writeNotice(fmt.Sprintf("Rotated log, backup saved as %q", backup))
	if o.maxFiles > 0 {
		o.purge()
	}
}

// purge removes the oldest backups beyond maxFiles-1 (the current file is the last of maxFiles).
func (o *logOutput) purge() {
	dir, base := filepath.Split(o.path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintf(o.stderr, "reactor: purging log files: %v\n", err)
		return
	}
	var backups []string
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), base+".")
		if !ok || e.IsDir() {
			continue
		}
		if _, err := time.Parse(backupTimeLayout, stamp); err == nil {
			backups = append(backups, e.Name())
		}
	}
	sort.Strings(backups)
	for len(backups) > o.maxFiles-1 {
		if err := os.Remove(filepath.Join(dir, backups[0])); err != nil {
			fmt.Fprintf(o.stderr, "reactor: purging log files: %v\n", err)
			return
		}
		o.writeNotice(fmt.Sprintf("Purged log file %q", backups[0]))
		backups = backups[1:]
	}
}

// writeNotice writes the output's own line into the current file. It does not count towards the limit's
// check until the next line, so a limit smaller than a notice cannot rotate in a loop.
func (o *logOutput) writeNotice(msg string) {
	n, _ := o.file.Write(o.notice(msg))
	o.size += int64(n)
}
