# reactor: a NATS-compatible server on gnet event loops.
# Quick start: `make run` (daemon on 127.0.0.1:4222), `make test` (the whole suite).

GO        ?= go
BIN       := $(CURDIR)/bin
NATS_CLI_VERSION    := v0.5.0
NATS_SERVER_VERSION := v2.15.2
# Packages where concurrency lives run under the race detector.
RACE_PKGS := ./reactor/... ./stream/... ./subtrie/... ./auth/... ./monitor/... ./tlsconn/... ./ws/... ./cluster/...
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

# The WebSocket clients of cmd/reactor/websocket_clients_test.go: the npm packages pinned in
# $(WSCLIENT)/package-lock.json (nats.ws, ws; about 1s), and Debian's chromium when missing
# (install-chromium.sh: apt-get, 19 packages, 117 MB, about 12s here). Nothing to do once installed; where
# they cannot be installed those tests skip, saying why.
WSCLIENT := cmd/reactor/testdata/wsclient

.PHONY: browser-tools
browser-tools: $(WSCLIENT)/node_modules/.package-lock.json
	@sh $(WSCLIENT)/install-chromium.sh

$(WSCLIENT)/node_modules/.package-lock.json: $(WSCLIENT)/package.json $(WSCLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd $(WSCLIENT) && npm ci --no-audit --no-fund; \
	else echo "browser-tools: no npm: the Node and Chromium tests will skip" >&2; fi

test: lint tools build browser-tools
	REACTOR_BIN=$(BIN)/reactor NATS_CLI=$(BIN)/nats NATS_SERVER_BIN=$(BIN)/nats-server \
		$(GO) test -count=1 -timeout 8m ./...
	REACTOR_BIN=$(BIN)/reactor NATS_CLI=$(BIN)/nats NATS_SERVER_BIN=$(BIN)/nats-server \
		$(GO) test -count=1 -race -timeout 8m $(RACE_PKGS)

# reactor against the reference nats-server, same workloads, medians of 5 alternating runs (about 8 minutes);
# writes bench/RESULTS.md. See bench/doc.go.
bench: build tools
	$(GO) run ./bench/cmd/matrix -reactor $(BIN)/reactor -nats-server $(BIN)/nats-server \
		-reps 5 -timeout 60s -out bench/RESULTS.md

# The Go micro-benchmarks of the hot path (allocations per op): codec, subject index, in-process server.
.PHONY: bench-micro
bench-micro:
	$(GO) test -run='^$$' -bench=. -benchmem ./codec/ ./subtrie/ ./reactor/ ./tlsconn/ ./ws/

# Each fuzz target for FUZZTIME: the protocol codec, the config parser, the subject index, permissions.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./codec/
	$(GO) test -run='^$$' -fuzz=FuzzRouteParse -fuzztime=$(FUZZTIME) ./codec/
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./config/
	$(GO) test -run='^$$' -fuzz=FuzzMatch -fuzztime=$(FUZZTIME) ./subtrie/
	$(GO) test -run='^$$' -fuzz=FuzzPatternMatches -fuzztime=$(FUZZTIME) ./auth/
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./ws/
	$(GO) test -run='^$$' -fuzz=FuzzUpgrade -fuzztime=$(FUZZTIME) ./ws/
	$(GO) test -run='^$$' -fuzz=FuzzFromConfig -fuzztime=$(FUZZTIME) ./cluster/
	$(GO) test -run='^$$' -fuzz=FuzzDecodeRecord -fuzztime=$(FUZZTIME) ./stream/store/
	$(GO) test -run='^$$' -fuzz=FuzzAPIRequest -fuzztime=$(FUZZTIME) ./stream/

# Idle-connection cost, reactor vs nats-server: N idle subscribers each (default 10000 and 19000; one
# count with `make bench-conns N=19000`), results in bench/CONNS.md. Bounded by a 10-minute timeout.
.PHONY: bench-conns
bench-conns: build tools
	$(GO) run ./bench/cmd/conns -n '$(or $(N),10000 19000)' -reactor $(BIN)/reactor \
		-nats-server $(BIN)/nats-server -out bench/CONNS.md

# What an idle durable consumer costs, reactor vs nats-server: N consumers (10000 by default, `make
# bench-consumers N=20000`) on one file stream and one memory stream; RSS, Go heap and goroutines per
# consumer in bench/CONSUMERS.md. Bounded by a 10-minute timeout.
.PHONY: bench-consumers
bench-consumers: build tools
	$(GO) run ./bench/cmd/consumers -n '$(or $(N),10000)' -reactor $(BIN)/reactor \
		-nats-server $(BIN)/nats-server -out bench/CONSUMERS.md

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go') $$(git ls-files --others --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf $(BIN)
