package conns

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
)

// skmem counts only buffer memory, which is close to nothing on an idle socket; the kernel objects behind
// every connection (tcp_sock, the socket inode, the file, the epoll item, ...) live in slab caches and
// never show in ss. The system-wide slab total before and after the connections, divided over both ends of
// every connection, estimates them. It is an estimate: anything else the kernel allocates meanwhile lands
// in it too, and /proc/slabinfo is readable only by root, so the figure may be missing.

// slabBytes is the memory of all active objects in all slab caches, from /proc/slabinfo.
func slabBytes() (int64, error) {
	f, err := os.Open("/proc/slabinfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var total int64
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "slabinfo") || strings.HasPrefix(line, "#") {
			continue
		}
		// name <active_objs> <num_objs> <objsize> ...
		fields := strings.Fields(line)
		if len(fields) < 4 {
			continue
		}
		active, err1 := strconv.ParseInt(fields[1], 10, 64)
		size, err2 := strconv.ParseInt(fields[3], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return 0, err
		}
		total += active * size
	}
	return total, scanner.Err()
}
