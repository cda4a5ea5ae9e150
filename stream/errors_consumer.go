package stream

// Consumer API errors (nats-server's errors.json), held to the reference by the consumer tests.
var (
	ErrConsumerNotFound             = &APIError{Code: 404, ErrCode: 10014, Description: "consumer not found"}
	ErrConsumerCreate               = &APIError{Code: 500, ErrCode: 10012, Description: "consumer create failed"} // a template: with() gives the detail
	ErrConsumerNameExist            = &APIError{Code: 400, ErrCode: 10013, Description: "consumer name already in use"}
	ErrConsumerAlreadyExists        = &APIError{Code: 400, ErrCode: 10148, Description: "consumer already exists"}
	ErrConsumerDoesNotExist         = &APIError{Code: 400, ErrCode: 10149, Description: "consumer does not exist"}
	ErrConsumerDurableMismatch      = &APIError{Code: 400, ErrCode: 10017, Description: "consumer name in subject does not match durable name in request"}
	ErrConsumerDurableNotSet        = &APIError{Code: 400, ErrCode: 10018, Description: "consumer expected to be durable but a durable name was not set"}
	ErrConsumerEphemeralNamed       = &APIError{Code: 400, ErrCode: 10020, Description: "consumer expected to be ephemeral but a durable name was set in request"}
	ErrConsumerFilterMismatch       = &APIError{Code: 400, ErrCode: 10131, Description: "Consumer create request did not match filtered subject from create subject"}
	ErrConsumerDurableAndName       = &APIError{Code: 400, ErrCode: 10132, Description: "Consumer Durable and Name have to be equal if both are provided"}
	ErrConsumerBadDurableName       = &APIError{Code: 400, ErrCode: 10103, Description: "durable name can not contain '.', '*', '>'"}
	ErrConsumerNamePath             = &APIError{Code: 400, ErrCode: 10127, Description: "Consumer name can not contain path separators"}
	ErrConsumerMaxPendingAck        = &APIError{Code: 400, ErrCode: 10082, Description: "consumer requires ack policy for max ack pending"}
	ErrConsumerMaxWaitingNeg        = &APIError{Code: 400, ErrCode: 10087, Description: "consumer max waiting needs to be positive"}
	ErrConsumerHBRequiresPush       = &APIError{Code: 400, ErrCode: 10088, Description: "consumer idle heartbeat requires a push based consumer"}
	ErrConsumerFCRequiresPush       = &APIError{Code: 400, ErrCode: 10089, Description: "consumer flow control requires a push based consumer"}
	ErrConsumerWQNotDeliverAll      = &APIError{Code: 400, ErrCode: 10101, Description: "consumer must be deliver all on workqueue stream"}
	ErrConsumerMaxBatchNeg          = &APIError{Code: 400, ErrCode: 10114, Description: "consumer max request batch needs to be > 0"}
	ErrConsumerMaxExpiresSmall      = &APIError{Code: 400, ErrCode: 10115, Description: "consumer max request expires needs to be >= 1ms"}
	ErrConsumerAckPolicy            = &APIError{Code: 400, ErrCode: 10181, Description: "consumer ack policy invalid"}
	ErrConsumerPushMaxWaiting       = &APIError{Code: 400, ErrCode: 10080, Description: "consumer in push mode can not set max waiting"}
	ErrConsumerSmallHeartbeat       = &APIError{Code: 400, ErrCode: 10083, Description: "consumer idle heartbeat needs to be >= 100ms"}
	ErrConsumerFCNeedsHeartbeat     = &APIError{Code: 400, ErrCode: 10108, Description: "consumer with flow control also needs heartbeats"}
	ErrConsumerDeliverWildcards     = &APIError{Code: 400, ErrCode: 10079, Description: "consumer deliver subject has wildcards"}
	ErrConsumerDeliverCycle         = &APIError{Code: 400, ErrCode: 10081, Description: "consumer deliver subject forms a cycle"}
	ErrConsumerLastPerSubjectFilter = &APIError{Code: 400, ErrCode: 10094, Description: "consumer delivery policy is deliver last per subject, but optional filter subject is not set"}
	ErrConsumerMaxReached           = &APIError{Code: 400, ErrCode: 10026, Description: "maximum consumers limit reached"}
)
