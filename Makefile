# corral: build, test, install. PREFIX and DESTDIR are honoured; CFLAGS,
# CPPFLAGS, LDFLAGS and LDLIBS are the user's (make CFLAGS=-O0 changes the
# optimisation and nothing else): the flags the build needs are CORRAL_*.
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/corral
MANDIR    ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# bats-corral goes in BATSLIBDIR/bats-corral: Bats finds it there when
# BATS_LIB_PATH holds BATSLIBDIR (Debian's own Bats libraries are in /usr/lib/bats).
BATSLIBDIR ?= $(DATADIR)/bats
VERSION   := 0.1
# Where the shipped profiles go, and the same seen from BINDIR: corral looks
# there relative to its own binary first, so an installed tree finds its
# profiles wherever it was put (DESTDIR, a moved prefix), then at PROFILEDIR.
PROFILEDIR := $(DATADIR)/profiles
PROFILEDIR_REL := $(shell realpath -m --relative-to='$(BINDIR)' '$(PROFILEDIR)' 2>/dev/null)

CC        ?= cc
PKGS      := libseccomp libcap libcgroup
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The corral binary is linked statically (Debian ships the .a files of the
# three libraries and of glibc): no dynamic loader, fewer mappings to copy at
# the clone of init, half the peak RSS. Measured here: about 1 ms less per
# launch and 1 MB of RSS instead of 2.2 MB (see bench/). STATIC=0 links it
# dynamically. glibc warns that libcgroup's getpwnam & co. would need its
# NSS modules at run time; corral never calls them (it sets no owners), so
# those warnings are filtered, nothing else. --wrap=memset lets the first
# cgroup_init skip zeroing libcgroup's 821 kB mount table, which a static
# binary's .bss already holds zeroed (src/cgtable.c: 800 kB of peak RSS);
# --wrap=fopen lets libcgroup read /proc/mounts once a run, not 10 times.
STATIC    ?= 1
ifeq ($(STATIC),1)
CORRAL_LDFLAGS := -static -Wl,--wrap=memset -Wl,--wrap=fopen
endif
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
CFLAGS    ?= -O2 -g
CORRAL_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -iquote src $(PKG_CFLAGS) \
             -DCORRAL_VERSION='"$(VERSION)"' -DCORRAL_DATADIR='"$(PROFILEDIR)"' \
             -DCORRAL_DATADIR_REL='"$(PROFILEDIR_REL)"'
# Ours first, so that the user's CFLAGS can override (-O0, -Wno-error).
ALL_CFLAGS = $(CORRAL_CFLAGS) $(CPPFLAGS) $(CFLAGS)
CORRAL_LIBS := $(PKG_LIBS) -lm
ALL_LIBS   = $(CORRAL_LIBS) $(LDLIBS)

.DEFAULT_GOAL := all
# $(call shq,TEXT): TEXT as one single-quoted shell word.
shq = '$(subst ','\'',$(1))'

SRCS      := $(filter-out src/main.c,$(wildcard src/*.c))
OBJS      := $(SRCS:src/%.c=build/%.o)
HDRS      := $(wildcard src/*.h) src/options.def

# Unit tests link against the same library, built with ASan and UBSan.
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_OBJS  := $(SRCS:src/%.c=build/asan/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

.PHONY: FORCE all check check-v2 check-compat unit bats demo install clean deps format bench examples fuzz fuzz-build pictures
# Man pages and completion: generated from src/options.def by tools/gendoc.
DOCS      := docs/corral.1 docs/corral.profile.5 docs/corral.bash

all: corral tests/probe tests/attack tests/fault $(DOCS)

# Everything compiled depends on build/flags: it changes (and so rebuilds
# what was compiled with other flags) only when the flags or the install
# paths do. So `make` then `make install PREFIX=/usr` rebuilds with /usr, in
# whatever order the two ran.
build/flags: FORCE
	@mkdir -p build
	@printf '%s\n' $(call shq,CC=$(CC)) $(call shq,FUZZ_CC=$(FUZZ_CC)) \
		$(call shq,CFLAGS=$(ALL_CFLAGS)) $(call shq,LDFLAGS=$(LDFLAGS) $(CORRAL_LDFLAGS)) \
		$(call shq,LIBS=$(ALL_LIBS)) >build/flags.new
	@if cmp -s build/flags.new build/flags; then rm build/flags.new; \
	else mv build/flags.new build/flags; fi
FORCE:

build/%.o: src/%.c $(HDRS) build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libcorral.a: $(OBJS)
	$(AR) rcs $@ $^

corral: build/main.o build/libcorral.a build/flags
	@echo "$(CC) ... $(CORRAL_LDFLAGS) -o $@ build/main.o build/libcorral.a $(ALL_LIBS) -lpthread"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(CORRAL_LDFLAGS) -o $@ build/main.o build/libcorral.a \
		$(ALL_LIBS) -lpthread 2>build/link.log; \
		r=$$?; grep -v -e 'in statically linked applications requires at runtime' \
			-e ': in function' build/link.log >&2; exit $$r

build/asan/%.o: src/%.c $(HDRS) build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/asan/libcorral.a: $(SAN_OBJS)
	$(AR) rcs $@ $^

build/unit/%: tests/unit/%.c build/asan/libcorral.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -iquote tests/unit -o $@ $< build/asan/libcorral.a $(ALL_LIBS) \
		$(shell pkg-config --libs cmocka)

build/gendoc: tools/gendoc.c build/libcorral.a $(HDRS) build/flags
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libcorral.a $(ALL_LIBS)

docs/%: docs/%.in build/gendoc
	build/gendoc $< >$@.tmp && mv $@.tmp $@

# A static probe run inside the sandbox, so tests need nothing from the host.
tests/probe: tests/probe.c tests/sandbox_probe.h
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< || $(CC) -std=gnu11 -O2 $(WARN) -o $@ $<

# The escape suite's attacks (tests/escape.bats), static like the probe.
tests/attack: tests/attack.c tests/sandbox_probe.h
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< || $(CC) -std=gnu11 -O2 $(WARN) -o $@ $<

# Runs a command with chosen system calls failing (a seccomp filter), for the
# failure-path tests: corral is static, so LD_PRELOAD cannot reach it.
tests/fault: tests/fault.c
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< $(shell pkg-config --libs libseccomp) || \
		$(CC) -std=gnu11 -O2 $(WARN) -o $@ $< $(shell pkg-config --libs libseccomp)

# The multiprocessing examples, static so they run in any sandbox root.
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(EXAMPLE_SRCS:examples/%.c=examples/bin/%)
EXAMPLE_LIBS := -pthread -lrt

examples: $(EXAMPLE_BINS)

examples/bin/%: examples/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 $(WARN) -pthread -static -o $@ $< $(EXAMPLE_LIBS) || \
		$(CC) -std=gnu11 -O2 $(WARN) -pthread -o $@ $< $(EXAMPLE_LIBS)

# The Bats example (examples/bats/README.md): a tool, built with the others.
examples: examples/bats/primes
examples/bats/primes: examples/bats/primes.c
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< || $(CC) -std=gnu11 -O2 $(WARN) -o $@ $<

# What each target needs is installed by scripts/deps.sh (the set named).
deps:
	@scripts/deps.sh check

# Benchmarks against bubblewrap, firejail, unshare, crun, tini, dumb-init
# (bench/README.md). Timings only: nothing in `check` depends on them.
BENCH_BINS := bench/floor bench/sysloop bench/orphans bench/spawn bench/filterload bench/cgv1raw bench/forkstart
$(BENCH_BINS): bench/%: bench/%.c bench/clock.h
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< || $(CC) -std=gnu11 -O2 $(WARN) -o $@ $<

bench: deps
	@bench/deps.sh
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	bench/run.sh

# The pictures, drawn from text and committed as SVG so that README.md shows
# them where the tools are missing: docs/pictures/*.dot with graphviz, and
# the charts of the committed bench/results.json with gnuplot (bench/plot.sh;
# make bench draws them from its own run). Each SVG records the sha256 of
# what it was drawn from; tests/pictures.bats (in make check) fails while
# one is stale, without graphviz or gnuplot.
pictures:
	@scripts/deps.sh pictures
	@scripts/pictures.sh draw

# Fuzzing (tests/fuzz/README.md): libFuzzer targets built with clang, run for
# FUZZ_SECONDS in all by `make fuzz`. `make check` replays their corpus with
# gcc, ASan and UBSan (build/fuzz-replay/*), so a fixed crash stays fixed.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -Wno-unknown-warning-option -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TARGETS := profile units
FUZZ_OBJS    := $(SRCS:src/%.c=build/fuzz/%.o)

build/fuzz/%.o: src/%.c $(HDRS) build/flags
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libcorral.a: $(FUZZ_OBJS)
	$(AR) rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libcorral.a
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< build/fuzz/libcorral.a $(ALL_LIBS)

# The profile keys as a libFuzzer dictionary, from the one option table.
build/fuzz/profile.dict: src/options.def
	@mkdir -p $(@D)
	{ sed -n 's/^X([A-Z_]*, \("[^"]*"\).*/\1/p' $<; printf '"%s"\n' ' = ' include '@' ':' ; } >$@

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%) build/fuzz/profile.dict

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

FUZZ_REPLAY := $(FUZZ_TARGETS:%=build/fuzz-replay/%)
build/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/asan/libcorral.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $< tests/fuzz/replay.c build/asan/libcorral.a $(ALL_LIBS)

# corral itself under ASan and UBSan, for the sanitizer run of the Bats suite.
build/asan/corral: build/asan/main.o build/asan/libcorral.a build/flags
	$(CC) $(ALL_CFLAGS) $(SAN) $(LDFLAGS) -o $@ build/asan/main.o build/asan/libcorral.a $(ALL_LIBS)

unit: $(UNIT_BINS) $(FUZZ_REPLAY) build/asan/corral build/corral-dynamic

# valgrind follows only a dynamically linked malloc: tests/valgrind.bats runs this.
build/corral-dynamic: build/main.o build/libcorral.a build/flags
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ build/main.o build/libcorral.a $(ALL_LIBS)

check: deps
	@$(MAKE) --no-print-directory all unit examples
	@scripts/check.sh $(UNIT_BINS)

# Real programs' own test suites (CPython's, GLib's), plainly and inside the
# default, build and strict profiles, compared case by case with the list of
# expected differences (tests/compat/README.md).
check-compat: deps
	@scripts/deps.sh check-compat
	@$(MAKE) --no-print-directory all
	@scripts/check-compat.sh

# The cgroup tests again, inside a VM whose kernel has cgroup v2 only.
check-v2: deps
	@scripts/deps.sh check-v2
	@$(MAKE) --no-print-directory all
	@scripts/check-v2.sh

# corral under Slurm (slurm/): a one-node cluster of its own, an array job
# through corral-slurm and the SPANK plugin, then nothing left.
.PHONY: check-slurm check-slurm-v2 install-slurm-plugin
check-slurm: deps
	@scripts/deps.sh check-slurm
	@$(MAKE) --no-print-directory all build/spank_corral.so
	@scripts/check-slurm.sh

# The same inside check-v2's VM, whose kernel has cgroup v2 only (slow:
# software emulation). Not part of CI: make check-v2 takes most of its time.
check-slurm-v2: deps
	@scripts/deps.sh check-slurm check-v2
	@$(MAKE) --no-print-directory all build/spank_corral.so
	@CHECK_V2_BATS=tests/slurm/check-slurm.bats scripts/check-v2.sh

# The SPANK plugin: srun --corral=PROFILE (slurm/spank_corral.c). Needs
# spank.h (Debian's libslurm-dev), so it is not part of all.
build/spank_corral.so: slurm/spank_corral.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) -fPIC -shared \
		-DCORRAL_SLURM_WRAPPER='"$(BINDIR)/corral-slurm"' -o $@ $<

# The plugin, where plugstack.conf names it (slurm/README.md).
LIBDIR    ?= $(PREFIX)/lib
install-slurm-plugin: build/spank_corral.so
	install -D -m 0755 build/spank_corral.so $(DESTDIR)$(LIBDIR)/corral/spank_corral.so

demo: deps
	@$(MAKE) --no-print-directory all examples
	@scripts/demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PROFILEDIR)
	install -m 0755 corral $(DESTDIR)$(BINDIR)/corral
	install -m 0755 slurm/corral-slurm $(DESTDIR)$(BINDIR)/corral-slurm
	install -m 0644 profiles/*.profile $(DESTDIR)$(PROFILEDIR)/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 docs/corral.1 $(DESTDIR)$(MANDIR)/man1/corral.1
	install -m 0644 docs/corral.profile.5 $(DESTDIR)$(MANDIR)/man5/corral.profile.5
	install -m 0644 docs/corral.bash $(DESTDIR)$(BASHCOMPDIR)/corral
	install -d $(DESTDIR)$(BATSLIBDIR)/bats-corral/src
	install -m 0644 lib/bats-corral/load.bash lib/bats-corral/README.md $(DESTDIR)$(BATSLIBDIR)/bats-corral/
	install -m 0644 lib/bats-corral/src/*.bash $(DESTDIR)$(BATSLIBDIR)/bats-corral/src/

# .clang-format says how the code looks (the kernel's style, as the code
# is); `clang-format --dry-run FILE` shows what this would change.
format:
	@scripts/deps.sh format
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/probe.c tests/attack.c tests/fault.c tools/*.c

clean:
	rm -rf build corral tests/probe tests/attack tests/fault examples/bin examples/bats/primes $(DOCS) $(BENCH_BINS)
