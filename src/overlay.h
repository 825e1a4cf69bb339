/* overlay.h: overlay = SRC:DST[:UPPER], a writable layer over a host
 * directory that never writes it. The checks before anything exists
 * (overlay_validate), the supervisor's part for a kept UPPER (its lock and
 * the work directory beside it, made before clone and removed after the
 * run), and init's mount (overlay_mount). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "log.h"
#include "spec.h"

/* One per entry of spec->overlay, in its order; parent -1 for an entry with
 * a tmpfs upper layer. */
struct overlay_upper {
	int parent;              /* O_PATH fd of UPPER's parent, where the work dir is */
	int upper;               /* UPPER itself, flock'ed for the run */
	char work[NAME_MAX + 1]; /* the work directory's name in parent; "": none made */
	dev_t dev;               /* of UPPER and the work directory (one filesystem) */
	ino_t upper_ino, work_ino;
	mode_t mode;             /* UPPER's mode (07777), owner and group as checked, */
	uid_t uid;               /* restored after the run: the sandbox can chmod it */
	gid_t gid;
};

struct overlay_state {
	struct overlay_upper *v;
	size_t n;
};

/* Before anything is created: each entry's SRC an existing directory, and
 * UPPER, when given, an existing directory (not a symlink) of the caller's
 * that no one else can write, in a directory no one else can rename it in,
 * neither inside SRC nor containing it, nor holding the seccomp filter
 * cache or inside it. One line naming the option on error. */
int overlay_validate(const struct corral_spec *spec, struct corral_error *e);

/* The supervisor, before clone: for each entry with an UPPER, take it as an
 * fd (wary: as bind sources are, wary.c), check it again on the fd, lock it
 * for the run (a second run with the same UPPER is refused while this one
 * lasts), remove work directories left by runs killed before their end,
 * and make this run's work directory beside it. */
int overlay_prepare(const struct corral_spec *spec, bool wary, struct overlay_state *s,
		    struct corral_error *e);
/* After the run (every process of the sandbox gone): the work directories
 * removed (to any depth); each UPPER's mode and owner as checked, back; as
 * root, in each UPPER (to any depth) set-ID bits cleared, file capabilities
 * and device nodes removed; the fds closed. */
void overlay_cleanup(struct overlay_state *s);

/* init, in its mount namespace: u's UPPER and work directory, resolved again
 * beneath root (the host's tree), as read/write dir fds; refused unless they
 * are what overlay_prepare checked (same device and inode). */
int overlay_reopen(int root, const char *upper_path, const struct overlay_upper *u, bool wary,
		   int *upper, int *work, struct corral_error *e);

/* init: an overlay of lower (read-only), upper and work (dir fds in init's
 * mount namespace), nosuid and nodev, attached at tgt. self_fd is a
 * /proc/self/fd directory that names init's fds, for kernels that take
 * layers only by path. userns: init is in a user namespace (user xattrs;
 * a refusal there is the kernel's, named). */
int overlay_mount(int lower, int upper, int work, int tgt, const char *self_fd, bool userns,
		  const char *what, struct corral_error *e);
