/* mountctx.h: the state of a new root while init builds it, and the
 * helpers of mounts.c that mountfs.c uses too. Private to the two. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "log.h"
#include "overlay.h"
#include "spec.h"

struct mounts_ctx {
	const struct corral_spec *spec;
	int oldroot;      /* O_PATH fd of the host's root, at /oldroot */
	int root;         /* O_PATH fd of the new root, at /newroot */
	bool root_ours;   /* root is a tmpfs of ours (not a bind on /) */
	int cwd;          /* O_PATH fd of the caller's directory, for bind-cwd */
	bool wary;        /* corral runs as root: see wary_open (wary.c) */
	const struct overlay_state *ov; /* the supervisor's part of overlay (overlay.c) */
	unsigned n_overlay; /* tmpfs upper layers made, for their names in the base */
	dev_t *ours;      /* st_dev of every tmpfs we made: the only places we create in */
	size_t n_ours;    /* (grown as needed: as many as the options ask for) */
	char tty[256];    /* the caller's terminal (fd 0, 1 or 2) on the host; "": none */
	dev_t tty_rdev;
};

/* path resolved beneath dirfd as if it were / (openat2 RESOLVE_IN_ROOT, no
 * magic links); an fd or -1 with errno. */
int mounts_resolve(int dirfd, const char *path, int flags);
/* An O_PATH fd for path in the new root, a directory (dir) or a file, made
 * with its parents when missing, but only on a tmpfs of ours. */
int mounts_target(struct mounts_ctx *c, const char *path, bool dir, struct corral_error *e);
/* A new filesystem of type at tgt (options "key=value" or "flag", MS_
 * flags); own: tgt's path in the new root, for a tmpfs we may create in. */
int mounts_new_fs(struct mounts_ctx *c, const char *type, const char *const *options,
		  unsigned long flags, int tgt, const char *own, struct corral_error *e);
/* Bind src (an fd in the host's tree) at tgt, with every submount when
 * recursive, read-only all the way down when ro. */
int mounts_bind_fd(int src, int tgt, bool ro, bool recursive, const char *what,
		   struct corral_error *e);
/* path (fd: an fd of it) bound over itself with every submount, read-only
 * when ro, for the host's tree before the pivot. */
int mounts_self_bind(const char *path, int fd, bool ro, const char *what,
		     struct corral_error *e);
