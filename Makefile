# crm - a customer relationship manager as a Unix toolkit
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
# The project's flags come first and the user's CFLAGS after them; -Werror
# is added by CI (WERROR=1).
OPT ?= -O2 -g
override CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(if $(WERROR),-Werror) $(OPT) $(CFLAGS)
LDLIBS = -lcsv -lpcre2-8 -ljansson -lpthread -lm

PROGS = crm crm-init crm-add crm-log crm-rm crm-find crm-segment crm-report crm-mail crm-auto crm-check crm-merge crm-diff
LIBSRC = $(wildcard src/lib/*.c)
LIBOBJ = $(LIBSRC:src/lib/%.c=build/lib/%.o)
BINS = $(PROGS:%=bin/%)

# The Debian packages: DEBS to build the programs and run them (make demo
# also uses git); TEST_DEBS only for the tests (make check), the benchmark
# and the manual's lint: Bats, the tools the tests check the output with,
# a mail server and client, the shells whose completions are tested (zsh,
# fish), the browser that renders the HTML reports.
DEBS = tzdata libcsv-dev libpcre2-dev libjansson-dev git
TEST_DEBS = bats bats-support bats-assert mandoc bsdextrautils jq miller shellcheck msmtp zsh fish \
	python3 python3-aiosmtpd python3-icalendar parallel chromium

all: $(BINS)

build/lib/%.o: src/lib/%.c src/lib/*.h
	@mkdir -p build/lib
	$(CC) $(CFLAGS) -c -o $@ $<

build/libcrm.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# A program with sub-commands (crm-report) keeps one file per sub-command
# in src/PROGRAM/, compiled with it.
.SECONDEXPANSION:
bin/%: src/%.c $$(wildcard src/$$*/*.c) $$(wildcard src/$$*/*.h) build/libcrm.a src/lib/*.h
	@mkdir -p bin
	$(CC) $(CFLAGS) -Isrc/lib -Isrc/$* -o $@ $< $(wildcard src/$*/*.c) build/libcrm.a $(LDFLAGS) $(LDLIBS)

# Install the Debian packages the build and the tests need, when missing.
# install-debs PACKAGES: apt-get install those not installed (sudo when
# not root).
define install-debs
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install-debs,$(DEBS))

deps-test:
	$(call install-debs,$(TEST_DEBS))

# clang, for the fuzz targets only.
deps-fuzz:
	$(call install-debs,clang)

# The fault tests' LD_PRELOAD shim: test tooling, never installed, built
# without the sanitizers so that it loads into any build of the programs.
tests/faults/shim.so: tests/faults/shim.c
	$(CC) -std=c17 -Wall -Wextra $(if $(WERROR),-Werror) -O2 -fPIC -shared \
		-o $@ tests/faults/shim.c -ldl

# Checks in C of the library's inner parts, test tooling like the shim,
# built with the library's flags: the history reader's vector path reads
# as its byte-wise path does (vecsame); the hash map keeps every key, index and
# word (hmapcheck); the models of crm-segment --predict agree with closed
# forms, the CDNOW papers and simulated customers (predictcheck).
TESTBINS = build/tests/vecsame build/tests/hmapcheck build/tests/wordscheck \
	build/tests/predictcheck \
	build/tests/cscancheck build/tests/validsame
build/tests/%: tests/proj/%.c build/libcrm.a src/lib/*.h
	@mkdir -p build/tests
	$(CC) $(CFLAGS) -Isrc/lib -o $@ $< build/libcrm.a $(LDFLAGS) $(LDLIBS)

# Tests run on every core (bats --jobs, through GNU parallel), except the
# fault suite: it races writers and times locks, so it runs alone. make
# check runs them under a UTF-8 locale, make asan under LC_ALL=C: data
# handling must not depend on the locale, and CI runs both.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BATS = bats --formatter tap
BATS_PAR = $(BATS) --jobs $(JOBS) --no-parallelize-within-files
SERIAL_TESTS = tests/faults.bats
PAR_TESTS = $(filter-out $(SERIAL_TESTS),$(wildcard tests/*.bats))

check: deps deps-test all tests/faults/shim.so $(TESTBINS)
	LC_ALL=C.UTF-8 $(BATS_PAR) $(PAR_TESTS)
	LC_ALL=C.UTF-8 $(BATS) $(SERIAL_TESTS)

demo: deps all
	sh examples/demo.sh

asan: deps deps-test
	$(MAKE) clean
	$(MAKE) -j$(JOBS) OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined -static-libasan -static-libubsan" all tests/faults/shim.so \
		$(TESTBINS)
	LC_ALL=C ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(BATS_PAR) $(PAR_TESTS)
	LC_ALL=C ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(BATS) $(SERIAL_TESTS)

check-man:
	mandoc -Tlint -W warning man/*.[1-8]

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in man/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/; done; true
	for m in man/*.7; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/; done; true
	for p in $(PROGS); do install -m 644 completions/crm.bash $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 completions/_crm $(DESTDIR)$(ZSHCOMPDIR)/_crm
	install -m 644 completions/crm.fish $(DESTDIR)$(FISHCOMPDIR)/crm.fish
	for p in $(PROGS); do [ $$p = crm ] || install -m 644 completions/crm.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p $(DESTDIR)$(BASHCOMPDIR)/$$p $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done
	for m in man/*.[157]; do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_crm $(DESTDIR)$(FISHCOMPDIR)/crm.fish

check-install:
	rm -rf build/stage
	$(MAKE) install DESTDIR=$(CURDIR)/build/stage PREFIX=/usr
	$(MAKE) uninstall DESTDIR=$(CURDIR)/build/stage PREFIX=/usr
	test -z "$$(find build/stage -type f)" || { find build/stage -type f; exit 1; }

# Fuzzing with libFuzzer: every parser of the library has a target in
# fuzz/NAME.c, linked against a copy of the library built with clang and the
# same sanitizers in build/fuzz. make fuzz builds them; make fuzz-run T=csv
# SECS=600 runs one (at low priority) and appends the run to fuzz/RUNS.md;
# make check-fuzz runs each over its regression inputs and for FUZZ_SECS.
FUZZ_CC ?= clang
FUZZ_SECS ?= 30
FUZZ_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = csv jsonl proj expr template conf segments mail vcard cscan
FUZZ_LIBOBJ = $(LIBSRC:src/lib/%.c=build/fuzz/lib/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=build/fuzz/%)

build/fuzz/lib/%.o: src/lib/%.c src/lib/*.h
	@mkdir -p build/fuzz/lib
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libcrm.a: $(FUZZ_LIBOBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_LIBOBJ)

build/fuzz/%: fuzz/%.c fuzz/fuzz.h build/fuzz/libcrm.a src/lib/*.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc/lib -o $@ $< build/fuzz/libcrm.a $(LDLIBS)

fuzz:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: $(FUZZ_CC) not found (install clang)" >&2; exit 2; }
	$(MAKE) -j$(JOBS) $(FUZZ_BINS)

# Fill fuzz/corpus/NAME/ with seeds from the examples and test inputs.
fuzz-corpus:
	sh fuzz/seed.sh

fuzz-run: fuzz
	@test -n "$(T)" || { echo "usage: make fuzz-run T=TARGET [SECS=600]" >&2; exit 2; }
	sh fuzz/run.sh $(T) $(or $(SECS),600)

check-fuzz:
	@if command -v $(FUZZ_CC) >/dev/null; then \
		$(MAKE) fuzz && JOBS=$(JOBS) sh fuzz/check.sh $(FUZZ_SECS) $(FUZZ_TARGETS); \
	else \
		echo "check-fuzz: skipped: $(FUZZ_CC) not found"; \
	fi

bench/gen: bench/gen.c
	$(CC) -O2 -o $@ bench/gen.c

# The npm peers of the bench (DuckDB: bench/duckdb.mjs), installed into
# bench/node_modules from the committed lockfile when missing or when
# bench/package.json or the lockfile changed. Without node and npm (or
# without the registry) the bench runs without them and says so.
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		npm ci --prefix bench --no-audit --no-fund || \
		echo "npm ci failed: the bench runs without DuckDB"; \
	else \
		echo "node or npm is missing: the bench runs without DuckDB"; \
	fi

# Speed and memory against grep, mlr, jq, csvkit and DuckDB on generated
# data (not part of make check: it writes 1.4 GB into bench/data and takes
# minutes).
bench: deps deps-test all bench/gen bench/node_modules/.package-lock.json
	@command -v csvgrep >/dev/null && command -v /usr/bin/time >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get install -y -qq csvkit time; }
	sh bench/run.sh

clean:
	rm -rf build bin bench/gen tests/faults/shim.so

.PHONY: all deps deps-test deps-fuzz check demo asan bench check-man install uninstall check-install clean \
	fuzz fuzz-corpus fuzz-run check-fuzz
.SECONDARY: $(LIBOBJ) $(FUZZ_LIBOBJ)
