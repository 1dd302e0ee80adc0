# stela — make targets. `make` alone lists them.

GO        ?= go
BIN       ?= bin
PKG       ?= ./...
TESTS     ?= .
TAGS      ?=
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
COUNT     ?= 1
CRASH_ROUNDS ?= 200
DATA      ?= ./data

VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X github.com/stela-db/stela/internal/buildinfo.Version=$(VERSION) \
             -X github.com/stela-db/stela/internal/buildinfo.Commit=$(COMMIT)

# pg_query_go (the SQL parser) is cgo: it needs a C compiler.
export CGO_ENABLED = 1

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build bin/stela
	$(GO) build -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/stela ./cmd/stela

.PHONY: run
run: build ## Start the server on ./data (127.0.0.1:5432)
	$(BIN)/stela start --data $(DATA)

.PHONY: test
test: compat-deps-ci catalog-check ## Run the test suite (what CI runs)
	STELA_COMPAT_REQUIRE=jdbc,psycopg2 $(GO) test -tags '$(TAGS)' -count=$(COUNT) -timeout 20m -run '$(TESTS)' $(PKG)

.PHONY: catalog-check
catalog-check: ## Regenerate the catalog files taken from PostgreSQL 15 (installed from Debian, run throwaway) and diff them
	scripts/catalog-check.sh

.PHONY: compat-deps-ci
compat-deps-ci: ## Install psql, the JDBC driver and psycopg2 if missing (make test drives them)
	compat/deps.sh ci

.PHONY: compat-deps
compat-deps: ## Install every client compat/ drives (Debian packages, npm's pg)
	compat/deps.sh all

.PHONY: compat
compat: compat-deps ## Run every client against stela: psql, pgx, JDBC, psycopg2/3, SQLAlchemy, Django, node-postgres
	STELA_COMPAT_REQUIRE=all $(GO) test -tags '$(TAGS)' -count=1 -v -run 'Test(JDBC|Psycopg2|Psycopg3|SQLAlchemy|Django|NodePG)$$' ./compat/
	$(GO) test -tags '$(TAGS)' -count=1 -run 'Psql|PGX|Pgx' ./pgwire/

.PHONY: test-race
test-race: ## Run the test suite with the race detector
	$(GO) test -race -tags '$(TAGS)' -count=$(COUNT) -timeout 40m -run '$(TESTS)' $(PKG)

.PHONY: slt
slt: ## Run the whole sqllogictest corpus against stela; writes docs/SLT.md (SLT_FLAGS)
	STELA_SLT=full $(GO) test -tags '$(TAGS)' -count=1 -timeout 0 -run '^TestSLTFull$$' ./server/ $(SLT_FLAGS)

.PHONY: slt-slice
slt-slice: ## Run the sqllogictest slice go test runs, per-file counts against testdata/slt/baseline.txt
	$(GO) test -tags '$(TAGS)' -count=1 -v -run '^TestSLT$$' ./server/ $(SLT_FLAGS)

.PHONY: slt-baseline
slt-baseline: ## Raise testdata/slt/baseline.txt to what the slice passes today
	$(GO) test -tags '$(TAGS)' -count=1 -run '^TestSLT$$' ./server/ -update-slt $(SLT_FLAGS)

SLT_PG ?= postgres://postgres@127.0.0.1:54315/postgres

.PHONY: slt-pg
slt-pg: ## Run the whole corpus against PostgreSQL at SLT_PG and check the README's numbers
	STELA_SLT=full STELA_SLT_PG='$(SLT_PG)' $(GO) test -tags '$(TAGS)' -count=1 -timeout 0 -run '^TestSLTFull$$' ./server/ $(SLT_FLAGS)

.PHONY: crash
crash: ## Long crash loop: SIGKILL a committing child CRASH_ROUNDS times
	STELA_CRASH_ROUNDS=$(CRASH_ROUNDS) $(GO) test -count=1 -timeout 90m -run 'TestCrash' ./kv/

.PHONY: bench
bench: ## Run the benchmarks (BENCH=regexp, BENCHTIME, COUNT)
	$(GO) test -run '^$$' -bench '$(or $(BENCH),.)' -benchtime $(BENCHTIME) -count $(COUNT) -benchmem -timeout 60m $(PKG)

.PHONY: bench-pg
bench-pg: build ## Compare stela with a throwaway PostgreSQL 15 by stela bench, interleaved (ROUNDS, DURATION, WARMUP, PLAN, SIMPLE=1)
	BIN='$(BIN)' ROUNDS='$(ROUNDS)' DURATION='$(DURATION)' WARMUP='$(WARMUP)' PLAN='$(PLAN)' SIMPLE='$(SIMPLE)' scripts/bench-pg.sh

FUZZ_TARGETS = \
	./kv/format:FuzzDecodeHeader ./kv/format:FuzzDecodeEntry \
	./kv:FuzzDecodeVersionRecord ./kv:FuzzDecodeEntries ./kv:FuzzDecodeVersionKey ./kv:FuzzDecodeStoreIdentity \
	./kv/merkle:FuzzDecodeProof ./kv/merkle:FuzzVerifyInclusion ./kv/merkle:FuzzVerifyConsistency ./kv/merkle:FuzzTree \
	./kv/checkpoint:FuzzParse ./kv/checkpoint:FuzzOpen \
	./kv/proof:FuzzDecodeKeyProof ./kv/proof:FuzzDecodeConsistencyProof ./pgwire:FuzzStartup ./pgwire:FuzzSession \
	./sql/types:FuzzParseText ./sql/types:FuzzDecodeBinary ./sql:FuzzCopyText ./sql:FuzzCopyBinary \
	./engine/keyenc:FuzzDecodeKey ./engine/keyenc:FuzzDecodeRow ./server:FuzzSQL

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$pkg $$name"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

.PHONY: lint
lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKG)

.PHONY: cover
cover: ## Test with coverage; writes cover.html
	$(GO) test -count=1 -timeout 30m -coverprofile=cover.out $(PKG)
	$(GO) tool cover -html=cover.out -o cover.html

.PHONY: clean
clean: ## Remove build outputs (not ./data)
	rm -rf $(BIN) cover.out cover.html
