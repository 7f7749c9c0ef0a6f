# altegraph — see README.md. Two commands matter on a fresh machine:
#   make run    start the gateway on the embedded demo upstream
#   make test   run every test
GO ?= go
BIN := bin/altegraph

.PHONY: all build run test bench generate assets fmt-check clean

all: build

# The playground's JavaScript and CSS come from the npm registry at build
# time and are embedded in the binary; nothing is fetched at run time.
assets:
	bash playground/build.sh

build: assets
	$(GO) build -trimpath -o $(BIN) .

run: build
	./$(BIN)

# Every test, with the race detector. `assets` first, so the embedded
# playground is tested with the real bundles.
test: assets fmt-check
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

generate:
	$(GO) run github.com/99designs/gqlgen generate

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './playground/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin playground/node_modules
