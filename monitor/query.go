package monitor

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Query parameters are decoded as nats-server decodes them, and a bad value is refused with nats-server's
// text, which quotes Go's strconv error verbatim ("Error decoding int for 'limit': strconv.Atoi: parsing
// \"abc\": invalid syntax"). An absent or empty parameter is the zero value, never an error.

// badRequest is a refusal with the text nats-server gives; handlers answer it with 400.
type badRequest struct{ text string }

func (e *badRequest) Error() string { return e.text }

func decodeError(kind, name string, err error) error {
	return &badRequest{fmt.Sprintf("Error decoding %s for '%s': %v", kind, name, err)}
}

func queryInt(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, decodeError("int", name, err)
	}
	return n, nil
}

func queryUint64(q url.Values, name string) (uint64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, decodeError("uint64", name, err)
	}
	return n, nil
}

func queryBool(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, decodeError("boolean", name, err)
	}
	return b, nil
}

// queryBools checks every named boolean parameter, for endpoints that accept flags reactor has no use for
// (JetStream's) but must still refuse malformed ones as nats-server does.
func queryBools(q url.Values, names ...string) error {
	for _, name := range names {
		if _, err := queryBool(q, name); err != nil {
			return err
		}
	}
	return nil
}

// subsOption is the subs parameter of /connz and /routez: a boolean, or "detail" for full records.
type subsOption int

const (
	subsNone subsOption = iota
	subsList
	subsDetail
)

func querySubs(q url.Values) (subsOption, error) {
	if strings.EqualFold(q.Get("subs"), "detail") {
		return subsDetail, nil
	}
	on, err := queryBool(q, "subs")
	if on {
		return subsList, err
	}
	return subsNone, err
}

// page bounds: nats-server's default and its treatment of out-of-range values.
const defaultLimit = 1024

// queryPage decodes offset and limit; a negative offset is 0 and a limit below 1 is the default.
func queryPage(q url.Values) (offset, limit int, err error) {
	if offset, err = queryInt(q, "offset"); err != nil {
		return 0, 0, err
	}
	if limit, err = queryInt(q, "limit"); err != nil {
		return 0, 0, err
	}
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	return offset, limit, nil
}

// pageOf returns the window [offset, offset+limit) of items, empty when offset is past the end.
func pageOf[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return items[:0]
	}
	return items[offset:min(len(items), offset+limit)]
}
