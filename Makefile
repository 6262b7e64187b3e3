# reviewpack: build, test and install.
#   make            build ./reviewpack (installs Debian packages first if missing)
#   make demo       build and render the example pack into site/
#   make test       unit, conformance, golden and failure tests under ASan/UBSan
#   make bench      time and peak memory on generated data sets
#   make deps       install the Debian packages the project needs

PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = cairo pangocairo glib-2.0 jansson inih libcurl libcmark-gfm
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lcsv -lm
CFLAGS  ?= -O2
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Debian packages: the build needs DEPS_BUILD, the tests also DEPS_TEST.
DEPS_BUILD = libcsv-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libcairo2-dev \
             libjansson-dev libinih-dev libcurl4-openssl-dev libglib2.0-dev pkg-config \
             libpango1.0-dev fonts-dejavu-core fonts-droid-fallback fonts-wqy-microhei \
             tzdata
DEPS_TEST  = libcmocka-dev python3 python3-aiosmtpd chromium time poppler-utils npm
DEPS_STAMP = build/.deps-build
TEST_STAMP = build/.deps-test

LIB_SRC  = $(filter-out generator/main.c,$(wildcard generator/*.c))
LIB_OBJ  = $(LIB_SRC:generator/%.c=build/obj/%.o)
SAN_OBJ  = $(LIB_SRC:generator/%.c=build/san/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=build/san/%)
HDRS     = $(wildcard generator/*.h)
EMBED    = $(sort $(wildcard templates/*) $(wildcard assets/*))

.PHONY: all deps demo test test-unit test-e2e test-browser bench golden install clean

all: reviewpack

# --- dependencies ---------------------------------------------------------
$(DEPS_STAMP):
	@mkdir -p build
	@sh .ci/deps $(DEPS_BUILD)
	@touch $@
$(TEST_STAMP): $(DEPS_STAMP)
	@sh .ci/deps $(DEPS_TEST)
	@touch $@
deps:
	@sh .ci/deps $(DEPS_BUILD) $(DEPS_TEST)

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
	$(CC) $(ALL_CFLAGS) -O1 -g $(SAN) -c -o $@ $<
# cmocka's test functions take a state pointer most tests do not use.
build/san/test_%: tests/test_%.c $(wildcard tests/*.h) $(SAN_OBJ) build/san/embedded-data.o | $(TEST_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -Itests -O1 -g $(SAN) -o $@ $< $(SAN_OBJ) build/san/embedded-data.o $(PKG_LIBS) -lcmocka
build/san/reviewpack: build/san/main.o $(SAN_OBJ) build/san/embedded-data.o
	$(CC) -g $(SAN) -o $@ $^ $(PKG_LIBS)

# The official mustache specification (its JSON case files), beside the project.
MUSTACHE_SPEC_DIR ?= $(CURDIR)/../shared/conformance/mustache
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0 \
          LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
          UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
          MUSTACHE_SPEC_DIR=$(MUSTACHE_SPEC_DIR) \
          REVIEWPACK_TEMPLATES=$(CURDIR)/templates REVIEWPACK_ASSETS=$(CURDIR)/assets

test: test-unit test-e2e
test-unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $(SAN_ENV) $$t; done
test-e2e: build/san/reviewpack build/gen-example
	@$(SAN_ENV) sh tests/run-e2e.sh build/san/reviewpack
test-browser: reviewpack | $(TEST_STAMP)
	@sh tests/run-browser.sh ./reviewpack

# Rewrites tests/golden/*/expected after an intended change (review the diff).
golden: reviewpack
	@sh tests/update-golden.sh ./reviewpack

bench: reviewpack build/gen-example
	@sh tests/bench.sh ./reviewpack build/gen-example

# --- install --------------------------------------------------------------
install: reviewpack
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/reviewpack $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 reviewpack $(DESTDIR)$(PREFIX)/bin/reviewpack
	cp -R templates assets $(DESTDIR)$(PREFIX)/share/reviewpack/
	install -m 644 docs/reviewpack.1 $(DESTDIR)$(PREFIX)/share/man/man1/reviewpack.1

clean:
	rm -rf build reviewpack site
