/* mountfs.h: the kernel's filesystems of a new root (/proc, /dev, /sys),
 * the masks, and the files corral writes (/etc/hosts, /etc/hostname). */
#pragma once

#include "log.h"
#include "mountctx.h"
#include "mountplan.h"

int mountfs_proc(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e);
int mountfs_dev(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e);
int mountfs_sys(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e);
int mountfs_file(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e);
int mountfs_mask(struct mounts_ctx *c, const struct mount_entry *m, struct corral_error *e);
/* root = host with a host name of its own: /etc/hosts and /etc/hostname
 * written to a small tmpfs mounted at dir (which the caller then covers:
 * the fresh /proc) and bound read-only over the host's files, so that the
 * sandbox's name resolves. */
int mountfs_host_files(const struct corral_spec *spec, const char *dir, struct corral_error *e);

/* The host kernel's parts of the proc at the directory fd proc read-only
 * and its kernel-wide files masked; self: the proc that names our fds,
 * null: the host's /dev/null, dst: proc's place, for messages. Also for
 * root = host's /proc. */
int mountfs_proc_protect(int proc, const char *self, const char *null, const char *dst,
			 struct corral_error *e);
