package config

import "fmt"

// Pos is where a token starts: File as given to Parse or as resolved for an
// include, Line and Col 1-based, Col counted in runes.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is every syntax or resolution error config reports. Its text is
// "file:line:col: msg" so editors and terminals can jump to it.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

func errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
