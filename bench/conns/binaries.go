package conns

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// snapshotBinaries copies the server binaries into a private directory, so that every run of one make
// bench-conns measures the same builds even if bin/ is rebuilt meanwhile (make build from another
// terminal replaces bin/reactor in place). The caller removes the directory.
func snapshotBinaries(bins ...*string) (dir string, err error) {
	dir, err = os.MkdirTemp("", "bench-conns-bin-")
	if err != nil {
		return "", err
	}
	for i, bin := range bins {
		copied := filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(*bin)))
		if err := copyExecutable(*bin, copied); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		*bin = copied
	}
	return dir, nil
}

func copyExecutable(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return dst.Close()
}
