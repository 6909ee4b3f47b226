# The quick start: `make demo` and `make check`.  CMake does the building;
# this file only names the everyday tasks.
BUILD       ?= build
CHECK_BUILD ?= build-check
BENCH_N     ?= 100000
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
# How long `make check` runs each fuzz harness (with a fixed seed, so that
# check is repeatable; `make fuzz` explores afresh each time).
CHECK_FUZZ_SECONDS ?= 5
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX      ?= /usr/local

.PHONY: all deps build check check-postgres fuzz demo serve bench bench-api \
	install install-built clean mutate

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Every test, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (the PostgreSQL store's own scenarios, tests/cli/postgres*.bats, each on
# a throwaway cluster), then the whole CLI suite a second time on the
# PostgreSQL store with the same build (tests/pg/run-suite: one throwaway
# cluster for the pass; skipped, saying so, when no PostgreSQL server is
# installed), and the fuzz harnesses (docs/testing.md).  The sanitizer
# build is optimised a little (-O1, as AddressSanitizer's authors advise;
# assertions stay on).  The second pass checks memory errors and undefined
# behaviour but not leaks (ASAN_OPTIONS set for cli-pg/* in
# tests/CMakeLists.txt): the leak check costs each of its ~15,000 runs of
# ferry about 40 ms, and the first pass runs the PostgreSQL store's own
# scenarios with it (docs/testing.md, "The PostgreSQL pass").
# Both passes share one CTest queue (a job more than the CPUs gained
# nothing measurable: 2234 s against 2264 s on 2 CPUs).
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CHECK_JOBS  ?= $(JOBS)

check: deps
	@cmake -S . -B $(CHECK_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_C_FLAGS_DEBUG="-g -O1" \
		-DFERRY_SANITIZE=ON -DFERRY_WERROR=ON >/dev/null
	@cmake --build $(CHECK_BUILD) -j $(JOBS)
	@$(SANITIZER_ENV) tests/pg/run-suite $(CHECK_BUILD) --all \
		--output-on-failure -j $(CHECK_JOBS)
	@FUZZ_SEED=1 $(MAKE) --no-print-directory fuzz \
		FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

# Only the CLI scenarios on PostgreSQL, with the optimised build (make
# check runs them with the sanitizer build).
check-postgres: build
	@tests/pg/run-suite $(BUILD) --output-on-failure -j $(JOBS)

# The libFuzzer harnesses (tests/fuzz), built with clang, each run for
# FUZZ_SECONDS seconds.
fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DFERRY_FUZZ=ON -DFERRY_WERROR=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: build
	@scripts/demo $(BUILD)/ferry

# The demo's prod instance behind ferry serve (the web page and the API on
# http://127.0.0.1:8080/; the demo prints the login).  SERVE_ARGS adds
# options, e.g. SERVE_ARGS="--listen 0.0.0.0:8080".
serve: build
	@test -f demo-out/prod.db || scripts/demo $(BUILD)/ferry
	@$(BUILD)/ferry --db demo-out/prod.db serve $(SERVE_ARGS)

bench: build
	@bench/run $(BUILD) $(BENCH_N)

# The HTTP load test of ferry serve (docs/performance.md).
bench-api: build
	@bench/api-load $(BUILD)

# Plant each one-line bug of tests/mutate/mutations.txt in a scratch copy
# and check that its tests catch it (not part of check; docs/testing.md).
mutate: deps
	@scripts/mutate --jobs $(JOBS) $(MUTATE_ARGS)

# make install [PREFIX=/usr/local] [DESTDIR=/stage]: the command, the
# library and headers, ferry.pc, the man pages and the completion.
install: build
	@$(MAKE) --no-print-directory install-built

# Install what $(BUILD) holds, without building it again.
install-built:
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	@rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD) demo-out bench-out
