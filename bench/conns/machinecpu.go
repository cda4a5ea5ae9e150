package conns

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
)

// Idle CPU, connect time and fan-out time are only as good as the machine was quiet. The share of all
// cores busy during the idle window, read from /proc/stat, is reported beside them, so a run disturbed by
// something else on the machine shows it: on a quiet machine it is about the server's own idle CPU.

// cpuTicks is the aggregate "cpu" line of /proc/stat: all ticks, and ticks spent idle or waiting for I/O.
type cpuTicks struct{ total, idle int64 }

func readCPUTicks() (cpuTicks, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return cpuTicks{}, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 6 || fields[0] != "cpu" {
			continue
		}
		var t cpuTicks
		for i, field := range fields[1:] {
			n, err := strconv.ParseInt(field, 10, 64)
			if err != nil {
				return cpuTicks{}, err
			}
			if i == 8 || i == 9 { // guest and guest_nice are already counted in user and nice
				continue
			}
			t.total += n
			if i == 3 || i == 4 { // idle, iowait
				t.idle += n
			}
		}
		return t, nil
	}
	return cpuTicks{}, errors.New("/proc/stat: no cpu line")
}

// busyPercent is the share of all cores busy between two readings; negative when unknown.
func busyPercent(before, after cpuTicks) float64 {
	total := after.total - before.total
	if total <= 0 {
		return -1
	}
	return 100 * float64(total-(after.idle-before.idle)) / float64(total)
}
