# reactor: a NATS-compatible server on gnet event loops.
# Quick start: `make run` (daemon on 127.0.0.1:4222), `make test` (the whole suite).

GO        ?= go
BIN       := $(CURDIR)/bin
NATS_CLI_VERSION    := v0.5.0
NATS_SERVER_VERSION := v2.15.2
# Packages where concurrency lives run under the race detector.
RACE_PKGS := ./reactor/... ./subtrie/...
FUZZTIME  ?= 60s

.PHONY: all build run test test-race test-short tools bench fuzz lint clean

all: build

build:
	$(GO) build -o $(BIN)/reactor ./cmd/reactor

run: build
	$(BIN)/reactor -a 127.0.0.1 -p 4222

# The tools tests drive: the nats CLI (integration tests) and the reference nats-server (comparison tests).
tools: $(BIN)/nats $(BIN)/nats-server

$(BIN)/nats:
	GOBIN=$(BIN) $(GO) install github.com/nats-io/natscli/nats@$(NATS_CLI_VERSION)

$(BIN)/nats-server:
	GOBIN=$(BIN) $(GO) install github.com/nats-io/nats-server/v2@$(NATS_SERVER_VERSION)

test: lint tools build
	REACTOR_BIN=$(BIN)/reactor NATS_CLI=$(BIN)/nats NATS_SERVER_BIN=$(BIN)/nats-server \
		$(GO) test -count=1 -timeout 8m ./...
	REACTOR_BIN=$(BIN)/reactor NATS_CLI=$(BIN)/nats NATS_SERVER_BIN=$(BIN)/nats-server \
		$(GO) test -count=1 -race -timeout 8m $(RACE_PKGS)

bench: build
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1s ./codec/ ./subtrie/

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./codec/

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go') $$(git ls-files --others --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf $(BIN)
