package stream

// APIError is the error object of every JetStream API response and failed pub-ack:
// {"code":…,"err_code":…,"description":…}. Code is the HTTP-like status, ErrCode nats-server's number for
// the error (clients branch on it), Description its exact text. The catalogue is in errors.go.
type APIError struct {
	Code        int    `json:"code"`
	ErrCode     uint16 `json:"err_code,omitempty"`
	Description string `json:"description,omitempty"`
}

func (e *APIError) Error() string { return e.Description }
