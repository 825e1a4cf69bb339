/* guard.h: what corral trusts from one run to the next, kept out of every
 * sandbox's reach. Planned by the supervisor before clone, mounted by init
 * in the host's tree (mounts_setup) before any bind copies it. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "spec.h"

#define GUARD_MAX 16

/* Each mount is a prefix of path, bound over itself: read-only for the
 * guarded directory, writable for an ancestor pinned; in this order. */
struct guard {
	char path[PATH_MAX];
	unsigned n;
	struct guard_mount {
		unsigned len; /* of the prefix of path */
		bool ro;
	} v[GUARD_MAX];
};

/* The mounts that keep the seccomp filter cache (filter_cache.c) out of the
 * reach of spec's sandbox: the cache directory bound read-only over itself,
 * after self-binds of each ancestor the sandbox could otherwise rename
 * (a mount point cannot be renamed or removed: EBUSY). Only what a writable
 * bind (or root = host) exposes: none for a profile without writable binds.
 * The cache directory is made first if missing, so that no sandbox can make
 * it. Never fails: without a usable cache directory there is nothing
 * trusted to guard. */
void guard_plan(const struct corral_spec *spec, const char *cwd, struct guard *g);
