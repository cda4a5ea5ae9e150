package bench

import (
	"strings"
	"testing"
)

func TestDeliveryCheckJudgesExactlyOnce(t *testing.T) {
	msg := func(seq int) []byte {
		payload := make([]byte, 16)
		stampSeq(payload, seq)
		return payload
	}
	cases := []struct {
		name    string
		deliver []int // sequence numbers received; -1 is a message too short to carry one
		want    string
	}{
		{"each once, out of order", []int{3, 0, 2, 1}, ""},
		{"one lost", []int{0, 1, 2}, "4 published, 3 received, 0 duplicates, 1 missing, 0 unnumbered"},
		{"a duplicate hides a loss", []int{0, 1, 1, 3}, "4 published, 4 received, 1 duplicates, 1 missing, 0 unnumbered"},
		{"one never published", []int{0, 1, 2, 3, 9}, "4 published, 5 received, 0 duplicates, 0 missing, 1 unnumbered"},
		{"one unnumbered", []int{0, 1, 2, -1}, "4 published, 4 received, 0 duplicates, 1 missing, 1 unnumbered"},
	}
	for _, tc := range cases {
		d := newDeliveryCheck(4)
		for _, seq := range tc.deliver {
			if seq < 0 {
				d.record([]byte("short"))
			} else {
				d.record(msg(seq))
			}
		}
		err := d.judge(int64(len(tc.deliver)))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
