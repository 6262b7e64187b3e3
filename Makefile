# reviewpack: build, test and install.
#   make            build ./reviewpack (installs Debian packages first if missing)
#   make demo       build and render the example pack into site/
#   make test       unit, conformance, golden and failure tests under ASan/UBSan
#   make test-tsan  the threaded stages (the pool, shared templates, the
#                   loader's read-ahead, metrics, builds on 4 threads) under
#                   ThreadSanitizer
#   make bench      time and peak memory on generated data sets
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make coverage   line and branch coverage of generator/ from make test
#   make deps       install the Debian packages the project needs

PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = cairo pangocairo glib-2.0 jansson inih libcurl libcmark-gfm
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lcsv -lm -pthread
CFLAGS  ?= -O2
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -pthread $(PKG_CFLAGS) -Igenerator
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The test builds (san, cov) compile in the file-system fault hook (fsio.h);
# the program never.
FAULTS   = -DREVIEWPACK_FAULTS

# Debian packages: the build needs DEPS_BUILD, the tests also DEPS_TEST.
DEPS_BUILD = libcsv-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libcairo2-dev \
             libjansson-dev libinih-dev libcurl4-openssl-dev libglib2.0-dev pkg-config \
             libpango1.0-dev fonts-dejavu-core fonts-droid-fallback fonts-wqy-microhei \
             tzdata
DEPS_TEST  = libcmocka-dev python3 python3-aiosmtpd chromium time poppler-utils
DEPS_FUZZ  = clang libclang-rt-14-dev
DEPS_COVERAGE = gcovr
DEPS_STAMP = build/.deps-build
TEST_STAMP = build/.deps-test
FUZZ_STAMP = build/.deps-fuzz
COVERAGE_STAMP = build/.deps-coverage

LIB_SRC  = $(filter-out generator/main.c,$(wildcard generator/*.c))
LIB_OBJ  = $(LIB_SRC:generator/%.c=build/obj/%.o)
SAN_OBJ  = $(LIB_SRC:generator/%.c=build/san/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=build/san/%)
FUZZ_TARGETS = loader template fields
REPLAY_BIN = $(FUZZ_TARGETS:%=build/san/replay_%)
HDRS     = $(wildcard generator/*.h)
EMBED    = $(sort $(wildcard templates/*) $(wildcard assets/*))

.PHONY: all deps demo test test-unit test-e2e test-fuzz-inputs test-tsan test-browser bench golden \
	fuzz coverage install clean

all: reviewpack

# --- dependencies ---------------------------------------------------------
$(DEPS_STAMP):
	@mkdir -p build
	@sh .ci/deps $(DEPS_BUILD)
	@touch $@
$(TEST_STAMP): $(DEPS_STAMP)
	@sh .ci/deps $(DEPS_TEST)
	@touch $@
$(FUZZ_STAMP): $(DEPS_STAMP)
	@sh .ci/deps $(DEPS_FUZZ)
	@touch $@
$(COVERAGE_STAMP): $(TEST_STAMP)
	@sh .ci/deps $(DEPS_COVERAGE)
	@touch $@
deps:
	@sh .ci/deps $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_FUZZ) $(DEPS_COVERAGE)

# --- the program ----------------------------------------------------------
build/obj/%.o: generator/%.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/embedded-data.c: generator/embed.sh $(EMBED)
	@mkdir -p $(@D)
	sh generator/embed.sh $(EMBED) > $@.tmp && mv $@.tmp $@
build/obj/embedded-data.o: build/embedded-data.c generator/embedded.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/san/embedded-data.o: build/embedded-data.c generator/embedded.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
reviewpack: build/obj/main.o $(LIB_OBJ) build/obj/embedded-data.o
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)
build/gen-example: examples/generate.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $< -lm

demo: reviewpack
	./reviewpack build examples/northwind -p 2026-10 -o site
	@echo "open site/index.html"

# Regenerates the committed example data (deterministic: same bytes each time).
example-data: build/gen-example
	build/gen-example --out examples/northwind
	rm -rf examples/salesforce
	build/gen-example --salesforce --out examples/salesforce

# --- tests ----------------------------------------------------------------
build/san/%.o: generator/%.c $(HDRS) | $(TEST_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 -g $(SAN) $(FAULTS) -c -o $@ $<
# cmocka's test functions take a state pointer most tests do not use.
build/san/test_%: tests/test_%.c $(wildcard tests/*.h) $(SAN_OBJ) build/san/embedded-data.o | $(TEST_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -Itests -O1 -g $(SAN) $(FAULTS) -o $@ $< $(SAN_OBJ) build/san/embedded-data.o $(PKG_LIBS) -lcmocka
build/san/reviewpack: build/san/main.o $(SAN_OBJ) build/san/embedded-data.o
	$(CC) -g $(SAN) -o $@ $^ $(PKG_LIBS)

# The official mustache specification (its JSON case files), beside the
# project. Without it the 136 spec cases are skipped (saying so), unless
# MUSTACHE_SPEC_REQUIRED=1 (CI sets it): then a missing suite fails.
MUSTACHE_SPEC_DIR ?= $(CURDIR)/../shared/conformance/mustache
MUSTACHE_SPEC_REQUIRED ?= 0
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0 \
          LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
          UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
          MUSTACHE_SPEC_DIR=$(MUSTACHE_SPEC_DIR) MUSTACHE_SPEC_REQUIRED=$(MUSTACHE_SPEC_REQUIRED) \
          REVIEWPACK_TEMPLATES=$(CURDIR)/templates REVIEWPACK_ASSETS=$(CURDIR)/assets

test: test-unit test-e2e test-fuzz-inputs
test-unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $(SAN_ENV) $$t; done
# Every input that ever crashed a fuzz target (tests/fuzz/regressions/)
# and the seed corpus, through the same entry points without libFuzzer.
test-fuzz-inputs: $(REPLAY_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(SAN_ENV) build/san/replay_$$t $$(ls -d tests/fuzz/regressions/$$t tests/fuzz/corpus/$$t 2>/dev/null); \
	done
test-e2e: build/san/reviewpack build/gen-example
	@$(SAN_ENV) sh tests/run-e2e.sh build/san/reviewpack
# --- ThreadSanitizer --------------------------------------------------------
# The code that runs on several threads, built with -fsanitize=thread into
# build/tsan/: the unit tests of the pool, of templates rendered from
# threads, of the loader (files read ahead on a second thread) and of
# metrics (the deals taken in two shares at once), then builds of the example and of a generated 2,000-partner
# program on 4 threads (tests/run-tsan.sh). A data race stops the run.
TSAN       = -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJ   = $(LIB_SRC:generator/%.c=build/tsan/%.o)
TSAN_TESTS = pool template load metrics
TSAN_ENV   = TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
             MUSTACHE_SPEC_DIR=$(MUSTACHE_SPEC_DIR)
build/tsan/%.o: generator/%.c $(HDRS) | $(TEST_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 -g $(TSAN) -c -o $@ $<
build/tsan/embedded-data.o: build/embedded-data.c generator/embedded.h | $(TEST_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/tsan/test_%: tests/test_%.c $(wildcard tests/*.h) $(TSAN_OBJ) build/tsan/embedded-data.o
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -Itests -O1 -g $(TSAN) -o $@ $< $(TSAN_OBJ) build/tsan/embedded-data.o $(PKG_LIBS) -lcmocka
build/tsan/reviewpack: build/tsan/main.o $(TSAN_OBJ) build/tsan/embedded-data.o
	$(CC) -g $(TSAN) -o $@ $^ $(PKG_LIBS)
test-tsan: build/tsan/reviewpack $(TSAN_TESTS:%=build/tsan/test_%) build/gen-example
	@set -e; for t in $(TSAN_TESTS); do echo "== build/tsan/test_$$t"; $(TSAN_ENV) build/tsan/test_$$t; done
	@$(TSAN_ENV) sh tests/run-tsan.sh build/tsan/reviewpack

test-browser: reviewpack | $(TEST_STAMP)
	@sh tests/run-browser.sh ./reviewpack

# Rewrites tests/golden/*/expected after an intended change (review the diff).
golden: reviewpack
	@sh tests/update-golden.sh ./reviewpack

build/csvtok: tests/csvtok.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $< -lcsv
bench: reviewpack build/gen-example build/csvtok
	@sh tests/bench.sh ./reviewpack build/gen-example build/csvtok

# --- fuzzing --------------------------------------------------------------
# tests/fuzz/fuzz_TARGET.c: libFuzzer targets, built with clang; `make test`
# replays their committed inputs through the same code built with replay.c.
FUZZ_SECONDS ?= 60
FUZZ_CC   = clang
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ  = $(LIB_SRC:generator/%.c=build/fuzz/obj/%.o) build/fuzz/obj/embedded-data.o
build/fuzz/obj/%.o: generator/%.c $(HDRS) | $(FUZZ_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<
build/fuzz/obj/embedded-data.o: build/embedded-data.c generator/embedded.h | $(FUZZ_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(ALL_CFLAGS) -Itests/fuzz -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)
build/san/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SAN_OBJ) build/san/embedded-data.o | $(TEST_STAMP)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -O1 -g $(SAN) -o $@ $< tests/fuzz/replay.c $(SAN_OBJ) build/san/embedded-data.o $(PKG_LIBS)
.SECONDARY: $(FUZZ_OBJ) $(COV_OBJ)
fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# --- coverage -------------------------------------------------------------
# The tests of `make test` (unit, end-to-end, fuzz inputs) built again
# with --coverage and no sanitizer into build/cov/; gcovr reports line and
# branch coverage of generator/ per file and in all.
COV_FLAGS = -O0 -g --coverage
COV_OBJ   = $(LIB_SRC:generator/%.c=build/cov/%.o)
COV_BIN   = $(TEST_SRC:tests/%.c=build/cov/%) $(FUZZ_TARGETS:%=build/cov/replay_%) build/cov/reviewpack
GCOVR     = gcovr --root $(CURDIR) --filter generator/ --object-directory build/cov
build/cov/%.o: generator/%.c $(HDRS) | $(COVERAGE_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(COV_FLAGS) $(FAULTS) -c -o $@ $<
build/cov/embedded-data.o: build/embedded-data.c generator/embedded.h | $(COVERAGE_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/cov/test_%: tests/test_%.c tests/testutil.h $(COV_OBJ) build/cov/embedded-data.o
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -Itests $(COV_FLAGS) $(FAULTS) -o $@ $< $(COV_OBJ) build/cov/embedded-data.o $(PKG_LIBS) -lcmocka
build/cov/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(COV_OBJ) build/cov/embedded-data.o
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(COV_FLAGS) -o $@ $< tests/fuzz/replay.c $(COV_OBJ) build/cov/embedded-data.o $(PKG_LIBS)
build/cov/reviewpack: build/cov/main.o $(COV_OBJ) build/cov/embedded-data.o
	$(CC) $(COV_FLAGS) -o $@ $^ $(PKG_LIBS)
coverage: $(COV_BIN) build/gen-example
	@find build/cov -name '*.gcda' -delete
	@rc=0; \
	for t in $(TEST_BIN:build/san/%=build/cov/%); do $(SAN_ENV) $$t >build/cov/$${t##*/}.log 2>&1 || { rc=1; echo "FAIL $$t (build/cov/$${t##*/}.log)"; }; done; \
	$(SAN_ENV) sh tests/run-e2e.sh build/cov/reviewpack >build/cov/e2e.log 2>&1 || { rc=1; echo "FAIL end-to-end (build/cov/e2e.log)"; }; \
	for t in $(FUZZ_TARGETS); do build/cov/replay_$$t $$(ls -d tests/fuzz/regressions/$$t tests/fuzz/corpus/$$t 2>/dev/null) >/dev/null || rc=1; done; \
	$(GCOVR) --sort-percentage; $(GCOVR) --branches --sort-percentage; \
	exit $$rc

# --- install --------------------------------------------------------------
install: reviewpack
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/reviewpack $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 reviewpack $(DESTDIR)$(PREFIX)/bin/reviewpack
	cp -R templates assets $(DESTDIR)$(PREFIX)/share/reviewpack/
	install -m 644 docs/reviewpack.1 $(DESTDIR)$(PREFIX)/share/man/man1/reviewpack.1

clean:
	rm -rf build reviewpack site
