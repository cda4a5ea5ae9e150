package stream

import (
	"strconv"
	"unicode/utf8"
)

// pubResult is what became of one publish: stored at seq, a duplicate of seq, or refused with err.
type pubResult struct {
	seq       uint64
	dup       bool
	err       *APIError
	takenBack bool // the store dropped what it had appended since its last Flush (a full disk)
}

// ackFrame renders the parts of a pub-ack that depend only on the stream: the opening of a successful
// one and the close of a failed one, byte for byte as nats-server 2.15 writes them:
//
//	{"stream":"S","domain":"D","seq":5}                   ("domain" only when JetStream has one)
//	{"stream":"S","seq":5,"duplicate": true}              (sic, the space is nats-server's)
//	{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 4"},"stream":"S","seq":0}
func ackFrame(stream, domain string) (okPrefix, errSuffix []byte) {
	okPrefix = append(okPrefix, `{"stream":`...)
	okPrefix = appendJSONString(okPrefix, stream)
	if domain != "" {
		okPrefix = append(okPrefix, `,"domain":`...)
		okPrefix = appendJSONString(okPrefix, domain)
	}
	errSuffix = append(errSuffix, `,"stream":`...)
	errSuffix = appendJSONString(errSuffix, stream)
	errSuffix = append(errSuffix, `,"seq":0}`...)
	return okPrefix, errSuffix
}

// appendAck appends the pub-ack for r.
func (s *Stream) appendAck(buf []byte, r pubResult) []byte {
	if r.err != nil {
		buf = appendAPIError(append(buf, `{"error":`...), r.err)
		return append(buf, s.errSuffix...)
	}
	buf = append(buf, s.ackPrefix...)
	buf = append(buf, `,"seq":`...)
	buf = strconv.AppendUint(buf, r.seq, 10)
	if r.dup {
		buf = append(buf, `,"duplicate": true`...)
	}
	return append(buf, '}')
}

// appendAPIError appends e as encoding/json would marshal it.
func appendAPIError(buf []byte, e *APIError) []byte {
	buf = append(buf, `{"code":`...)
	buf = strconv.AppendInt(buf, int64(e.Code), 10)
	if e.ErrCode != 0 {
		buf = append(buf, `,"err_code":`...)
		buf = strconv.AppendUint(buf, uint64(e.ErrCode), 10)
	}
	if e.Description != "" {
		buf = append(buf, `,"description":`...)
		buf = appendJSONString(buf, e.Description)
	}
	return append(buf, '}')
}

// appendJSONString appends s quoted as encoding/json quotes strings: HTML characters and U+2028/9
// escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c == '\b':
				buf = append(buf, '\\', 'b')
			case c == '\f':
				buf = append(buf, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
