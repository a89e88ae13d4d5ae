# hall - counter application for power-supply service halls.
#
#   make            build build/hall (optimised)
#   make demo       build, create a demo hall store, start the counter on it
#   make check      build with AddressSanitizer + UBSan and run every test
#   make bench      build optimised and run the benchmarks (not part of check)
#   make install    PREFIX=/usr/local DESTDIR= (setgid to HALL_GROUP)
#
# Missing Debian packages are installed by `make deps` (run by demo/check)
# when root or with password-less sudo; otherwise the exact apt-get line is
# printed.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/hall
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
HALL_GROUP ?= hall
DESTDIR   ?=

CC        ?= gcc
PKG_CONFIG ?= pkg-config
PKGS      := ncursesw sqlite3 xlsxwriter libcrypt libpq

VERSION   := 0.1.0
BUILD     ?= build
OPT       ?= -O2 -g
SANFLAGS  ?=

CPPFLAGS_ALL = -Iinclude -Isrc -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
	-DHALL_VERSION='"$(VERSION)"' -DHALL_DATADIR='"$(DATADIR)"' \
	-DHALL_SYSCONFDIR='"$(SYSCONFDIR)"' \
	$(filter-out -D_XOPEN_SOURCE% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
CFLAGS_ALL = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
	$(OPT) $(SANFLAGS) $(CFLAGS)
# libpq is not linked: src/core/pq.c loads it with dlopen on the first
# PostgreSQL connection, so other commands do not pay for loading it.
LIBS_ALL   = $(shell $(PKG_CONFIG) --libs $(filter-out libpq,$(PKGS)) 2>/dev/null) -lm
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

CORE_SRC := $(sort $(wildcard src/core/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TUI_SRC  := $(sort $(wildcard src/tui/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard tests/bench_*.c))

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)

CORE_LIB := $(BUILD)/libhallcore.a
TUI_LIB  := $(BUILD)/libhalltui.a

SAN_BUILD := build/san

.PHONY: all demo check bench install uninstall clean deps deps-check deps-bench \
	tests fuzz
.DEFAULT_GOAL := all

all: $(BUILD)/hall

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(TUI_LIB): $(TUI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/hall: $(CLI_OBJ) $(TUI_LIB) $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(TUI_LIB) $(CORE_LIB) $(LIBS_ALL)

# Every test program links the core; tests named test_tui_* also the TUI.
$(BUILD)/tests/test_tui_%: $(BUILD)/tests/test_tui_%.o $(TUI_LIB) $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TUI_LIB) $(CORE_LIB) $(LIBS_ALL) -lcmocka

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(CORE_LIB) $(LIBS_ALL) -lcmocka

tests: $(BUILD)/hall $(TEST_BIN) $(BENCH_BIN)

# ---------------------------------------------------------------- targets
# Debian packages the build, the demo and the tests need.
DEB_BUILD := gcc make pkg-config libncurses-dev libsqlite3-dev \
	libxlsxwriter-dev libcrypt-dev libpq-dev
DEB_CHECK := $(DEB_BUILD) libcmocka-dev sqlite3 tmux python3 \
	python3-openpyxl postgresql

deps:
	@sh tests/deps.sh $(DEB_BUILD)

deps-check:
	@sh tests/deps.sh $(DEB_CHECK)

# make bench also compares with Python XlsxWriter and psql \copy
deps-bench:
	@sh tests/deps.sh $(DEB_CHECK) python3-xlsxwriter

demo: deps all
	@sh tests/demo.sh $(BUILD)/hall

# Build in parallel on every core; the tests themselves run one by one.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

check: deps-check
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=$(SAN_BUILD) OPT="-O1 -g" \
		SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		tests
	@LC_ALL=C.UTF-8 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run.sh $(SAN_BUILD) forms

bench: deps-bench
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build tests
	@LC_ALL=C.UTF-8 sh tests/bench.sh build forms

# libFuzzer targets tests/fuzz_*.c (clang; not part of check): each runs
# FUZZ_SECONDS (default 600, ten minutes) on a clang build of the core with
# ASan + UBSan; findings are kept in build/fuzz/crashes/ (tests/fuzz.sh).
FUZZ_SECONDS ?= 600
fuzz:
	@sh tests/deps.sh clang
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
		SANFLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer" \
		build/fuzz/libhallcore.a
	@PKGS="$(PKGS)" FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz.sh build/fuzz forms

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/forms \
		$(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/hall $(DESTDIR)$(BINDIR)/hall
	install -m 0644 forms/*.form forms/*.cal $(DESTDIR)$(DATADIR)/forms/
	install -m 0644 src/hall.1 $(DESTDIR)$(MANDIR)/man1/hall.1
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		getent group $(HALL_GROUP) >/dev/null || groupadd --system $(HALL_GROUP); \
		chgrp $(HALL_GROUP) $(BINDIR)/hall && chmod 2755 $(BINDIR)/hall; \
		echo "hall installed setgid $(HALL_GROUP); see README 'Installing at a hall'"; \
	else \
		echo "not root or DESTDIR set: run as root: chgrp $(HALL_GROUP) $(BINDIR)/hall && chmod 2755 $(BINDIR)/hall"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hall $(DESTDIR)$(MANDIR)/man1/hall.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TUI_OBJ:.o=.d) \
	$(TEST_BIN:=.d) $(BENCH_BIN:=.d)
