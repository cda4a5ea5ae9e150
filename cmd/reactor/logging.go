package main

import (
	"bytes"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// daemonLog is the daemon's logging. Its Logger is handed to the server once, and the server keeps it across
// reloads, so everything a reload may change sits behind it: the level (zerolog's global level: the daemon
// runs one server), timestamps (a hook), the console format (which colours only a terminal) and where lines
// go (logOutput).
type daemonLog struct {
	Logger zerolog.Logger
	out    *logOutput
	stderr io.Writer
	json   bool                                  // --log_json: JSON lines as zerolog writes them
	stamp  atomic.Bool                           // logtime
	format atomic.Pointer[zerolog.ConsoleWriter] // console lines for the current destination; nil with json
}

// consoleTimeFormat is nats-server's timestamp, to the microsecond.
const consoleTimeFormat = "2006/01/02 15:04:05.000000"

func newDaemonLog(f *flags, stderr io.Writer) (*daemonLog, error) {
	zerolog.TimeFieldFormat = time.RFC3339Nano // zerolog's default keeps only whole seconds
	d := &daemonLog{stderr: stderr, json: f.logJSON}
	d.out = newLogOutput(stderr, d.render)
	d.Logger = zerolog.New(d).Level(zerolog.TraceLevel).Hook(d)
	if err := d.apply(f); err != nil {
		return nil, err
	}
	return d, nil
}

// apply puts f's logging settings in force. If the log file cannot be opened, the destination stays as it
// was and the error says why; the level and timestamps change regardless.
func (d *daemonLog) apply(f *flags) error {
	zerolog.SetGlobalLevel(logLevel(f))
	d.stamp.Store(f.logTime)
	err := d.out.Use(f.logFile, f.logSizeLimit, f.logMaxFiles)
	d.setFormat()
	return err
}

func logLevel(f *flags) zerolog.Level {
	switch {
	case f.trace:
		return zerolog.TraceLevel
	case f.debug:
		return zerolog.DebugLevel
	}
	return zerolog.InfoLevel
}

func (d *daemonLog) setFormat() {
	if d.json {
		return
	}
	d.format.Store(consoleWriter(d.out, d.out.Path() == "" && isTerminal(d.stderr)))
}

// Write takes one rendered zerolog event.
func (d *daemonLog) Write(event []byte) (int, error) {
	if cw := d.format.Load(); cw != nil {
		return cw.Write(event)
	}
	return d.out.Write(event)
}

// Run is the timestamp hook: logtime can be switched by a reload, which a Timestamp() context cannot.
func (d *daemonLog) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	if d.stamp.Load() {
		e.Timestamp()
	}
}

// render formats an info line as the logger would, for logOutput's notices, which it writes itself while
// holding its lock.
func (d *daemonLog) render(msg string) []byte {
	var line bytes.Buffer
	var w io.Writer = &line
	if !d.json {
		w = consoleWriter(&line, false)
	}
	l := zerolog.New(w).Hook(d)
	l.Info().Msg(msg) // the daemon's level is never above info
	return line.Bytes()
}

// Close closes the log file, if any.
func (d *daemonLog) Close() { d.out.Close() }

func consoleWriter(out io.Writer, colour bool) *zerolog.ConsoleWriter {
	return &zerolog.ConsoleWriter{Out: out, NoColor: !colour, FormatTimestamp: formatConsoleTime}
}

// formatConsoleTime prints nothing for a line without a timestamp (logtime: false); zerolog's own formatter
// would print "<nil>".
func formatConsoleTime(field any) string {
	text, ok := field.(string)
	if !ok {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return text
	}
	return t.Local().Format(consoleTimeFormat)
}

func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
