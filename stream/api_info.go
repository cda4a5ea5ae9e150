package stream

// accountInfoResponse answers $JS.API.INFO: the account's usage, limits and API counts.
type accountInfoResponse struct {
	apiResponse
	Memory          uint64        `json:"memory"`
	Storage         uint64        `json:"storage"`
	ReservedMemory  uint64        `json:"reserved_memory"`
	ReservedStorage uint64        `json:"reserved_storage"`
	Streams         int           `json:"streams"`
	Consumers       int           `json:"consumers"`
	Limits          AccountLimits `json:"limits"`
	API             APIStats      `json:"api"`
}

func (a *Account) apiAccountInfo(_ Request, _ string, r apiResponse) response {
	a.mu.RLock()
	streams, reservedMem, reservedStore := len(a.streams), a.reserved(MemoryStorage), a.reserved(FileStorage)
	a.mu.RUnlock()
	return &accountInfoResponse{
		apiResponse:     r,
		Memory:          uint64(max(a.usage.memory.Load(), 0)),
		Storage:         uint64(max(a.usage.storage.Load(), 0)),
		ReservedMemory:  reservedMem,
		ReservedStorage: reservedStore,
		Streams:         streams,
		Consumers:       a.consumerCount(),
		Limits:          a.Limits(),
		API:             APIStats{Level: APILevel, Total: a.usage.apiTotal.Load(), Errors: a.usage.apiErrors.Load()},
	}
}
