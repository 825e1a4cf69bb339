/* mountplan.h: the filesystem keys of the spec as one ordered list of mounts.
 * Pure code (parsing, ordering, the checks before clone); mounts.c does the
 * kernel work. */
#pragma once

#include <stddef.h>

#include "log.h"
#include "spec.h"

/* In the order entries of the same depth are applied (see mountplan_build). */
enum mount_kind {
	MOUNT_DIR,
	MOUNT_SYMLINK,
	MOUNT_RO_BIND,
	MOUNT_RO_BIND_TRY,
	MOUNT_BIND,
	MOUNT_BIND_TRY,
	MOUNT_BIND_CWD,
	MOUNT_OVERLAY,
	MOUNT_TMPFS,
	MOUNT_PROC,
	MOUNT_DEV,
	MOUNT_SYS,
	MOUNT_FILE, /* a file corral writes: /etc/hosts, /etc/hostname */
	MOUNT_MASK,
};

struct mount_entry {
	enum mount_kind kind;
	const char *key;   /* the option's name, for messages */
	char *src;         /* binds: host path; symlink: its target; else NULL */
	char *dst;         /* normalised absolute path inside the new root */
	char *size;        /* tmpfs: "SIZE" as given, or NULL */
	char *upper;       /* overlay: UPPER, or NULL for a tmpfs upper layer */
	bool ro, try_;
	bool home;         /* tmpfs: the command's HOME, owned by its uid, 0700 */
	unsigned depth;    /* components in dst: "/" 0, "/usr" 1, "/usr/lib" 2 */
	size_t index;      /* position among entries of the same kind */
	bool bound;        /* binds: mounted (set by mounts.c as it goes) */
};

struct mount_plan {
	struct mount_entry *v;
	size_t n;
};

/* Every filesystem key of spec as one list, sorted by dst depth (parents
 * first), then by kind (enum mount_kind), then in the order given. cwd is the
 * caller's working directory, for bind-cwd. */
int mountplan_build(const struct corral_spec *spec, const char *cwd, struct mount_plan *p,
		    struct corral_error *e);
void mountplan_free(struct mount_plan *p);

/* What every fresh root gets unless an entry of p is already there: an
 * /etc/hosts and /etc/hostname of the sandbox's own (MOUNT_FILE, keys
 * "hosts" and "hostname"), and, with spec's home = tmpfs, a tmpfs at home
 * (the command's HOME, see mountplan_command_home) unless an entry other
 * than dir is at home or above it, and not at / or /nonexistent. Sorted
 * again as mountplan_build sorts. */
int mountplan_add_implicit(const struct corral_spec *spec, const char *home,
			   struct mount_plan *p, struct corral_error *e);

/* The HOME the command will get: the last setenv HOME=, else none under
 * clearenv or unsetenv HOME, else the caller's. NULL when none. */
const char *mountplan_command_home(const struct corral_spec *spec);

/* Checks before clone: with root = host, no mount option may be set; with
 * root = tmpfs, the source of every plain bind must exist. Nothing is
 * created either way. */
int mountplan_validate(const struct corral_spec *spec, struct corral_error *e);

/* Whether entry i, a bind of a host path onto the same path whose host
 * path is a symlink with the text link, may be that symlink instead: the
 * path the link names (resolved from DST's directory, without . or ..) lies
 * in a bind b before i in p that is bound, of a host path onto the same
 * path, with i's read-only flag; and no entry other than b mounts at b's
 * destination or between it and that path, and none is at or below i's
 * destination. Then the link shows what the bind would (mounts.c checks it
 * is the same directory or file) and b's index is returned, with the path
 * in t; else -1. */
long mountplan_link_base(const struct mount_plan *p, size_t i, const char *link, char *t,
			 size_t size);

/* Validators for options.def: syntax only. */
int mountplan_check_bind(const char *v, struct corral_error *e);
int mountplan_check_tmpfs(const char *v, struct corral_error *e);
int mountplan_check_dst(const char *v, struct corral_error *e);
int mountplan_check_symlink(const char *v, struct corral_error *e);
int mountplan_check_overlay(const char *v, struct corral_error *e);

/* overlay's "SRC:DST[:UPPER]" split at its colons (upper "" when absent);
 * -1 unless it has one or two. */
int mountplan_split_overlay(const char *v, char *src, char *dst, char *upper, size_t size);
/* Normalise an absolute path: collapse "//", drop a trailing "/". Refuses
 * relative paths and "." or ".." components (-EINVAL). */
int mountplan_normalise(const char *path, char *out, size_t size);
