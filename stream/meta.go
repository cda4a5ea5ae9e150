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
	metaTemp = "meta.json.tmp"
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
	body, err := json.Marshal(streamMeta{Config: cfg, Created: created})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	content := append(append(body, '\n'), metaSum(body)+"\n"...)
	tmp := filepath.Join(dir, metaTemp)
	if err := writeSynced(tmp, content); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, metaFile)); err != nil {
		return err
	}
	return store.SyncDir(dir)
}

// readMeta reads and checks what writeMeta stored in dir.
func readMeta(dir string) (Config, time.Time, error) {
	content, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return Config{}, time.Time{}, err
	}
	body, sum, ok := bytes.Cut(bytes.TrimSuffix(content, []byte("\n")), []byte("\n"))
	if !ok {
		return Config{}, time.Time{}, errors.New("meta: no checksum line")
	}
	if want := metaSum(body); string(sum) != want {
		return Config{}, time.Time{}, fmt.Errorf("meta: checksum %q, content sums to %s", sum, want)
	}
	var meta streamMeta
	if err := json.Unmarshal(body, &meta); err != nil {
		return Config{}, time.Time{}, fmt.Errorf("meta: %w", err)
	}
	return meta.Config, meta.Created, nil
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
