package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// A file stream's directory holds its configuration and creation time in metaFile, and its messages in
// msgsDir (the store's own). The meta file is one line of JSON, then a line with the CRC-32C of that JSON
// in hex; it is replaced whole (write to a temporary file, sync, rename, sync the directory), so a crash
// leaves either the old or the new one. Memory streams keep no directory: like nats-server, a restart
// forgets them.
const (
	metaFile = "meta.json"
	msgsDir  = "msgs"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func metaSum(body []byte) string { return fmt.Sprintf("%08x", crc32.Checksum(body, crcTable)) }

type streamMeta struct {
	Config  Config    `json:"config"`
	Created time.Time `json:"created"`
}

// writeMeta stores cfg and created in dir, creating dir when needed.
func writeMeta(dir string, cfg Config, created time.Time) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return writeChecked(dir, metaFile, streamMeta{Config: cfg, Created: created}, true)
}

// readMeta reads and checks what writeMeta stored in dir.
func readMeta(dir string) (Config, time.Time, error) {
	var meta streamMeta
	if err := readChecked(dir, metaFile, &meta); err != nil {
		return Config{}, time.Time{}, err
	}
	return meta.Config, meta.Created, nil
}

// writeChecked replaces dir/file whole with v as one line of JSON and a line of its CRC-32C: written to
// file.tmp, renamed over file. With synced, the file and the directory are synced too, so even an OS
// crash leaves the old or the new content; without, a process crash (kill -9) still does, since the
// OS has both.
func writeChecked(dir, file string, v any, synced bool) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	content := append(append(body, '\n'), metaSum(body)+"\n"...)
	tmp := filepath.Join(dir, file+".tmp")
	if synced {
		err = writeSynced(tmp, content)
	} else {
		err = os.WriteFile(tmp, content, 0o640)
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, file)); err != nil {
		return err
	}
	if !synced {
		return nil
	}
	return store.SyncDir(dir)
}

// readChecked reads what writeChecked stored in dir/file into v, refusing content that fails its checksum.
func readChecked(dir, file string, v any) error {
	content, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return err
	}
	body, sum, ok := bytes.Cut(bytes.TrimSuffix(content, []byte("\n")), []byte("\n"))
	if !ok {
		return errors.New(file + ": no checksum line")
	}
	if want := metaSum(body); string(sum) != want {
		return fmt.Errorf("%s: checksum %q, content sums to %s", file, sum, want)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

func writeSynced(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
