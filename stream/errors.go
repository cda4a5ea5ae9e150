package stream

import "strconv"

// The catalogue of API errors: nats-server's status code, err_code and description (its errors.json),
// held to the reference binary by the API tests. Errors whose description carries a detail ({err},
// {seq}…) are templates: with() or the constructor below fills the detail in a copy.
var (
	ErrNotEnabledForAccount = &APIError{Code: 503, ErrCode: 10039, Description: "JetStream not enabled for account"}
	ErrNotEnabled           = &APIError{Code: 503, ErrCode: 10076, Description: "JetStream not enabled"}
	ErrBadRequest           = &APIError{Code: 400, ErrCode: 10003, Description: "bad request"}
	ErrNotEmptyRequest      = &APIError{Code: 400, ErrCode: 10038, Description: "expected an empty request payload"}
	ErrInvalidJSON          = &APIError{Code: 400, ErrCode: 10025, Description: "invalid JSON"}

	ErrStreamNotFound       = &APIError{Code: 404, ErrCode: 10059, Description: "stream not found"}
	ErrStreamNameExist      = &APIError{Code: 400, ErrCode: 10058, Description: "stream name already in use with a different configuration"}
	ErrStreamMismatch       = &APIError{Code: 400, ErrCode: 10056, Description: "stream name in subject does not match request"}
	ErrStreamSubjectOverlap = &APIError{Code: 400, ErrCode: 10065, Description: "subjects overlap with an existing stream"}
	ErrStreamInvalidConfig  = &APIError{Code: 500, ErrCode: 10052, Description: "invalid stream configuration"}
	ErrStreamNamePath       = &APIError{Code: 400, ErrCode: 10128, Description: "Stream name can not contain path separators"}
	ErrReplicasNotSupported = &APIError{Code: 500, ErrCode: 10074, Description: "replicas > 1 not supported in non-clustered mode"}
	ErrReplicasNegative     = &APIError{Code: 400, ErrCode: 10133, Description: "replicas count cannot be negative"}
	ErrReplicasNotUpdatable = &APIError{Code: 400, ErrCode: 10061, Description: "Replicas configuration can not be updated"}
	ErrStreamUpdate         = &APIError{Code: 500, ErrCode: 10069, Description: "stream update failed"}
	ErrStreamCreate         = &APIError{Code: 500, ErrCode: 10049, Description: "stream create failed"}
	ErrStreamDelete         = &APIError{Code: 500, ErrCode: 10050, Description: "stream delete failed"}
	ErrStreamGeneral        = &APIError{Code: 500, ErrCode: 10051, Description: "stream error"}
	ErrStreamLimits         = &APIError{Code: 500, ErrCode: 10053, Description: "stream limits"}
	ErrStreamSealed         = &APIError{Code: 400, ErrCode: 10109, Description: "invalid operation on sealed stream"}
	ErrStreamPurgeFailed    = &APIError{Code: 500, ErrCode: 10110, Description: "purge failed"}
	ErrStreamMsgDeleteFail  = &APIError{Code: 500, ErrCode: 10057, Description: "message delete failed"}
	ErrStreamMaxBytesReq    = &APIError{Code: 400, ErrCode: 10113, Description: "account requires a stream config to have max bytes set"}
	ErrStreamMaxBytesExceed = &APIError{Code: 400, ErrCode: 10122, Description: "stream max bytes exceeds account limit max stream bytes"}
	ErrStreamInfoMaxSubject = &APIError{Code: 500, ErrCode: 10117, Description: "subject details would exceed maximum allowed"}
	ErrMaximumStreams       = &APIError{Code: 400, ErrCode: 10027, Description: "maximum number of streams reached"}
	ErrMemoryExceeded       = &APIError{Code: 500, ErrCode: 10028, Description: "insufficient memory resources available"}
	ErrStorageExceeded      = &APIError{Code: 500, ErrCode: 10047, Description: "insufficient storage resources available"}
	ErrAccountResources     = &APIError{Code: 400, ErrCode: 10002, Description: "resource limits exceeded for account"}
	ErrInsufficientResource = &APIError{Code: 503, ErrCode: 10023, Description: "insufficient resources"}
	ErrNoMessageFound       = &APIError{Code: 404, ErrCode: 10037, Description: "no message found"}
	ErrSequenceNotFound     = &APIError{Code: 400, ErrCode: 10043, Description: "sequence not found"}
	ErrStreamStoreFailed    = &APIError{Code: 503, ErrCode: 10077, Description: "store failed"}
	ErrRequiredAPILevel     = &APIError{Code: 412, ErrCode: 10185, Description: "JetStream minimum api level required"}
	ErrPedantic             = &APIError{Code: 400, ErrCode: 10157, Description: "pedantic mode"}

	// Publish errors (the pub-ack's "error").
	ErrMessageExceedsMax    = &APIError{Code: 400, ErrCode: 10054, Description: "message size exceeds maximum allowed"}
	ErrHeaderExceedsMax     = &APIError{Code: 400, ErrCode: 10097, Description: "header size exceeds maximum allowed of 64k"}
	ErrStreamNotMatch       = &APIError{Code: 400, ErrCode: 10060, Description: "expected stream does not match"}
	ErrWrongLastSequence    = &APIError{Code: 400, ErrCode: 10071, Description: "wrong last sequence"}
	ErrWrongLastSeqConstant = &APIError{Code: 400, ErrCode: 10164, Description: "wrong last sequence"}
	ErrWrongLastMsgID       = &APIError{Code: 400, ErrCode: 10070, Description: "wrong last msg ID"}
	ErrStreamRollupFailed   = &APIError{Code: 500, ErrCode: 10111, Description: "rollup failed"}
	ErrDuplicateInProcess   = &APIError{Code: 409, ErrCode: 10158, Description: "duplicate message id is in process"}
	ErrLastSeqPerSubjInval  = &APIError{Code: 400, ErrCode: 10193, Description: "missing sequence for expected last sequence per subject"}
	ErrMessageTTLInvalid    = &APIError{Code: 400, ErrCode: 10165, Description: "invalid per-message TTL"}
	ErrMessageTTLDisabled   = &APIError{Code: 400, ErrCode: 10166, Description: "per-message TTL is disabled"}
	ErrMessageIncrDisabled  = &APIError{Code: 400, ErrCode: 10168, Description: "message counters is disabled"}
	ErrAtomicPubDisabled    = &APIError{Code: 400, ErrCode: 10174, Description: "atomic publish is disabled"}
	ErrBatchPubDisabled     = &APIError{Code: 400, ErrCode: 10205, Description: "batch publish is disabled"}
	ErrSchedulesDisabled    = &APIError{Code: 400, ErrCode: 10188, Description: "message schedules is disabled"}
)

// with returns a copy of e whose description is desc: nats-server's errors with a {err} detail.
func (e *APIError) with(desc string) *APIError {
	c := *e
	c.Description = desc
	return &c
}

// invalidConfig is 10052 with nats-server's words for what is wrong.
func invalidConfig(desc string) *APIError { return ErrStreamInvalidConfig.with(desc) }

// invalidJSON is 10025 "invalid JSON: <what the decoder said>".
func invalidJSON(detail string) *APIError {
	return ErrInvalidJSON.with(ErrInvalidJSON.Description + ": " + detail)
}

// sequenceNotFound is 10043 "sequence <seq> not found".
func sequenceNotFound(seq uint64) *APIError {
	return ErrSequenceNotFound.with("sequence " + strconv.FormatUint(seq, 10) + " not found")
}

// WrongLastSequence is the pub-ack error 10071 "wrong last sequence: <seq>".
func WrongLastSequence(seq uint64) *APIError {
	return ErrWrongLastSequence.with("wrong last sequence: " + strconv.FormatUint(seq, 10))
}

// WrongLastMsgID is the pub-ack error 10070 "wrong last msg ID: <id>".
func WrongLastMsgID(id string) *APIError { return ErrWrongLastMsgID.with("wrong last msg ID: " + id) }
