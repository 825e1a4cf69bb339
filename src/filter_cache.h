/* filter_cache.h: the cache of exported seccomp filters (no libseccomp here;
 * seccomp.c builds the key's inputs and checks what is read). */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct filter_cache_key {
	uint64_t h[2];
};

/* The key of a filter: salt (what the caller's library and kernel add) and
 * the lists as written, plus this binary's GNU build id, so that a corral
 * whose rules (or anything else in it) differ never takes another build's
 * filter. false when the binary has no build id: no cache then. */
bool filter_cache_key(struct filter_cache_key *k, const void *salt, size_t salt_len,
		      const struct strv *a, const struct strv *b);

/* The cache directory, $XDG_CACHE_HOME/corral or ~/.cache/corral, opened
 * (and created, with any missing ~/.cache, mode 0700) only when no symlink
 * is on its path and it is ours and writable only by us; -1 otherwise. path
 * (may be NULL) receives its path. */
int filter_cache_open(char *path, size_t size);

/* That directory, or where none can be had (a HOME that is not the
 * caller's: setpriv, a service account), filters/ in the runtime
 * directory (runtime.h): private as it is, and out of every sandbox's
 * reach with it (guard.c keeps the runtime directory). -1 when neither. */
int filter_cache_open_any(char *path, size_t size);

/* Where the first directory is or would be, with symlinks resolved as far as
 * it exists ("" when neither variable names one): for messages, and for
 * overlay.c's check that no overlay covers it. */
void filter_cache_place(char *out, size_t size);

/* The cached program for k, or false. What is read is checked for size,
 * owner, mode, header and the sum of its instructions; the caller checks
 * what the program does. */
bool filter_cache_read(int dir, const struct filter_cache_key *k, struct sock_fprog *prog);

/* Store prog under k (a private name, then rename), then evict: at most
 * FILTER_CACHE_MAX entries stay, the least recently used go, and temporary
 * files of writers that died. */
#define FILTER_CACHE_MAX 32
void filter_cache_write(int dir, const struct filter_cache_key *k, const struct sock_fprog *prog);
