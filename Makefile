# corral: build, test, install. PREFIX and DESTDIR are honoured.
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/corral
MANDIR    ?= $(PREFIX)/share/man
VERSION   := 0.1

CC        ?= cc
PKGS      := libseccomp libcap libcgroup
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 $(WARN) -D_GNU_SOURCE -iquote src $(PKG_CFLAGS) \
             -DCORRAL_VERSION='"$(VERSION)"' -DCORRAL_DATADIR='"$(DATADIR)/profiles"'
LDLIBS    += $(PKG_LIBS) -lm

SRCS      := $(filter-out src/main.c,$(wildcard src/*.c))
OBJS      := $(SRCS:src/%.c=build/%.o)
HDRS      := $(wildcard src/*.h) src/options.def

# Unit tests link against the same library, built with ASan and UBSan.
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_OBJS  := $(SRCS:src/%.c=build/asan/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

.PHONY: all check check-v2 unit bats demo install clean deps format
all: corral tests/probe

build/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

build/libcorral.a: $(OBJS)
	$(AR) rcs $@ $^

corral: build/main.o build/libcorral.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/asan/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

build/asan/libcorral.a: $(SAN_OBJS)
	$(AR) rcs $@ $^

build/unit/%: tests/unit/%.c build/asan/libcorral.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -iquote tests/unit -o $@ $< build/asan/libcorral.a $(LDLIBS) \
		$(shell pkg-config --libs cmocka)

# A static probe run inside the sandbox, so tests need nothing from the host.
tests/probe: tests/probe.c
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $< || $(CC) -std=gnu11 -O2 $(WARN) -o $@ $<

deps:
	@scripts/deps.sh

unit: $(UNIT_BINS)

check: deps
	@$(MAKE) --no-print-directory all unit
	@scripts/check.sh $(UNIT_BINS)

# The cgroup tests again, inside a VM whose kernel has cgroup v2 only.
check-v2: deps
	@$(MAKE) --no-print-directory all
	@scripts/check-v2.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/profiles
	install -m 0755 corral $(DESTDIR)$(BINDIR)/corral
	install -m 0644 profiles/*.profile $(DESTDIR)$(DATADIR)/profiles/

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/probe.c

clean:
	rm -rf build corral tests/probe
