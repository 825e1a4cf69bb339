/* guard.h: what corral trusts from one run to the next, kept out of every
 * sandbox's reach. Planned by the supervisor before clone, mounted by init
 * in the host's tree (mounts_setup) before any bind copies it. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "spec.h"

#define GUARD_MAX 16

/* The directories guarded: the seccomp filter cache (filter_cache.c) and
 * the runtime directory of run records (runtime.c). */
enum guard_dir { GUARD_CACHE, GUARD_RUNTIME, GUARD_DIRS };

/* Each mount is a prefix of one of path, bound over itself: read-only for
 * the guarded directory, writable for an ancestor pinned; in this order. */
struct guard {
	char path[GUARD_DIRS][PATH_MAX]; /* "" when there is none to guard */
	unsigned n;
	struct guard_mount {
		unsigned dir; /* enum guard_dir: which path */
		unsigned len; /* of the prefix of path */
		bool ro;
	} v[GUARD_MAX];
};

/* The mounts that keep the seccomp filter cache (filter_cache.c) and the
 * runtime directory (runtime.c) out of the reach of spec's sandbox, each: the cache directory bound read-only over itself,
 * after self-binds of each ancestor the sandbox could otherwise rename
 * (a mount point cannot be renamed or removed: EBUSY). Only what a writable
 * bind (or root = host) exposes: none for a profile without writable binds.
 * Each directory is made first if missing, so that no sandbox can make
 * it. Never fails: without a usable cache directory there is nothing
 * trusted to guard. */
void guard_plan(const struct corral_spec *spec, const char *cwd, struct guard *g);
