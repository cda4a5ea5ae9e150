package bench

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RepoRoot is the directory holding go.mod at or above dir: results and binaries are named relative to
// it, so the driver works from any working directory inside the repository.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// Commit names the code measured: the short hash of HEAD, marked when the server's sources (Go files and
// module files outside bench/) differ from it, since the results then describe code no commit holds; or
// "unknown" outside git. Changes to the harness itself do not mark it.
func Commit(root string) string {
	git := func(args ...string) (string, error) {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).Output()
		return strings.TrimSpace(string(out)), err
	}
	head, err := git("rev-parse", "--short", "HEAD")
	if err != nil || head == "" {
		return "unknown"
	}
	status, err := git("status", "--porcelain", "--", "*.go", "go.mod", "go.sum", ":(exclude)bench")
	if err == nil && status != "" {
		return head + " (with uncommitted changes to the server)"
	}
	return head
}

// Version is what the binary at bin says it is (its -v output, "nats-server: v2.15.2"), for the report.
func Version(bin string) string {
	out, err := exec.Command(bin, "-v").Output()
	if err != nil {
		return filepath.Base(bin) + ": unknown version"
	}
	return strings.TrimSpace(string(out))
}
